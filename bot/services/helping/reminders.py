"""Reminders about accepted tasks, worked out from the database at every tick.

Nothing is scheduled ahead: each tick asks "which reminders are due now?" of the tasks
as they are. A moved task moves its reminders, a cancelled or handed-back task has
none, a restart loses nothing, and the outbox's dedupe key makes each fire once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, OutboxMessage, User
from bot.db.statuses import RequestStatus
from bot.services.helping.offers import starts_at
from bot.services.plain import Person, RequestInfo, plain

BEFORE = "before"
FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class ReminderConfig:
    offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
    follow_up_after: timedelta = timedelta(hours=24)
    flexible_follow_up_after: timedelta = timedelta(days=3)
    # The "are you still coming?" question stands in for the reminder at its moment.
    replaced_by_confirmation: timedelta | None = None


@dataclass(frozen=True)
class DueReminder:
    kind: str
    request: RequestInfo
    volunteer: Person
    offset: timedelta | None
    dedupe_key: str
    starts: datetime | None = None


async def due_reminders(
    session: AsyncSession, now: datetime, config: ReminderConfig
) -> list[DueReminder]:
    """Reminders to queue now. Before a task only the nearest offset fires (a task accepted
    an hour ahead gets no "tomorrow" reminder), and only offsets that were still ahead
    when the volunteer accepted."""
    rows = await session.execute(
        select(HelpRequest, User)
        .join(User, User.id == HelpRequest.volunteer_id)
        .where(HelpRequest.status == RequestStatus.MATCHED, User.task_reminders.is_(True))
    )
    due: list[DueReminder] = []
    for row, person in rows:
        request, volunteer = plain(RequestInfo, row), plain(Person, person)
        start = await starts_at(session, request)
        accepted = request.accepted_at or request.created_at
        key = f"task:{request.id}:{volunteer.id}:{accepted.isoformat()}"
        if start is None:
            if now >= accepted + config.flexible_follow_up_after:
                due.append(DueReminder(FOLLOW_UP, request, volunteer, None, f"{key}:follow"))
            continue
        if now >= start + config.follow_up_after:
            due.append(DueReminder(FOLLOW_UP, request, volunteer, None, f"{key}:follow"))
            continue
        passed = [
            o
            for o in config.offsets
            if start - o <= now < start
            and accepted < start - o
            and o != config.replaced_by_confirmation
        ]
        if passed:
            offset = min(passed)
            hours = int(offset.total_seconds() // 3600)
            due.append(
                DueReminder(BEFORE, request, volunteer, offset, f"{key}:before:{hours}h", start)
            )
    if not due:
        return []
    queued = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.in_([r.dedupe_key for r in due])
            )
        )
    )
    return [r for r in due if r.dedupe_key not in queued]
