"""Memory of the real bot process: RSS after start, and what 10,000 people add.

Starts `sasiad run` (long polling, SQLite) against the fake Bot API of the tests,
reads the process's resident set from /proc once start-up is over, then lets
`--users` different people send /start (after a warm-up of 500 others) and reads it
again. Prints `SUMMARY rss_start_mb=<x> rss_per_10k_users_mb=<y>` (targets of #18:
≤ 220 MB and ≤ 25 MB)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.bot_api import FakeBotApi
from tests.fakes.process import start_bot

BATCH = 500
# The first answers load code paths and caches once; people are counted after them.
WARM_UP = 500


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_message(user_id: int) -> dict:
    person = {"id": user_id, "is_bot": False, "first_name": "Sąsiad", "language_code": "pl"}
    return {
        "message_id": 1,
        "date": int(time.time()),
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": user_id, "type": "private"},
        "from": person,
    }


async def _starts(api: FakeBotApi, first: int, last: int) -> None:
    """People `first`..`last` send /start, a batch at a time, each answered."""
    for batch in range(first, last, BATCH):
        end = min(batch + BATCH, last)
        for user_id in range(batch, end):
            await api.push("message", start_message(1_000_000 + user_id))
        await api.wait_for(lambda _, n=end: len(api.delivered) >= n, 120)


async def measure(users: int) -> tuple[float, float, float]:
    api = FakeBotApi()
    await api.start()
    with tempfile.TemporaryDirectory() as folder:
        process = await start_bot(api, Path(folder) / "memory.db")
        assert process.stdout is not None
        # The bot logs a line per update: read them, or the full pipe stops the bot.
        logs = asyncio.create_task(process.stdout.read())
        try:
            await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), 60)
            await asyncio.sleep(2)  # the command menus are out: start-up is over, polling
            at_start = rss_mb(process.pid)
            await _starts(api, 0, WARM_UP)
            warm = rss_mb(process.pid)
            await _starts(api, WARM_UP, WARM_UP + users)
            after = rss_mb(process.pid)
        finally:
            process.terminate()
            await process.wait()
            await logs
            await api.stop()
    return at_start, warm, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    started = time.perf_counter()
    at_start, warm, after = asyncio.run(measure(args.users))
    per_10k = (after - warm) * 10_000 / args.users
    print(f"RSS after start: {at_start:.1f} MB; after the first {WARM_UP} answers: {warm:.1f} MB")
    print(f"RSS after {args.users} people sent /start: {after:.1f} MB ({per_10k:+.1f} MB per 10k)")
    print(f"took {time.perf_counter() - started:.0f} s")
    print(f"SUMMARY rss_start_mb={at_start:.1f} rss_per_10k_users_mb={per_10k:.1f}")


if __name__ == "__main__":
    main()
