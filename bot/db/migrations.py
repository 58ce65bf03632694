"""Apply Alembic revisions from inside the app (on start and from the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# Shipped inside the package, so an installed wheel migrates from any folder.
ALEMBIC_DIR = Path(__file__).resolve().parents[1] / "migrations"
LOCK_KEY = 0x5A51AD  # any constant shared by every process of this app


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    return config


def revisions() -> list[str]:
    """Revision ids from the first to the head, in order."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, lambda config: command.downgrade(config, revision))


async def _run(engine: AsyncEngine, step: Callable[[Config], None]) -> None:
    def run_sync(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together: one migrates, the others wait and find it done.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        await connection.run_sync(run_sync)
