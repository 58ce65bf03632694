"""How long ranking one request takes with 1k, 10k and 100k volunteers (and 1M on request).

    .venv/bin/python bench/matching.py                       # SQLite, temporary files
    .venv/bin/python bench/matching.py --sizes 100000,1000000  # the whole-city rows
    .venv/bin/python bench/matching.py --postgres URL        # also PostgreSQL (WIPES that database)

Targets (#18): p95 ≤ 10 ms at 100k volunteers and ≤ 50 ms at 1M. Cost grows with the
volunteers per district by design, so there is no rule between sizes. The last line:
`SUMMARY p95_100k_ms=<x> p95_1m_ms=<x>` (a size not measured prints "-").

The city is fixed, Warsaw-sized: 100 places with 8 districts each. More volunteers
therefore means more volunteers per district, the harder case for the matcher. Each
volunteer has 1-3 talents, 3-12 weekly slots, serves 1-2 districts of their place and
speaks Polish (20 % also English or Ukrainian); 10 % are verified, 5 % paused.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.db.models import (
    District,
    HelpRequest,
    Place,
    User,
    VolunteerDistrict,
    VolunteerLanguage,
    VolunteerProfile,
    VolunteerSlot,
    VolunteerTalent,
)
from bot.services.helping.matching import rank_volunteers
from bot.services.people.talents import SENSITIVE, TALENTS

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PLACES, DISTRICTS_PER_PLACE, SAMPLES = 100, 8, 300
SIZES = (1_000, 10_000, 100_000)
CHUNK = 5_000


async def _bulk(engine: AsyncEngine, model: type, rows: list[dict[str, object]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(model), rows[start : start + CHUNK])


async def seed(engine: AsyncEngine, volunteers: int, rng: random.Random) -> None:
    await _bulk(
        engine,
        Place,
        [
            {
                "id": p + 1,
                "slug": f"p{p}",
                "name": f"Place {p}",
                "timezone": "Europe/Warsaw",
                "created_at": NOW,
            }
            for p in range(PLACES)
        ],
    )
    await _bulk(
        engine,
        District,
        [
            {"id": p * DISTRICTS_PER_PLACE + d + 1, "place_id": p + 1, "name": f"D{d}"}
            for p in range(PLACES)
            for d in range(DISTRICTS_PER_PLACE)
        ],
    )
    users, profiles, talents, slots, districts, languages = [], [], [], [], [], []
    for n in range(volunteers):
        uid, place = n + 1, rng.randrange(PLACES) + 1
        home = (place - 1) * DISTRICTS_PER_PLACE + rng.randrange(DISTRICTS_PER_PLACE) + 1
        users.append(
            {
                "id": uid,
                "telegram_id": 10**9 + uid,
                "first_name": "V",
                "language": "pl",
                "consent_at": NOW,
                "place_id": place,
                "district_id": home,
                "created_at": NOW,
            }
        )
        profiles.append(
            {
                "user_id": uid,
                "max_tasks_per_week": rng.choice((1, 2, 3, 5)),
                "completed_at": NOW,
                "paused": rng.random() < 0.05,
                "no_shows": 0,
                "verified_at": NOW if rng.random() < 0.1 else None,
                "created_at": NOW,
            }
        )
        talents += [{"user_id": uid, "code": c} for c in rng.sample(TALENTS, rng.randint(1, 3))]
        slots += [{"user_id": uid, "slot": s} for s in rng.sample(range(21), rng.randint(3, 12))]
        served = {home} | (
            {home + 1} if rng.random() < 0.5 and (home % DISTRICTS_PER_PLACE) else set()
        )
        districts += [{"user_id": uid, "district_id": d} for d in served]
        languages.append({"user_id": uid, "language": "pl"})
        if rng.random() < 0.2:
            languages.append({"user_id": uid, "language": rng.choice(("en", "uk"))})
    for model, rows in (
        (User, users),
        (VolunteerProfile, profiles),
        (VolunteerTalent, talents),
        (VolunteerSlot, slots),
        (VolunteerDistrict, districts),
        (VolunteerLanguage, languages),
    ):
        await _bulk(engine, model, rows)
    requests = []
    for n in range(SAMPLES):
        place = rng.randrange(PLACES) + 1
        category = rng.choice(TALENTS)
        requests.append(
            {
                "id": n + 1,
                "requester_id": rng.randrange(volunteers) + 1,
                "place_id": place,
                "district_id": (place - 1) * DISTRICTS_PER_PLACE
                + rng.randrange(DISTRICTS_PER_PLACE)
                + 1,
                "category": category,
                "description": "Pomoc z zakupami i apteką",
                "day": date(2026, 11, 24 + rng.randrange(6)) if rng.random() < 0.7 else None,
                "part": rng.choice((0, 1, 2, None)),
                "language": "pl",
                "sensitive": category in SENSITIVE,
                "status": "open",
                "wave": 0,
                "created_at": NOW,
            }
        )
    await _bulk(engine, HelpRequest, requests)


async def measure(url: str, volunteers: int) -> tuple[float, float, float]:
    engine = make_engine(url)
    try:
        await upgrade(engine)
        rng = random.Random(volunteers)
        started = time.perf_counter()
        await seed(engine, volunteers, rng)
        if engine.dialect.name == "postgresql":
            # A live database has statistics (autovacuum); a fresh bulk load has none yet.
            async with engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        seeded = time.perf_counter() - started
        timings = []
        async with make_session_factory(engine)() as session:
            requests = list(await session.scalars(select(HelpRequest)))
            for request in requests[:20]:  # warm caches and statement compilation
                await rank_volunteers(session, request, NOW, limit=3)
            for request in requests:
                begin = time.perf_counter()
                await rank_volunteers(session, request, NOW, limit=3)
                timings.append((time.perf_counter() - begin) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        return p50, p95, seeded
    finally:
        await engine.dispose()


async def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL to also measure (it is wiped)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"ranking one request, {SAMPLES} requests per size, top 3 returned")
    header = ("database", "volunteers", "per district", "p50 ms", "p95 ms", "seed s")
    print("{:<11}{:>11}{:>14}{:>9}{:>9}{:>8}".format(*header))
    results: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", lambda n: f"sqlite+aiosqlite:///{folder}/bench{n}.db")]
        if args.postgres:
            targets.append(("PostgreSQL", lambda n: args.postgres))
        for name, url_for in targets:
            for size in sizes:
                if name == "PostgreSQL":
                    await reset_postgres(args.postgres)
                p50, p95, seeded = await measure(url_for(size), size)
                results[(name, size)] = p95
                density = size / (PLACES * DISTRICTS_PER_PLACE)
                print(f"{name:<11}{size:>11,}{density:>14.1f}{p50:>9.2f}{p95:>9.2f}{seeded:>8.1f}")
    figures = {size: results.get(("SQLite", size)) for size in (100_000, 1_000_000)}
    shown = {size: f"{p95:.2f}" if p95 is not None else "-" for size, p95 in figures.items()}
    print(f"SUMMARY p95_100k_ms={shown[100_000]} p95_1m_ms={shown[1_000_000]}")


if __name__ == "__main__":
    asyncio.run(main())
