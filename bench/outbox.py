"""Outbox throughput against a fake Bot API that enforces a per-second ceiling.

    .venv/bin/python bench/outbox.py                 # 10,000 messages, ceiling 25/s (~7 min a run)
    .venv/bin/python bench/outbox.py --messages 2000

Runs the real `sasiad run` process twice on SQLite: a clean run, and a run that is
SIGKILLed at about half and started again. Prints the achieved rate as a fraction of
the ceiling, 429s, lost and duplicated messages; then the delay between messages'
due times (as reminders use them) and their sending, p50/p99; last a line
`SUMMARY clean_ratio=<x> kill_lost=<n> kill_dups=<n>`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bot.db.engine import make_engine
from bot.db.migrations import upgrade
from bot.db.models import OutboxMessage
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.process import start_bot

CHAT_BASE = 50_000_000


async def fill(database: Path, count: int, *, spread: float = 0.0) -> dict[str, datetime]:
    """Queue `count` messages to as many chats; with `spread`, due times spread over
    that many seconds from now (how reminders sit in the outbox)."""
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    now = datetime.now(tz=UTC) + timedelta(seconds=1)
    due = {f"m{n}": now + timedelta(seconds=spread * n / max(count - 1, 1)) for n in range(count)}
    rows = [
        {
            "chat_id": CHAT_BASE + n,
            "text": f"m{n}",
            "kind": "bench",
            "status": "pending",
            "due_at": due[f"m{n}"],
            "attempts": 0,
            "created_at": now,
        }
        for n in range(count)
    ]
    async with engine.begin() as connection:
        for start in range(0, len(rows), 5000) if rows else ():
            await connection.execute(insert(OutboxMessage), rows[start : start + 5000])
    await engine.dispose()
    return due


def report(
    name: str, api: FakeBotApi, count: int, ceiling: int, seconds: float
) -> tuple[float, int, int]:
    """Prints one row; returns (rate / ceiling, lost, duplicated)."""
    copies = Counter(c.params["text"] for c in api.delivered)
    lost = count - len(copies)
    duplicated = sum(n - 1 for n in copies.values())
    rate = len(copies) / seconds
    print(
        f"{name:<22}{rate:>9.2f}/s{rate / ceiling:>9.3f}{api.too_many:>7}{lost:>7}{duplicated:>7}"
    )
    return rate / ceiling, lost, duplicated


async def run_until_done(
    api: FakeBotApi, database: Path, count: int, kill_at: float | None
) -> float:
    """Seconds from the first send to the last; with `kill_at`, SIGKILL at that fraction."""
    process = await start_bot(api, database)
    if kill_at is not None:
        # Off any batch boundary, so that a batch is really in flight at the kill.
        threshold = int(count * kill_at) + 17
        await api.wait_for(lambda _: len(api.delivered) >= threshold, timeout=3600)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        process = await start_bot(api, database)
    try:
        await api.wait_for(
            lambda _: len({c.params["text"] for c in api.delivered}) >= count, timeout=3600
        )
    finally:
        process.send_signal(signal.SIGTERM)
        await process.communicate()
    return api.delivered[-1].at - api.delivered[0].at


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--ceiling", type=int, default=25)
    args = parser.parse_args()
    print(
        f"{args.messages:,} messages to {args.messages:,} chats, fake API ceiling {args.ceiling}/s"
    )
    print(f"{'run':<22}{'rate':>11}{'of ceil':>9}{'429s':>7}{'lost':>7}{'dups':>7}")
    figures: dict[str, tuple[float, int, int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, kill_at in (("clean", None), ("SIGKILL at 50 %", 0.5)):
            api = FakeBotApi(ceiling=args.ceiling)
            await api.start()
            database = Path(folder) / f"{name[:5]}.db"
            await fill(database, args.messages)
            seconds = await run_until_done(api, database, args.messages, kill_at)
            figures[name] = report(name, api, args.messages, args.ceiling, seconds)
            await api.stop()

        api = FakeBotApi(ceiling=args.ceiling)
        await api.start()
        count = 300
        database = Path(folder) / "due.db"
        await fill(database, 0)
        process = await start_bot(api, database)
        await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), 60)
        due = await fill(database, count, spread=30)  # queued while it runs, due over 30 s
        await api.wait_for(lambda _: len(api.delivered) >= count, timeout=600)
        process.send_signal(signal.SIGTERM)
        await process.communicate()
        delays = sorted(
            max(0.0, c.wall - due[c.params["text"]].timestamp()) * 1000 for c in api.delivered
        )
        p99 = delays[int(len(delays) * 0.99) - 1]
        print(
            f"due time -> sent, {count} messages due over 30 s: "
            f"p50 {statistics.median(delays):.0f} ms, p99 {p99:.0f} ms"
        )
        await api.stop()
    ratio = figures["clean"][0]
    _, kill_lost, kill_dups = figures["SIGKILL at 50 %"]
    print(f"SUMMARY clean_ratio={ratio:.3f} kill_lost={kill_lost} kill_dups={kill_dups}")


if __name__ == "__main__":
    started = time.monotonic()
    asyncio.run(main())
    print(f"bench took {time.monotonic() - started:.0f} s")
