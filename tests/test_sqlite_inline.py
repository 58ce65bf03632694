"""SQLite on the loop's thread: writers in one process take turns without ever
blocking the loop, readers never wait, and a writer that waits too long gets SQLite's
own "database is locked"."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import make_engine
from bot.db.sqlite_inline import InlineConnection, WriteGate


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'gate.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE visits (name TEXT)"))
    yield engine
    await engine.dispose()


async def test_writers_take_turns_while_the_loop_runs(sqlite_engine: AsyncEngine) -> None:
    first_wrote, read_done = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def first() -> None:
        async with sqlite_engine.connect() as connection:
            await connection.execute(text("INSERT INTO visits VALUES ('first')"))
            first_wrote.set()
            # The transaction stays open while other work runs, as when a reply is sent.
            await read_done.wait()
            for _ in range(10):
                await asyncio.sleep(0)
            order.append("first commits")
            await connection.commit()

    async def second() -> None:
        await first_wrote.wait()
        async with sqlite_engine.connect() as connection:
            await connection.execute(text("INSERT INTO visits VALUES ('second')"))
            order.append("second wrote")
            await connection.commit()

    async def reader() -> int:
        await first_wrote.wait()
        async with sqlite_engine.connect() as connection:
            count = await connection.scalar(text("SELECT count(*) FROM visits"))
            order.append("read")
            read_done.set()
            return int(count or 0)

    _, _, seen = await asyncio.gather(first(), second(), reader())
    assert seen == 0, "the reader saw the last committed state"
    assert order == ["read", "first commits", "second wrote"]
    async with sqlite_engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM visits")) == 2


async def test_a_writer_that_waits_too_long_gets_database_is_locked(tmp_path: Path) -> None:
    gate = WriteGate(timeout=0.05)
    path = tmp_path / "slow.db"
    holder = InlineConnection(sqlite3.connect(path), gate)
    waiter = InlineConnection(sqlite3.connect(path), gate)
    await holder.execute("CREATE TABLE t (x)")
    await holder.execute("INSERT INTO t VALUES (1)")
    assert holder.in_transaction
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        await waiter.execute("INSERT INTO t VALUES (2)")
    await holder.commit()
    await waiter.execute("INSERT INTO t VALUES (2)")
    await waiter.commit()
    rows = await (await holder.execute("SELECT x FROM t ORDER BY x")).fetchall()
    assert rows == [(1,), (2,)]
    await holder.close()
    await waiter.close()


async def test_a_failed_write_gives_the_turn_back(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.connect() as connection:
        with pytest.raises(OperationalError):
            await connection.execute(text("INSERT INTO nowhere VALUES (1)"))
        await connection.rollback()

    async def write() -> None:
        async with sqlite_engine.begin() as connection:
            await connection.execute(text("INSERT INTO visits VALUES ('after')"))

    await asyncio.wait_for(write(), timeout=5)


async def test_closing_mid_transaction_rolls_back_and_frees_the_gate(tmp_path: Path) -> None:
    gate = WriteGate(timeout=1)
    path = tmp_path / "closed.db"
    first = InlineConnection(sqlite3.connect(path), gate)
    await first.execute("CREATE TABLE t (x)")
    await first.execute("INSERT INTO t VALUES (1)")
    await first.close()
    second = InlineConnection(sqlite3.connect(path), gate)
    await second.execute("INSERT INTO t VALUES (2)")
    await second.commit()
    assert await (await second.execute("SELECT x FROM t")).fetchall() == [(2,)]
    await second.close()


async def test_busy_moments_reuse_open_connections(sqlite_engine: AsyncEngine) -> None:
    """Opening a connection costs more than an update; ten at once must not open new ones
    each time (SQLAlchemy's default pool of five did, for every update past the fifth)."""
    opened: list[object] = []
    event.listen(sqlite_engine.sync_engine, "connect", lambda *_: opened.append(None))

    async def visit(inside: list[object], release: asyncio.Event) -> None:
        async with sqlite_engine.connect() as connection:
            await connection.execute(text("SELECT count(*) FROM visits"))
            inside.append(None)
            if len(inside) == 10:
                release.set()  # all ten hold a connection at the same moment
            await release.wait()

    for _ in range(3):
        inside: list[object] = []
        release = asyncio.Event()
        await asyncio.gather(*(visit(inside, release) for _ in range(10)))
    assert len(opened) <= 10
