"""Engine and session factory. Built from settings at start, never at import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.sqlite_inline import WriteGate, inline_connector

# How long a writer waits for another one before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 10
# SQLite connections kept open for updates in flight. Each is cheap, but opening one
# (and setting its pragmas) costs more than a whole update, and SQLAlchemy's default of
# five meant that every update past the fifth opened and closed its own.
SQLITE_POOL_SIZE = 20
SQLITE_POOL_OVERFLOW = 30
# PostgreSQL connections per process, kept open; SQLAlchemy's default is five, and each
# update past that opened a new connection, which costs more than the update itself.
DEFAULT_SERVER_POOL = 10


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys are off by default in SQLite; WAL lets readers run beside a writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _sqlite_engine(url: str) -> AsyncEngine:
    """aiosqlite's dialect over connections that run on the loop (bot.db.sqlite_inline)."""
    parsed = make_url(url)
    args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    gate = WriteGate(timeout=BUSY_TIMEOUT_SECONDS)
    engine = create_async_engine(
        url,
        hide_parameters=True,
        async_creator=inline_connector(args, dict(kwargs), gate),
        pool_size=SQLITE_POOL_SIZE,
        max_overflow=SQLITE_POOL_OVERFLOW,
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def make_engine(url: str, *, pool_size: int = DEFAULT_SERVER_POOL) -> AsyncEngine:
    """`pool_size` is for a database server: each process keeps that many connections
    open and opens as many again at its busiest, so replicas × 2 × `pool_size` must stay
    under the server's `max_connections` (docs/deploy.md)."""
    # Parameters can hold what people typed; errors and logs must not carry them.
    if is_sqlite(url):
        return _sqlite_engine(url)
    return create_async_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=pool_size,
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
