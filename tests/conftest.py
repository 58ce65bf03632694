"""Fixtures: a migrated database (SQLite by default, PostgreSQL when
SASIAD_TEST_DATABASE_URL is set), settings, and a bot harness around the real Dispatcher."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.conversation_storage import DatabaseStorage
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.db.models import Base
from bot.i18n import build_i18n
from bot.runtime.app import build_bot, build_dispatcher, build_sender
from bot.runtime.webhook import redis_storage
from bot.web.api import MiniApp
from bot.web.routes import add_mini_app
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.session import RecordingSession
from tests.harness import (
    START,
    FakeClock,
    FakeMonotonic,
    FakeTimer,
    Harness,
    Person,
    instant_pacer,
)

# Under pytest-xdist (`-n 2`) each worker gets a database and a Redis db of its own
# beside the ones named, so two workers never truncate each other's tables.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
SHARED_PG_URL = os.environ.get("SASIAD_TEST_DATABASE_URL")


def _worker_database(url: str | None) -> str | None:
    if url is None or not WORKER:
        return url
    server, name = url.rsplit("/", 1)
    return f"{server}/{name}_{WORKER}"


def _worker_redis(url: str | None) -> str | None:
    if url is None or not WORKER:
        return url
    server, db = url.rsplit("/", 1)
    return f"{server}/{int(db or 0) + 1 + int(WORKER.removeprefix('gw'))}"


PG_URL = _worker_database(SHARED_PG_URL)
REDIS_URL = _worker_redis(os.environ.get("SASIAD_TEST_REDIS_URL"))
TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
ADMIN_ID = 900_001


def pytest_report_header() -> str:
    database = "PostgreSQL" if PG_URL else "SQLite"
    return f"database: {database}; conversations: {'Redis' if REDIS_URL else 'database'}"


async def create_worker_database(url: str) -> None:
    """The worker's own database, made on the server the shared URL names."""
    assert SHARED_PG_URL is not None
    server = make_engine(SHARED_PG_URL)
    name = url.rsplit("/", 1)[1]
    try:
        autocommit = server.execution_options(isolation_level="AUTOCOMMIT")
        async with autocommit.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await server.dispose()


async def reset_postgres(url: str) -> None:
    if url != SHARED_PG_URL:
        await create_worker_database(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _upgrade_url(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run; each test then starts from a copy (SQLite) or truncated tables."""
    if PG_URL:
        asyncio.run(reset_postgres(PG_URL))
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_upgrade_url(f"sqlite+aiosqlite:///{path}"))
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    if PG_URL:
        return PG_URL
    copy = tmp_path / "sasiad.db"
    shutil.copyfile(migrated_template, copy)
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    if PG_URL:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


class ArrangingSession(AsyncSession):
    """The tests' own session, for arranging and checking. Services never commit (the
    caller's unit of work does); here each explicit flush at the end of a service also
    commits, so what a test arranges through services is at once visible to the
    Dispatcher, as if each call had been its own use case."""

    async def flush(self, objects: object = None) -> None:
        await super().flush(objects)  # type: ignore[arg-type]
        if not self.in_nested_transaction():
            await self.commit()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with ArrangingSession(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=database_url,
        admin_ids=frozenset({ADMIN_ID}),
    )


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return build_i18n("pl")


@pytest.fixture
async def storage(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> AsyncIterator[BaseStorage]:
    """Conversations in the database (the default), or in Redis when
    SASIAD_TEST_REDIS_URL is set (CI does it on PostgreSQL), so every flow is proved on both."""
    if REDIS_URL is None:
        yield DatabaseStorage(session_factory, clock)
        return
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    yield redis_storage(redis)
    await redis.aclose()


@pytest.fixture
def harness(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    clock: FakeClock,
    storage: BaseStorage,
    caplog: pytest.LogCaptureFixture,
) -> Iterator[Harness]:
    """Every test through it also fails if a handler crashed (the error handler logged it)."""
    recording = RecordingSession()
    timer = FakeTimer()
    bot = build_bot(settings, recording, sleep=timer.sleep, monotonic=timer.monotonic)
    monotonic = FakeMonotonic()
    dp = build_dispatcher(
        settings=settings,
        session_factory=session_factory,
        i18n=i18n,
        clock=clock,
        monotonic=monotonic,
        storage=storage,
    )
    caplog.set_level(logging.INFO)
    sender = build_sender(bot, session_factory, clock, settings, instant_pacer())
    harness = Harness(
        dp=dp,
        bot=bot,
        session=recording,
        clock=clock,
        monotonic=monotonic,
        sender=sender,
        timer=timer,
    )
    recording.on_call = harness.trace.called
    engine = session_factory.kw["bind"]

    def wrote(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        verb, _, rest = statement.lstrip().partition(" ")
        if verb.upper() in {"INSERT", "UPDATE", "DELETE"}:
            words = rest.split()
            table = words[1] if verb.upper() in {"INSERT", "DELETE"} else words[0]
            # An UPDATE of one column is named with it: "outbox.due_at".
            sets = rest.partition(" SET ")[2].split(",")
            column = sets[0].split("=")[0].strip().strip('"') if len(sets) == 1 else ""
            harness.trace.wrote(table.strip('"') + (f".{column}" if column else ""))

    event.listen(engine.sync_engine, "before_cursor_execute", wrote)
    yield harness
    event.remove(engine.sync_engine, "before_cursor_execute", wrote)
    crashes = [
        r for r in caplog.records if r.name == "bot.handlers.errors" and r.levelno >= logging.ERROR
    ]
    assert not crashes, f"a handler crashed: {crashes[0].exc_info}"


@pytest.fixture
def anna() -> Person:
    return Person(id=100_001, first_name="Anna", language_code="pl")


@pytest.fixture
def admin() -> Person:
    return Person(id=ADMIN_ID, first_name="Ewa", language_code="pl")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API on 127.0.0.1 for tests that run the real process."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def web_server(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    harness: Harness,
) -> AsyncIterator[TestServer]:
    app = web.Application()
    add_mini_app(app, MiniApp(settings, session_factory, i18n, harness.clock, harness.bot))
    async with TestServer(app, host="127.0.0.1") as test_server:
        yield test_server
