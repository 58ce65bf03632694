"""Timed work: when each job runs, and one call per job into `services` or `notify`
(no message is worded here). The jobs are plain coroutines taking an injected clock, so
tests run them directly at any moment instead of waiting; APScheduler only decides when
to call them, and a lease lets one of several processes run each tick."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.db.conversation_storage import forget_old_drafts
from bot.db.job_runs import note_run
from bot.db.unit_of_work import unit_of_work
from bot.db.update_log import forget_old_updates
from bot.notify.announcements import report_progress, start_due
from bot.notify.digests import queue_daily_summaries, queue_weekly_digests
from bot.notify.freed_places import queue_freed_places
from bot.notify.reminders import (
    queue_confirmations,
    queue_event_reminders,
    queue_task_reminders,
)
from bot.notify.teller import teller
from bot.notify.verifications import queue_lapse_notices
from bot.runtime.backups import BackupRefused, nightly, sqlite_file
from bot.services.helping.offers import advance_matching
from bot.services.initiatives.events import ensure_occurrences, published_series
from bot.services.initiatives.signups import sign_up_series_members
from bot.services.leases import take_lease

log = logging.getLogger(__name__)
PROCESS = uuid.uuid4().hex
ANNOUNCEMENT_INTERVAL_SECONDS = 5


async def _my_turn(
    session: AsyncSession, job: str, clock: Clock, settings: Settings, holder: str
) -> bool:
    """Several processes may tick; the lease lets one of them run this tick."""
    ttl = timedelta(seconds=settings.matching_interval_seconds * 0.8)
    return await take_lease(session, job, holder, clock(), ttl)


Work = Callable[[I18n, AsyncSession, Clock, Settings], Awaitable[None]]


def job_of(work: Work, name: str, *, leased: bool = False) -> Callable[..., Awaitable[None]]:
    """A job that does `work` in one unit of work (one commit, or none if it fails), and
    then notes the run (`bot.db.job_runs`: when, how long, whether it worked) for
    `sasiad status` and /metrics. With `leased`, several processes may run it at once
    and only the one holding the lease called `name` does the work that tick."""

    async def job(
        i18n: I18n,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        holder: str = PROCESS,
    ) -> None:
        tell = teller(i18n, clock, settings)
        started_at, began = clock(), time.perf_counter()
        ran, ok = False, False
        try:
            async with unit_of_work(session_factory, tell) as session:
                if not leased or await _my_turn(session, name, clock, settings, holder):
                    ran = True
                    await work(i18n, session, clock, settings)
            ok = True
        finally:
            if ran:
                async with unit_of_work(session_factory) as session:
                    await note_run(session, name, started_at, time.perf_counter() - began, ok)

    job.__doc__ = work.__doc__
    return job


async def _advance_matching(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Expire unanswered offers, send next waves, escalate what is due."""
    await advance_matching(session, clock(), settings.matching())


async def _remind(i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings) -> None:
    """Queue the task reminders and "are you still coming?" questions due now, and the
    standby waves of questions left unanswered (each once, whatever happens)."""
    await queue_task_reminders(i18n, session, clock, settings)
    await queue_confirmations(i18n, session, clock, settings)


async def _events(i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings) -> None:
    """New dates of series (their regulars signed up), reminders before a date, "how was
    it?" after it, and invitations to places given up late. Worked out from the database
    each tick, each sent once."""
    now = clock()
    for series in await published_series(session):
        created = await ensure_occurrences(session, series, now)
        await sign_up_series_members(session, series.id, created, now)
    await queue_event_reminders(i18n, session, clock, settings)
    await queue_freed_places(i18n, session, clock, settings)


matching_tick = job_of(_advance_matching, "matching", leased=True)
reminder_tick = job_of(_remind, "reminders", leased=True)
event_tick = job_of(_events, "events", leased=True)
# Monday morning: each volunteer sees open requests that fit them (once a week).
digest_job = job_of(queue_weekly_digests, "digest")
# Each morning, animators see the last day at their places (once a day).
daily_summary_job = job_of(queue_daily_summaries, "daily_summary")
# Each morning: verifications lapsing within a month, or lapsed (each notice once).
verification_job = job_of(queue_lapse_notices, "verifications")


def announcement_tick(bot: Bot) -> Callable[..., Awaitable[None]]:
    """The announcement job, which also needs the bot: it edits progress messages."""

    async def announce(i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings) -> None:
        """Start scheduled announcements that are due; update progress and reports."""
        await start_due(bot, i18n, session, clock)
        await report_progress(bot, i18n, session, clock)

    return job_of(announce, "announcements", leased=True)


async def _forget_drafts(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Drafts nobody came back to within a week are removed (the database keeps every
    conversation, so someone must), and so is the record of updates too old to come
    again."""
    await forget_old_drafts(session, clock())
    await forget_old_updates(session, clock())


conversations_job = job_of(_forget_drafts, "conversations")


async def _back_up(i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings) -> None:
    """Tonight's copy of the SQLite database, and only the newest few kept. A copy is
    made page by page while the bot writes; it runs off the event loop."""
    assert settings.backup_dir is not None
    database = sqlite_file(settings.database_url)
    made = await asyncio.to_thread(
        nightly, database, settings.backup_dir, settings.backup_keep, clock()
    )
    log.info("nightly backup written to %s", made)


backup_job = job_of(_back_up, "backup", leased=True)


def build_scheduler(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    bot: Bot | None = None,
) -> AsyncIOScheduler:
    """All timed jobs; the announcement job also needs the bot (it edits progress
    messages), so it runs only where one is given."""
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    common = {
        "i18n": i18n,
        "session_factory": session_factory,
        "clock": clock,
        "settings": settings,
    }
    every_tick = IntervalTrigger(seconds=settings.matching_interval_seconds)
    jobs = {
        "matching": (matching_tick, every_tick),
        "reminders": (reminder_tick, every_tick),
        "events": (event_tick, every_tick),
        "digest": (
            digest_job,
            CronTrigger(
                day_of_week=settings.digest_day,
                hour=settings.digest_time.hour,
                minute=settings.digest_time.minute,
                timezone=settings.timezone,
            ),
        ),
        "conversations": (conversations_job, CronTrigger(hour=3, timezone=settings.timezone)),
        "verifications": (verification_job, CronTrigger(hour=9, timezone=settings.timezone)),
        "daily_summary": (
            daily_summary_job,
            CronTrigger(
                hour=settings.summary_time.hour,
                minute=settings.summary_time.minute,
                timezone=settings.timezone,
            ),
        ),
    }
    if settings.backup_dir is not None:
        try:
            sqlite_file(settings.database_url)
            jobs["backup"] = (backup_job, CronTrigger(hour=2, timezone=settings.timezone))
        except BackupRefused as refused:
            log.warning("SASIAD_BACKUP_DIR is set, but no nightly copy is made: %s", refused)
    for job_id, (job, trigger) in jobs.items():
        scheduler.add_job(job, trigger, kwargs=common, id=job_id, max_instances=1, coalesce=True)
    if bot is not None:
        scheduler.add_job(
            announcement_tick(bot),
            IntervalTrigger(seconds=ANNOUNCEMENT_INTERVAL_SECONDS),
            kwargs=common,
            id="announcements",
            max_instances=1,
            coalesce=True,
        )
    return scheduler
