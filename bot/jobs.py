"""Timed work. The jobs are plain coroutines taking an injected clock, so tests run them
directly at any moment instead of waiting; APScheduler only decides when to call them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts import report_progress, start_due
from bot.clock import Clock
from bot.config import Settings
from bot.db.conversation_storage import forget_old_drafts
from bot.db.models import Place
from bot.db.unit_of_work import unit_of_work
from bot.delivery import Composed, deliver, notify
from bot.keyboards import events as ekb
from bot.keyboards import volunteering as vkb
from bot.services.digests import daily_summaries, weekly_digests
from bot.services.event_followup import Attendee, due_event_reminders, due_feedback
from bot.services.events import ensure_occurrences, published_series
from bot.services.leases import take_lease
from bot.services.offers import advance_matching, place_timezone
from bot.services.outbox import Notice, queue
from bot.services.reminders import BEFORE, due_reminders
from bot.services.signups import sign_up_series_members
from bot.views.events import agenda_line, event_heading
from bot.views.formatting import decimal
from bot.views.requests import summary

PROCESS = uuid.uuid4().hex
ANNOUNCEMENT_INTERVAL_SECONDS = 5


async def _my_turn(
    session: AsyncSession, job: str, clock: Clock, settings: Settings, holder: str
) -> bool:
    """Several processes may tick; the lease lets one of them run this tick."""
    ttl = timedelta(seconds=settings.matching_interval_seconds * 0.8)
    return await take_lease(session, job, holder, clock(), ttl)


async def matching_tick(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    holder: str = PROCESS,
) -> None:
    """Expire unanswered offers, send next waves, escalate what is due."""
    async with unit_of_work(session_factory) as session:
        if not await _my_turn(session, "matching", clock, settings, holder):
            return
        outcome = await advance_matching(session, clock(), settings.matching())
        await deliver(i18n, session, clock, outcome, settings.default_language)


async def reminder_tick(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    holder: str = PROCESS,
) -> None:
    """Queue the task reminders that are due now (each one once, whatever happens)."""
    now = clock()
    async with unit_of_work(session_factory) as session:
        if not await _my_turn(session, "reminders", clock, settings, holder):
            return
        for reminder in await due_reminders(session, now, settings.reminders()):
            request = reminder.request
            with i18n.context(), i18n.use_locale(reminder.volunteer.language or "pl"):
                if reminder.kind == BEFORE and reminder.offset is not None:
                    hours = round(reminder.offset.total_seconds() / 3600)
                    text = ngettext(
                        "⏰ Reminder: your task starts in about {hours} hour.",
                        "⏰ Reminder: your task starts in about {hours} hours.",
                        hours,
                    ).format(hours=hours)
                else:
                    text = _(
                        "Did this task take place? Please press «Done», or tell us what happened."
                    )
                text += "\n\n" + await summary(session, request, address=True)
                markup = vkb.volunteer_task(request.id)
            timezone = await place_timezone(session, request)
            due_at = now if reminder.urgent else settings.quiet().next_allowed(now, timezone)
            notice = Notice(
                reminder.volunteer.telegram_id,
                text,
                "reminder",
                markup.model_dump_json(exclude_none=True),
                due_at,
                reminder.dedupe_key,
            )
            await queue(session, [notice], now=now)


async def event_tick(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    holder: str = PROCESS,
) -> None:
    """New dates of series (their regulars signed up), reminders before a date and
    "how was it?" after it. Worked out from the database each tick, each sent once."""
    now = clock()
    async with unit_of_work(session_factory) as session:
        if not await _my_turn(session, "events", clock, settings, holder):
            return
        for series in await published_series(session):
            created = await ensure_occurrences(session, series, now)
            await sign_up_series_members(session, series.id, created, now)
        config = settings.reminders()
        for attendee in await due_event_reminders(session, now, config.offsets):
            await _remind_attendee(i18n, session, clock, settings, attendee)
        for attendee in await due_feedback(session, now):
            await _ask_feedback(i18n, session, clock, settings, attendee)


async def _remind_attendee(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings, attendee: Attendee
) -> None:
    place = await session.get(Place, attendee.event.place_id)
    offset = attendee.offset
    if place is None or offset is None:
        return
    hours = round(offset.total_seconds() / 3600)

    async def compose() -> Composed:
        text = ngettext(
            "⏰ Reminder: this starts in about {hours} hour.",
            "⏰ Reminder: this starts in about {hours} hours.",
            hours,
        ).format(hours=hours)
        heading = event_heading(attendee.event, attendee.occurrence, place)
        return text + "\n\n" + heading, ekb.calendar_only(attendee.occurrence.id)

    urgent = offset <= settings.reminders().urgent_within
    await notify(
        i18n,
        session,
        clock,
        attendee.user,
        compose,
        kind="reminder",
        not_before=clock() if urgent else settings.quiet().next_allowed(clock(), place.timezone),
        dedupe_key=attendee.dedupe_key,
    )


async def _ask_feedback(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings, attendee: Attendee
) -> None:
    place = await session.get(Place, attendee.event.place_id)
    if place is None:
        return

    async def compose() -> Composed:
        text = _("How was it? Tap the stars (five is best); it helps the animators.")
        heading = event_heading(attendee.event, attendee.occurrence, place)
        return heading + "\n\n" + text, ekb.ratings(attendee.occurrence.id)

    await notify(
        i18n,
        session,
        clock,
        attendee.user,
        compose,
        kind="feedback",
        not_before=settings.quiet().next_allowed(clock(), place.timezone),
        dedupe_key=attendee.dedupe_key,
    )


async def digest_job(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
) -> None:
    """Monday morning: each volunteer sees open requests that fit them (once a week)."""
    now = clock()
    week = now.astimezone(ZoneInfo(settings.timezone)).strftime("%G-W%V")
    async with unit_of_work(session_factory) as session:
        for digest in await weekly_digests(session, now):
            volunteer = digest.volunteer
            with i18n.context(), i18n.use_locale(volunteer.language or "pl"):
                parts = []
                if digest.requests:
                    parts.append(_("🗓 This week neighbours near you are asking for help:"))
                    parts += [await summary(session, r, address=False) for r in digest.requests]
                    parts.append(_("Offers for them come as usual."))
                place = await session.get(Place, volunteer.place_id)
                if digest.events and place is not None:
                    parts.append(_("📅 Coming up at your place this week (see /events):"))
                    parts += [agenda_line(item, place) for item in digest.events]
                parts.append(_("/settings turns this digest off."))
            key = f"digest:{volunteer.id}:{week}"
            notice = Notice(volunteer.telegram_id, "\n\n".join(parts), "digest", dedupe_key=key)
            await queue(session, [notice], now=now)


async def daily_summary_job(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
) -> None:
    """Each morning, animators see the last day at their places (once a day)."""
    now = clock()
    day = now.astimezone(ZoneInfo(settings.timezone)).date().isoformat()
    async with unit_of_work(session_factory) as session:
        for summary_ in await daily_summaries(session, now):
            animator = summary_.animator
            with i18n.context(), i18n.use_locale(animator.language or "pl"):
                lines = [_("☀️ Good morning! The last 24 hours:")]
                for place in summary_.places:
                    lines.append(
                        _(
                            "<b>{place}</b>: new requests {new}, waiting {waiting} "
                            "(with you: {escalated}), done {done}, hours given {hours}"
                        ).format(
                            place=escape(place.place.name),
                            new=place.new_requests,
                            waiting=place.waiting,
                            escalated=place.escalated,
                            done=place.done,
                            hours=decimal(place.hours),
                        )
                    )
            key = f"summary:{animator.id}:{day}"
            notice = Notice(animator.telegram_id, "\n".join(lines), "summary", dedupe_key=key)
            await queue(session, [notice], now=now)


async def announcement_tick(
    bot: Bot,
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    holder: str = PROCESS,
) -> None:
    """Start scheduled announcements that are due; update progress and reports."""
    async with unit_of_work(session_factory) as session:
        if not await _my_turn(session, "announcements", clock, settings, holder):
            return
        await start_due(bot, i18n, session, clock)
        await report_progress(bot, i18n, session, clock)


async def conversations_job(
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
) -> None:
    """Drafts nobody came back to within a week are removed (the database keeps every
    conversation, so someone must)."""
    async with unit_of_work(session_factory) as session:
        await forget_old_drafts(session, clock())


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
        "daily_summary": (
            daily_summary_job,
            CronTrigger(
                hour=settings.summary_time.hour,
                minute=settings.summary_time.minute,
                timezone=settings.timezone,
            ),
        ),
    }
    for job_id, (job, trigger) in jobs.items():
        scheduler.add_job(job, trigger, kwargs=common, id=job_id, max_instances=1, coalesce=True)
    if bot is not None:
        scheduler.add_job(
            announcement_tick,
            IntervalTrigger(seconds=ANNOUNCEMENT_INTERVAL_SECONDS),
            kwargs={**common, "bot": bot},
            id="announcements",
            max_instances=1,
            coalesce=True,
        )
    return scheduler
