"""Timed messages around occurrences, worked out from the database at every tick like
task reminders: participants are reminded before, asked how it was after. The outbox's
dedupe keys make each fire once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Event, EventFeedback, Occurrence, OutboxMessage, Signup, User
from bot.db.statuses import EventStatus, OccurrenceStatus, SignupStatus
from bot.services.errors import ServiceError
from bot.services.plain import EventInfo, OccurrenceInfo, Person, plain
from bot.services.text import clean_text

FEEDBACK_WINDOW = timedelta(days=3)
FEEDBACK_COMMENT_LIMIT = 500
RATINGS = range(1, 6)


class FeedbackNotAllowed(ServiceError):
    pass


@dataclass(frozen=True)
class Attendee:
    occurrence: OccurrenceInfo
    event: EventInfo
    user: Person
    dedupe_key: str
    offset: timedelta | None = None

    @classmethod
    def of(
        cls,
        rows: tuple[Occurrence, Event, User],
        dedupe_key: str,
        offset: timedelta | None = None,
    ) -> Attendee:
        occurrence, event, user = rows
        return cls(
            plain(OccurrenceInfo, occurrence),
            plain(EventInfo, event),
            plain(Person, user),
            dedupe_key,
            offset,
        )


def ends_at(occurrence: Occurrence, event: Event) -> datetime | None:
    if occurrence.starts_at is None:
        return None
    return occurrence.starts_at + timedelta(minutes=event.duration_minutes)


async def _not_queued(session: AsyncSession, due: list[Attendee]) -> list[Attendee]:
    if not due:
        return []
    queued = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.in_([a.dedupe_key for a in due])
            )
        )
    )
    return [a for a in due if a.dedupe_key not in queued]


def _confirmed() -> Select:
    return (
        select(Signup, Occurrence, Event, User)
        .join(Occurrence, Occurrence.id == Signup.occurrence_id)
        .join(Event, Event.id == Occurrence.event_id)
        .join(User, User.id == Signup.user_id)
        .where(
            Signup.status == SignupStatus.CONFIRMED,
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Event.status == EventStatus.PUBLISHED,
            User.blocked_at.is_(None),
        )
    )


async def due_event_reminders(
    session: AsyncSession, now: datetime, offsets: tuple[timedelta, ...]
) -> list[Attendee]:
    """Only the nearest offset fires, and only offsets still ahead when the person got
    their place (someone promoted an hour before gets no "tomorrow" reminder)."""
    horizon = now + max(offsets)
    rows = await session.execute(
        _confirmed().where(
            User.task_reminders.is_(True),
            Occurrence.starts_at.is_not(None),
            Occurrence.starts_at > now,
            Occurrence.starts_at <= horizon,
        )
    )
    due = []
    for signup, occurrence, event, user in rows:
        got_place = signup.promoted_at or signup.queued_at
        passed = [
            o
            for o in offsets
            if occurrence.starts_at - o <= now and got_place < occurrence.starts_at - o
        ]
        if passed:
            offset = min(passed)
            hours = int(offset.total_seconds() // 3600)
            key = f"event:{occurrence.id}:{user.id}:{occurrence.starts_at.isoformat()}:{hours}h"
            due.append(Attendee.of((occurrence, event, user), key, offset))
    return await _not_queued(session, due)


async def due_feedback(session: AsyncSession, now: datetime) -> list[Attendee]:
    """Participants of occurrences that ended lately, unless marked absent or already
    answered."""
    rows = await session.execute(
        _confirmed().where(
            Occurrence.starts_at.is_not(None),
            Occurrence.starts_at <= now,
            Occurrence.starts_at > now - FEEDBACK_WINDOW,
            or_(Signup.attended.is_(None), Signup.attended.is_(True)),
            ~select(EventFeedback.id)
            .where(
                and_(
                    EventFeedback.occurrence_id == Occurrence.id,
                    EventFeedback.user_id == User.id,
                )
            )
            .exists(),
        )
    )
    due = []
    for _signup, occurrence, event, user in rows:
        end = ends_at(occurrence, event)
        if end is not None and end <= now:
            key = f"feedback:{occurrence.id}:{user.id}"
            due.append(Attendee.of((occurrence, event, user), key))
    return await _not_queued(session, due)


async def save_rating(
    session: AsyncSession, occurrence_id: int, user_id: int, rating: int, now: datetime
) -> None:
    """Only people who had a place can rate, only once it started; a second press changes
    the rating."""
    if rating not in RATINGS:
        raise FeedbackNotAllowed
    took_part = await session.scalar(
        select(Signup.id)
        .join(Occurrence, Occurrence.id == Signup.occurrence_id)
        .where(
            Signup.occurrence_id == occurrence_id,
            Signup.user_id == user_id,
            Signup.status == SignupStatus.CONFIRMED,
            Occurrence.starts_at <= now,
        )
    )
    if took_part is None:
        raise FeedbackNotAllowed
    feedback = await session.scalar(
        select(EventFeedback).where(
            EventFeedback.occurrence_id == occurrence_id, EventFeedback.user_id == user_id
        )
    )
    if feedback is None:
        session.add(
            EventFeedback(
                occurrence_id=occurrence_id, user_id=user_id, rating=rating, created_at=now
            )
        )
    else:
        feedback.rating = rating
    await session.flush()


async def save_comment(session: AsyncSession, occurrence_id: int, user_id: int, text: str) -> None:
    comment = clean_text(text, limit=FEEDBACK_COMMENT_LIMIT)
    feedback = await session.scalar(
        select(EventFeedback).where(
            EventFeedback.occurrence_id == occurrence_id, EventFeedback.user_id == user_id
        )
    )
    if feedback is None:
        raise FeedbackNotAllowed
    feedback.comment = comment
    await session.flush()
