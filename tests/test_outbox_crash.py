"""SIGKILL the running bot while it drains the outbox, start it again: nothing is lost,
and only the one message in flight at each kill may arrive twice."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.services.messaging.outbox import Notice, counts, queue
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.process import start_bot

# These start the real bot process: `pytest -m "not process"` is the fast loop.
# The real process on SQLite files of its own: the PostgreSQL run of .ci/run leaves it out.
pytestmark = [pytest.mark.process, pytest.mark.own_sqlite]

MESSAGES = 400
BATCH = 20
FAST = {"outbox_rate": "200", "outbox_batch": str(BATCH), "outbox_lease_seconds": "2"}
# Deliveries after which the process is killed: inside batches, never at their edges.
KILL_AT = (37, 101, 163, 229, 298)


async def fill_outbox(database: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    now = datetime.now(tz=UTC)  # the process under test runs on the real clock
    async with make_session_factory(engine)() as session:
        notices = [Notice(10_000 + n, f"news {n}", "test") for n in range(MESSAGES)]
        await queue(session, notices, now=now)
        await session.commit()
    await engine.dispose()


async def test_five_kills_lose_nothing_and_repeat_at_most_one_message_each(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """SIGKILL at five points of one run (the points are fixed, off any batch boundary),
    restarting each time: every message arrives, and each kill repeats at most the one
    message that was in flight (Telegram has no idempotency key to ask with)."""
    database = tmp_path / "crash.db"
    await fill_outbox(database)
    kills = 0
    for threshold in KILL_AT:
        process = await start_bot(api, database, **FAST)
        await api.wait_for(lambda _, at=threshold: len(api.delivered) >= at, timeout=60)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        kills += 1
        assert len({c.params["text"] for c in api.delivered}) < MESSAGES, "killed mid-run"

    last = await start_bot(api, database, **FAST)
    try:
        wanted = {f"news {n}" for n in range(MESSAGES)}
        await api.wait_for(
            lambda _: wanted <= {c.params["text"] for c in api.delivered}, timeout=60
        )
    finally:
        last.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(last.communicate(), timeout=30)
    assert last.returncode == 0, output.decode()

    copies = Counter(c.params["text"] for c in api.delivered if c.params["text"].startswith("news"))
    assert set(copies) == wanted, "nothing lost"
    twice = sum(count - 1 for count in copies.values())
    assert twice <= kills, f"{twice} sent twice after {kills} kills; at most one each"
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    async with make_session_factory(engine)() as session:
        assert await counts(session) == {"sent": MESSAGES}, "every row says what happened"
    await engine.dispose()
