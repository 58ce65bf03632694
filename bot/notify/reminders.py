"""Reminders before a task or an event date, the follow-up after a task and the "how was
it?" after an event: worded in the recipient's language and queued once each (the
services decide which are due; the dedupe key keeps a second tick from repeating one)."""

from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.keyboards import events as ekb
from bot.keyboards import volunteering as vkb
from bot.notify.delivery import Composed, notify
from bot.services.centres.places import district_name, place_info
from bot.services.defaults import language_of
from bot.services.helping.offers import place_timezone
from bot.services.helping.reminders import BEFORE, DueReminder, due_reminders
from bot.services.helping.turning_up import Question, ask_standbys, due_questions
from bot.services.initiatives.event_followup import Attendee, due_event_reminders, due_feedback
from bot.services.messaging.outbox import Notice, queue
from bot.views.events import event_heading
from bot.views.requests import summary, when


def _starts_in(hours: int, *, event: bool) -> str:
    if event:
        return ngettext(
            "⏰ Reminder: this starts in about {hours} hour.",
            "⏰ Reminder: this starts in about {hours} hours.",
            hours,
        ).format(hours=hours)
    return ngettext(
        "⏰ Reminder: your task starts in about {hours} hour.",
        "⏰ Reminder: your task starts in about {hours} hours.",
        hours,
    ).format(hours=hours)


async def queue_task_reminders(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Each due task reminder, in the volunteer's language, outside quiet hours unless
    the task is near."""
    now = clock()
    for reminder in await due_reminders(session, now, settings.reminders()):
        await _queue_task_reminder(i18n, session, now, settings, reminder)


async def _queue_task_reminder(
    i18n: I18n, session: AsyncSession, now: datetime, settings: Settings, reminder: DueReminder
) -> None:
    request = reminder.request
    with i18n.context(), i18n.use_locale(language_of(reminder.volunteer)):
        if reminder.kind == BEFORE and reminder.offset is not None:
            text = _starts_in(round(reminder.offset.total_seconds() / 3600), event=False)
        else:
            text = _("Did this task take place? Please press «Done», or tell us what happened.")
        text += "\n\n" + summary(
            request, await district_name(session, request.district_id), address=True
        )
        markup = vkb.volunteer_task(request.id)
    timezone = await place_timezone(session, request.place_id)
    notice = Notice(
        reminder.volunteer.telegram_id,
        text,
        "reminder",
        markup.model_dump_json(exclude_none=True),
        settings.quiet().release_at(now, timezone, reminder.starts),
        reminder.dedupe_key,
    )
    await queue(session, [notice], now=now)


async def queue_event_reminders(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Reminders before an event date and the "how was it?" after it."""
    now = clock()
    for attendee in await due_event_reminders(session, now, settings.reminders().offsets):
        await _tell_attendee(i18n, session, clock, settings, attendee, "reminder")
    for attendee in await due_feedback(session, now):
        await _tell_attendee(i18n, session, clock, settings, attendee, "feedback")


async def _tell_attendee(
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    attendee: Attendee,
    kind: str,
) -> None:
    """A "reminder" before the date (urgent when it is near) or the "feedback" question
    after it (never at night), under the event's heading."""
    place = await place_info(session, attendee.event.place_id)
    if place is None or (kind == "reminder" and attendee.offset is None):
        return
    occurrence = attendee.occurrence

    async def compose() -> Composed:
        heading = event_heading(attendee.event, occurrence, place)
        if kind == "reminder" and attendee.offset is not None:
            text = _starts_in(round(attendee.offset.total_seconds() / 3600), event=True)
            return text + "\n\n" + heading, ekb.calendar_only(occurrence.id)
        text = _("How was it? Tap the stars (five is best); it helps the animators.")
        return heading + "\n\n" + text, ekb.ratings(occurrence.id)

    due = occurrence.starts_at if kind == "reminder" else None
    await notify(
        i18n,
        session,
        clock,
        attendee.user,
        compose,
        kind=kind,
        not_before=settings.quiet().release_at(clock(), place.timezone, due),
        dedupe_key=attendee.dedupe_key,
    )


async def queue_confirmations(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Confirm or release: "are you still coming?" where it is due, and a standby wave
    where it went unanswered (`services/turning_up.py`)."""
    now = clock()
    for question in await due_questions(session, now, settings.confirmations()):
        await _ask_if_coming(i18n, session, now, question)
    await ask_standbys(session, now, settings.confirmations(), settings.matching())


async def _ask_if_coming(
    i18n: I18n, session: AsyncSession, now: datetime, question: Question
) -> None:
    request, volunteer = question.request, question.volunteer
    with i18n.context(), i18n.use_locale(language_of(volunteer)):
        text = _("Are you still coming on {when}?").format(when=when(request)) + "\n\n"
        text += summary(request, await district_name(session, request.district_id), address=True)
        markup = vkb.still_coming(request.id)
    accepted = request.accepted_at or request.created_at
    notice = Notice(
        volunteer.telegram_id,
        text,
        "confirm",
        markup.model_dump_json(exclude_none=True),
        question.asked_at,
        f"coming:{request.id}:{volunteer.id}:{accepted.isoformat()}",
    )
    await queue(session, [notice], now=now)
