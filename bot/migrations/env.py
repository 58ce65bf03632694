"""Alembic environment.

The app passes an open connection in ``config.attributes["connection"]`` (see
``bot.db.migrations``) so migrations run inside its own event loop; the
`alembic` command line opens its own async engine from SASIAD_DATABASE_URL.
"""

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from bot.db.engine import make_engine
from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure_and_run)
    finally:
        await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get(
        "SASIAD_DATABASE_URL", "sqlite+aiosqlite:///sasiad.db"
    )
    asyncio.run(_run_with_own_engine(url))


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run()
