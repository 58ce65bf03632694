"""Every revision upgrades, downgrades and upgrades again; the head matches the models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import make_engine
from bot.db.migrations import downgrade, revisions, upgrade
from bot.db.models import Base
from tests.conftest import PG_URL


@pytest.fixture
async def empty_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database of its own, so walking down to nothing disturbs no other test."""
    if PG_URL:
        server = make_engine(PG_URL)
        admin = server.execution_options(isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text("DROP DATABASE IF EXISTS sasiad_stairway"))
            await connection.execute(text("CREATE DATABASE sasiad_stairway"))
        url = PG_URL.rsplit("/", 1)[0] + "/sasiad_stairway"
        engine = make_engine(url)
        yield engine
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text("DROP DATABASE sasiad_stairway"))
        await server.dispose()
        return
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}")
    yield engine
    await engine.dispose()


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


async def test_stairway(empty_engine: AsyncEngine) -> None:
    steps = revisions()
    assert steps, "there is at least the initial revision"
    previous = "base"
    for revision in steps:
        await upgrade(empty_engine, revision)
        after_up = await tables(empty_engine)
        await downgrade(empty_engine, previous)
        await upgrade(empty_engine, revision)
        assert await tables(empty_engine) == after_up
        previous = revision
    await downgrade(empty_engine, "base")
    assert await tables(empty_engine) == set()


async def test_head_matches_the_models(empty_engine: AsyncEngine) -> None:
    await upgrade(empty_engine)

    def differences(sync_connection: object) -> list[object]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": False})
        return compare_metadata(context, Base.metadata)

    async with empty_engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == [], "a model changed without an Alembic revision"
