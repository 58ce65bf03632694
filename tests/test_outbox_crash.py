"""SIGKILL the running bot while it drains the outbox, start it again: nothing is lost,
and only what was in flight at the kill may arrive twice."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.services.outbox import Notice, queue
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.process import start_bot

MESSAGES = 400
BATCH = 20
FAST = {"outbox_rate": "200", "outbox_batch": str(BATCH), "outbox_lease_seconds": "2"}


async def fill_outbox(database: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    now = datetime.now(tz=UTC)  # the process under test runs on the real clock
    async with make_session_factory(engine)() as session:
        notices = [Notice(10_000 + n, f"news {n}", "test") for n in range(MESSAGES)]
        await queue(session, notices, now=now)
        await session.commit()
    await engine.dispose()


async def test_kill_and_restart_loses_nothing(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    await fill_outbox(database)

    first = await start_bot(api, database, **FAST)
    await api.wait_for(lambda _: len(api.delivered) >= MESSAGES // 2, timeout=60)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    at_kill = len(api.delivered)
    assert at_kill < MESSAGES, "killed half-way, as intended"

    second = await start_bot(api, database, **FAST)
    try:
        wanted = {f"news {n}" for n in range(MESSAGES)}
        await api.wait_for(
            lambda _: wanted <= {c.params["text"] for c in api.delivered}, timeout=60
        )
    finally:
        second.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(second.communicate(), timeout=30)
    assert second.returncode == 0, output.decode()

    copies = Counter(c.params["text"] for c in api.delivered if c.params["text"].startswith("news"))
    assert set(copies) == wanted, "nothing lost"
    twice = sum(count - 1 for count in copies.values())
    assert twice <= BATCH, f"{twice} sent twice; at most the {BATCH} in flight may be"
