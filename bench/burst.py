"""The seconds after an announcement: hundreds of neighbours tap at once.

500 residents of one centre each tap "📅 Wydarzenia" in the menu (the events list with a
published event: their user, the place, the agenda and its free places are read, one
reply is sent). The real Dispatcher, the real SQLite database in a temporary file, the
Bot API a fake session in the same process.

- **Burst**: the 500 taps arrive spread evenly over one second (real time), at most
  `--inflight` (50) handled at once; each tap's latency runs from its arrival to its
  reply, so waiting for a free slot counts.
- **Throughput**: the same 500 taps queued at once with 1, 10 and 50 in flight.

Targets (#18): burst p99 ≤ 250 ms, none over 1 s, and throughput with 10 or 50 in
flight not below 1 in flight. The last line:
`SUMMARY burst_p50_ms=<x> burst_p99_ms=<x> burst_max_ms=<x> tput_1=<x> tput_10=<x> tput_50=<x>`,
with `pg_burst_p99_ms`, `pg_tput_1` and `pg_tput_50` added when `--postgres URL` is given
(that database is wiped).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram.types import Update

from bench.matching import reset_postgres
from bench.updates import ApiStub, as_received, bench_database
from bot.db.unit_of_work import unit_of_work
from bot.i18n import build_i18n
from bot.middlewares.database import MAY_BE_AGAIN
from bot.runtime.app import build_bot, build_dispatcher
from bot.runtime.memory import settle_after_start
from bot.services.initiatives.events import EventDraft, submit_event
from tests.harness import START, FakeClock, FakeMonotonic, Person
from tests.helpers import add_place, real_teller
from tests.volunteers import resident

PEOPLE = 500
EVENTS_LABEL = "📅 Wydarzenia"


def tap(person: Person, update_id: int) -> dict[str, Any]:
    update = Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": int(START.timestamp()),
                "chat": {"id": person.id, "type": "private"},
                "from": {"id": person.id, "is_bot": False, "first_name": "Sąsiad"},
                "text": EVENTS_LABEL,
            },
        }
    )
    return as_received(update)


async def setup(url: str) -> tuple[Any, Any, list[dict[str, Any]], Any]:
    engine, factory, settings = await bench_database(url)
    async with unit_of_work(factory, real_teller()) as db:
        place_id = await add_place(db)
        author = await resident(db, 999, place_id)
        draft = EventDraft(
            title="Wieczór planszówek",
            description="Gry dla sąsiadów",
            starts_at=START + timedelta(days=2),
            location=None,
            capacity=30,
        )
        await submit_event(db, author, place_id, draft, START, publish=True)
        for index in range(PEOPLE):
            await resident(db, 10_000 + index, place_id)
    dp = build_dispatcher(
        settings=settings,
        session_factory=factory,
        i18n=build_i18n("pl"),
        clock=FakeClock(START),
        monotonic=FakeMonotonic(),
    )
    bot = build_bot(settings, ApiStub())
    updates = [tap(Person(id=10_000 + i), i + 1) for i in range(PEOPLE)]
    return dp, bot, updates, engine


async def run(dp: Any, bot: Any, updates: list[dict[str, Any]], inflight: int, spread: float):
    """Latency per update (arrival → reply) and the wall time of the whole batch."""
    slots = asyncio.Semaphore(inflight)
    began = time.perf_counter()
    latencies: list[float] = []

    async def one(index: int, update: dict[str, Any]) -> None:
        arrival = began + spread * index / len(updates)
        await asyncio.sleep(max(0.0, arrival - time.perf_counter()))
        async with slots:
            # As the polling loop feeds updates newer than any handled before.
            await dp.feed_raw_update(bot, update, **{MAY_BE_AGAIN: False})
        latencies.append(time.perf_counter() - arrival)

    await asyncio.gather(*(one(i, u) for i, u in enumerate(updates)))
    return latencies, time.perf_counter() - began


def _fresh(updates: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """The same taps with new update ids, so each round is handled like a new one."""
    return [u | {"update_id": u["update_id"] + offset} for u in updates]


async def measure(url: str, inflight: int) -> dict[str, float]:
    """The burst and the three throughputs on one database."""
    dp, bot, updates, engine = await setup(url)
    settle_after_start()
    await run(dp, bot, _fresh(updates, 10_000), inflight, 0.0)  # warm-up
    latencies, _ = await run(dp, bot, _fresh(updates, 20_000), inflight, 1.0)
    ordered = sorted(latencies)
    figures = {
        "burst_p50_ms": statistics.median(ordered) * 1000,
        "burst_p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "burst_max_ms": ordered[-1] * 1000,
    }
    for number, lanes in enumerate((1, 10, 50)):
        _, wall = await run(dp, bot, _fresh(updates, 30_000 + number * 1_000), lanes, 0.0)
        figures[f"tput_{lanes}"] = PEOPLE / wall
    await engine.dispose()
    return figures


def _report(database: str, inflight: int, figures: dict[str, float]) -> None:
    print(f"{database}: burst of {PEOPLE} taps within 1 s, ≤ {inflight} in flight:")
    print(
        f"  p50 {figures['burst_p50_ms']:.1f} ms, p99 {figures['burst_p99_ms']:.1f} ms, "
        f"max {figures['burst_max_ms']:.1f} ms"
    )
    for lanes in (1, 10, 50):
        print(f"  throughput, {lanes:>2} in flight: {figures[f'tput_{lanes}']:.0f} updates/s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inflight", type=int, default=50)
    parser.add_argument("--postgres", help="also measure on this database (it is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = await measure(f"sqlite+aiosqlite:///{Path(folder) / 'burst.db'}", args.inflight)
    _report("SQLite", args.inflight, sqlite)
    summary = {
        key: f"{value:.1f}" if key.endswith("_ms") else f"{value:.0f}"
        for key, value in sqlite.items()
    }
    if args.postgres:
        await reset_postgres(args.postgres)
        postgres = await measure(args.postgres, args.inflight)
        _report("PostgreSQL", args.inflight, postgres)
        summary |= {
            "pg_burst_p99_ms": f"{postgres['burst_p99_ms']:.1f}",
            "pg_tput_1": f"{postgres['tput_1']:.0f}",
            "pg_tput_50": f"{postgres['tput_50']:.0f}",
        }
    print("SUMMARY " + " ".join(f"{key}={value}" for key, value in summary.items()))


if __name__ == "__main__":
    asyncio.run(main())
