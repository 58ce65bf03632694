"""The engine every entry point uses, so the configured pool reaches each of them.
Kept apart from `app` so the CLI can open the database without importing aiogram."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.db.engine import make_engine


def engine_for(settings: Settings) -> AsyncEngine:
    """The configured database with the configured pool (SQLite keeps its own one)."""
    return make_engine(settings.database_url, pool_size=settings.database_pool_size)
