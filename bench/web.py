"""How fast the Mini App's server answers "My week" and "Events" with a city's worth of
data: 10,000 people (all volunteers, each with a profile, times and sign-ups, some with
tasks) at 5 centres, and 500 events this month. Each call goes through the real aiohttp
application on loopback: the Telegram sign-in check, the unit of work, the services and
the Jinja2 page, as a phone's call would.

    .venv/bin/python bench/web.py              # SQLite in a temporary file
    .venv/bin/python bench/web.py --calls 200  # fewer calls

Last, one line (#32): `SUMMARY web_week_p95_ms=… web_events_p95_ms=…` (target ≤ 50 ms
each on SQLite), with the medians and the first page's bytes beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from sqlalchemy import insert

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.db.models import (
    Event,
    EventRole,
    HelpRequest,
    Occurrence,
    Place,
    Seat,
    Signup,
    User,
    VolunteerProfile,
    VolunteerSlot,
)
from bot.db.statuses import EventStatus, OccurrenceStatus, RequestStatus, SignupStatus
from bot.i18n import build_i18n
from bot.web.api import MiniApp
from bot.web.routes import add_mini_app
from tests.conftest import TOKEN
from tests.fakes.webapp import init_data
from tests.harness import START, FakeClock

PEOPLE = 10_000
PLACES = 5
EVENTS = 500
SIGNUPS_EACH = 2
TASKS_EVERY = 5  # one person in five has a task this week
CHUNK = 2_000


def city(seed: int) -> dict[type, list[dict[str, object]]]:
    rng = random.Random(seed)
    rows: dict[type, list[dict[str, object]]] = defaultdict(list)
    for p in range(1, PLACES + 1):
        rows[Place].append(
            {"id": p, "slug": f"centre-{p}", "name": f"Centre {p}", "timezone": "Europe/Warsaw"}
            | {"created_at": START}
        )
    for uid in range(1, PEOPLE + 1):
        place = uid % PLACES + 1
        rows[User].append(
            {"id": uid, "telegram_id": 10**9 + uid, "first_name": "N", "language": "pl"}
            | {"consent_at": START, "place_id": place, "created_at": START}
        )
        rows[VolunteerProfile].append(
            {"user_id": uid, "max_tasks_per_week": 2, "completed_at": START, "paused": False}
            | {"no_shows": 0, "created_at": START}
        )
        rows[VolunteerSlot] += [
            {"user_id": uid, "slot": s} for s in rng.sample(range(21), rng.randint(3, 12))
        ]
        if uid % TASKS_EVERY == 0:
            rows[HelpRequest].append(
                {"requester_id": None, "place_id": place, "category": "shopping"}
                | {"description": "Zakupy", "day": (START + timedelta(days=2)).date(), "part": 0}
                | {"address": "ul. Długa 1", "language": "pl", "sensitive": False}
                | {"status": RequestStatus.MATCHED, "wave": 1, "created_at": START}
                | {"volunteer_id": uid, "accepted_at": START}
            )
    for e in range(1, EVENTS + 1):
        place = e % PLACES + 1
        starts = START + timedelta(days=rng.randrange(0, 28), hours=rng.randrange(0, 10))
        rows[Event].append(
            {"id": e, "place_id": place, "title": f"Event {e}", "description": "Razem"}
            | {"starts_at": starts, "duration_minutes": 120, "repeat_weeks": 0}
            | {"language": "pl", "status": EventStatus.PUBLISHED, "created_at": START}
        )
        rows[EventRole].append({"id": e, "event_id": e, "name": None, "capacity": 30})
        rows[Occurrence].append(
            {"id": e, "event_id": e, "number": 0, "starts_at": starts}
            | {"status": OccurrenceStatus.SCHEDULED}
        )
    taken: dict[int, int] = defaultdict(int)
    for uid in range(1, PEOPLE + 1):
        for e in rng.sample(range(uid % PLACES + 1, EVENTS + 1, PLACES), SIGNUPS_EACH):
            taken[e] += 1
            rows[Signup].append(
                {"occurrence_id": e, "user_id": uid, "role_id": e}
                | {"status": SignupStatus.CONFIRMED, "queued_at": START}
            )
    rows[Seat] = [
        {"occurrence_id": e, "role_id": e, "capacity": 30 + taken[e], "taken": taken[e]}
        for e in range(1, EVENTS + 1)
    ]
    return rows


async def fill(url: str, seed: int) -> None:
    engine = make_engine(url)
    await upgrade(engine)
    rows = city(seed)
    async with engine.begin() as connection:
        for model in (Place, User, VolunteerProfile, VolunteerSlot, HelpRequest, Event):
            for start in range(0, len(rows[model]), CHUNK):
                await connection.execute(insert(model), rows[model][start : start + CHUNK])
        for model in (EventRole, Occurrence, Seat, Signup):
            for start in range(0, len(rows[model]), CHUNK):
                await connection.execute(insert(model), rows[model][start : start + CHUNK])
    await engine.dispose()


async def timed_calls(server: TestServer, path: str, calls: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    took = []
    async with ClientSession() as client:
        for _ in range(calls):
            uid = rng.randint(1, PEOPLE)
            signed = init_data(
                TOKEN, user_id=10**9 + uid, first_name="N", signed_at=START, language_code="pl"
            )
            began = time.perf_counter()
            async with client.get(
                server.make_url(path), headers={"Authorization": f"tma {signed}"}
            ) as response:
                await response.read()
                assert response.status == 200, response.status
            took.append((time.perf_counter() - began) * 1000)
    return took


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def first_page_bytes(server: TestServer) -> int:
    """The shell, our script and style, and the week: what a first visit loads from us."""
    signed = init_data(TOKEN, user_id=10**9 + 1, first_name="N", signed_at=START)
    total = 0
    async with ClientSession() as client:
        for path in ("/app/", "/app/static/app.js", "/app/static/app.css", "/api/page/week"):
            async with client.get(
                server.make_url(path), headers={"Authorization": f"tma {signed}"}
            ) as response:
                total += len(await response.read())
    return total


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/web.db"
        began = time.perf_counter()
        await fill(url, args.seed)
        print(f"{PEOPLE} people, {EVENTS} events filled in {time.perf_counter() - began:.1f} s")
        settings = Settings(_env_file=None, bot_token=TOKEN, database_url=url)
        engine = make_engine(url)
        app = web.Application()
        clock = FakeClock(START + timedelta(minutes=5))
        add_mini_app(app, MiniApp(settings, make_session_factory(engine), build_i18n("pl"), clock))
        async with TestServer(app, host="127.0.0.1") as server:
            await timed_calls(server, "/api/page/week", 20, args.seed)  # warm up
            week = await timed_calls(server, "/api/page/week", args.calls, args.seed)
            events = await timed_calls(server, "/api/page/events", args.calls, args.seed + 1)
            size = await first_page_bytes(server)
        await engine.dispose()
    for name, values in (("My week", week), ("Events", events)):
        print(
            f"{name:8} {len(values)} calls: median {statistics.median(values):.1f} ms, "
            f"p95 {p95(values):.1f} ms, max {max(values):.1f} ms"
        )
    print(f"first page: {size} bytes from our server")
    print(
        f"SUMMARY web_week_p95_ms={p95(week):.1f} web_events_p95_ms={p95(events):.1f} "
        f"web_week_p50_ms={statistics.median(week):.1f} "
        f"web_events_p50_ms={statistics.median(events):.1f} first_page_bytes={size}"
    )


if __name__ == "__main__":
    asyncio.run(main())
