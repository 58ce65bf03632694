"""SQLite called on the event loop's own thread, for SQLAlchemy's aiosqlite dialect.

aiosqlite gives each connection a thread and hands every call over to it. A query on a
neighbourhood-sized database takes microseconds; the hand-over costs far more (measured
in bench/updates.py, see docs/decisions/0002-sqlite-on-the-loop.md). So these classes
offer aiosqlite's async interface but call `sqlite3` directly.

What the threads gave us for free is that a connection waiting for SQLite's write lock
never stops the others. Here a blocking wait would freeze the whole loop, possibly
while the connection holding the lock waits for its turn. So writers in this process
queue on an asyncio lock (`WriteGate`) before SQLite sees their first write, and hold
it until their transaction ends; SQLite's own busy timeout is then only ever met by
another process (a CLI command next to the bot).

Not offered: SQLAlchemy's AUTOCOMMIT isolation level and streaming results, which
nothing here uses on SQLite.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

# Statements that cannot change the database; anything else may take the write lock.
READ_ONLY_PREFIXES = ("select", "pragma", "explain")


def _is_read_only(sql: str) -> bool:
    return sql.lstrip().lower().startswith(READ_ONLY_PREFIXES)


class WriteGate:
    """One writer at a time per database file, waited for without blocking the loop."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = asyncio.Lock()

    async def enter(self) -> None:
        if not self._lock.locked():
            await self._lock.acquire()  # free: no timer needed (the common case)
            return
        try:
            await asyncio.wait_for(self._lock.acquire(), self.timeout)
        except TimeoutError as exc:
            # What SQLite itself says when its busy timeout runs out.
            raise sqlite3.OperationalError("database is locked") from exc

    def leave(self) -> None:
        self._lock.release()


class InlineConnection:
    """The part of `aiosqlite.Connection` that SQLAlchemy's dialect uses."""

    def __init__(self, connection: sqlite3.Connection, gate: WriteGate) -> None:
        # SQLAlchemy checks this attribute before committing or rolling back.
        self._connection: sqlite3.Connection | None = connection
        self._gate = gate
        self._writing = False

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    async def run(self, sql: str, call: Callable[[], Any]) -> Any:
        """Run one statement, first taking the write gate if it may write."""
        if not self._writing and not _is_read_only(sql):
            await self._gate.enter()
            self._writing = True
        try:
            return call()
        finally:
            self._settle()

    def _settle(self) -> None:
        """Give the gate back once no transaction is open any more."""
        if self._writing and (self._connection is None or not self._connection.in_transaction):
            self._writing = False
            self._gate.leave()

    def cursor(self) -> InlineCursor:
        return InlineCursor(self, self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        cursor = self.cursor()
        await cursor.execute(sql, parameters)
        return cursor

    async def commit(self) -> None:
        try:
            self._conn.commit()
        finally:
            self._settle()

    async def rollback(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self._settle()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once; SQLite rolls back whatever was not committed."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._settle()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)


class InlineCursor:
    """The part of `aiosqlite.Cursor` that SQLAlchemy's dialect uses."""

    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        await self._connection.run(sql, lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        await self._connection.run(sql, lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


def inline_connector(
    args: Sequence[Any], kwargs: dict[str, Any], gate: WriteGate
) -> Callable[[], Awaitable[InlineConnection]]:
    """The `async_creator` for SQLAlchemy: `args`/`kwargs` go to `sqlite3.connect`."""

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(*args, **kwargs), gate)

    return connect
