"""Timed work. The jobs are plain coroutines taking an injected clock, so tests run them
directly at any moment instead of waiting; APScheduler only decides when to call them."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import deliver
from bot.services.offers import advance_matching


async def matching_tick(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
) -> None:
    """Expire unanswered offers, send next waves, escalate what is due."""
    async with session_factory() as session:
        outcome = await advance_matching(session, clock(), settings.matching())
        await deliver(i18n, session, clock, outcome, settings.default_language)


def build_scheduler(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    scheduler.add_job(
        matching_tick,
        "interval",
        seconds=settings.matching_interval_seconds,
        kwargs={
            "i18n": i18n,
            "session_factory": session_factory,
            "clock": clock,
            "settings": settings,
        },
        id="matching",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
