"""Initiatives and events: a resident proposes, an animator approves, edits or rejects;
animators may also publish directly. A published event has occurrences (one, or one
every N weeks for a series) and each occurrence has its own places per role."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import (
    Event,
    EventGroup,
    EventRole,
    InterestGroup,
    Occurrence,
    Place,
    Seat,
    SeriesMember,
)
from bot.db.statuses import EventStatus, OccurrenceStatus
from bot.db.unit_of_work import record
from bot.services.defaults import language_of
from bot.services.errors import PlaceNotFound, ServiceError
from bot.services.happened import (
    EventPublished,
    OccurrenceCancelled,
    ProposalDecided,
    ProposalSubmitted,
)
from bot.services.people.talents import talent_for
from bot.services.plain import EventInfo, GroupInfo, OccurrenceInfo, Person, RoleInfo, plain
from bot.services.text import clean_text

TITLE_LIMIT = 100
DESCRIPTION_LIMIT = 1000
LOCATION_LIMIT = 200
ROLE_NAME_LIMIT = 64
COMMENT_LIMIT = 500
MAX_ROLES = 8
MAX_CAPACITY = 500
MAX_REPEAT_WEEKS = 4
SERIES_AHEAD = 8
_ROLE = re.compile(r"^(?P<name>.*?)\s*(?:[×xX*]\s*(?P<count>\d+)|(?P<bare>\d+))?$")


class EventNotFound(ServiceError):
    pass


class InvalidRoles(ServiceError):
    pass


class InvalidCapacity(ServiceError):
    pass


@dataclass(frozen=True)
class RoleDraft:
    name: str
    capacity: int


@dataclass
class EventDraft:
    title: str
    description: str
    starts_at: datetime | None
    location: str | None
    capacity: int | None
    repeat_weeks: int = 0
    roles: list[RoleDraft] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)


def parse_roles(text: str) -> list[RoleDraft]:
    """ "set-up ×3, cooking ×2" (also "x3", "*3" or "3"; one when no count is given)."""
    roles = []
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        match = _ROLE.match(part.strip())
        if match is None:
            raise InvalidRoles
        count = int(match["count"] or match["bare"] or 1)
        name = match["name"].strip(" -–:")
        if not name or not 1 <= count <= MAX_CAPACITY or len(name) > ROLE_NAME_LIMIT:
            raise InvalidRoles
        roles.append(RoleDraft(name=name, capacity=count))
    if not roles or len(roles) > MAX_ROLES:
        raise InvalidRoles
    return roles


def parse_capacity(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_CAPACITY:
        raise InvalidCapacity
    return int(value)


def check_draft(draft: EventDraft) -> None:
    """The same limits as the questions that filled it, for drafts from anywhere."""
    clean_text(draft.title, limit=TITLE_LIMIT)
    clean_text(draft.description, limit=DESCRIPTION_LIMIT)
    if draft.location is not None:
        clean_text(draft.location, limit=LOCATION_LIMIT)
    if draft.capacity is not None and not 1 <= draft.capacity <= MAX_CAPACITY:
        raise InvalidCapacity
    if not 0 <= draft.repeat_weeks <= MAX_REPEAT_WEEKS or (
        draft.repeat_weeks and draft.starts_at is None
    ):
        raise ValueError("a series needs a first date")
    if len(draft.roles) > MAX_ROLES:
        raise InvalidRoles


async def groups_of(session: AsyncSession, place_id: int) -> list[GroupInfo]:
    result = await session.scalars(
        select(InterestGroup).where(InterestGroup.place_id == place_id).order_by(InterestGroup.name)
    )
    return [plain(GroupInfo, group) for group in result]


async def submit_event(
    session: AsyncSession,
    author: Person,
    place_id: int,
    draft: EventDraft,
    now: datetime,
    *,
    publish: bool,
) -> EventInfo:
    """A proposal waiting for an animator, or (`publish`, for animators) a published event."""
    check_draft(draft)
    place = await session.get(Place, place_id)
    if place is None:
        raise PlaceNotFound
    allowed_groups = {group.id for group in await groups_of(session, place_id)}
    event = Event(
        place_id=place_id,
        proposer_id=author.id,
        title=draft.title,
        description=draft.description,
        location=draft.location,
        starts_at=draft.starts_at,
        repeat_weeks=draft.repeat_weeks,
        language=language_of(author),
        status=EventStatus.PENDING,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    session.add(EventRole(event_id=event.id, name=None, capacity=draft.capacity, position=0))
    for position, role in enumerate(draft.roles, start=1):
        session.add(
            EventRole(
                event_id=event.id,
                name=role.name,
                capacity=role.capacity,
                talent=talent_for(role.name),
                position=position,
            )
        )
    for group_id in sorted(set(draft.group_ids) & allowed_groups):
        session.add(EventGroup(event_id=event.id, group_id=group_id))
    if publish:
        event.status = EventStatus.PUBLISHED
        event.reviewed_by = author.id
        event.reviewed_at = now
        await session.flush()
        await ensure_occurrences(session, event, now)
        record(session, EventPublished(event.id))
    else:
        record(session, ProposalSubmitted(event.id))
    await session.flush()
    return plain(EventInfo, event)


async def get_event(session: AsyncSession, event_id: int) -> EventInfo:
    return plain(EventInfo, await _event_row(session, event_id))


async def find_event(session: AsyncSession, event_id: int) -> EventInfo | None:
    """The event as stored now, or None (it was deleted with its proposer)."""
    event = await session.get(Event, event_id, populate_existing=True)
    return plain(EventInfo, event) if event is not None else None


async def _event_row(session: AsyncSession, event_id: int) -> Event:
    event = await session.get(Event, event_id, populate_existing=True)
    if event is None:
        raise EventNotFound
    return event


async def approve(session: AsyncSession, event_id: int, reviewer: Person, now: datetime) -> bool:
    """Publish a pending proposal. One conditional UPDATE: of two animators pressing
    Approve (or one Approve, one Reject) only the first counts."""
    decided = await changed_rows(
        session,
        update(Event)
        .where(Event.id == event_id, Event.status == EventStatus.PENDING)
        .values(status=EventStatus.PUBLISHED, reviewed_by=reviewer.id, reviewed_at=now),
    )
    if decided != 1:
        await session.flush()
        return False
    await ensure_occurrences(session, await _event_row(session, event_id), now)
    record(session, ProposalDecided(event_id), EventPublished(event_id))
    await session.flush()
    return True


async def reject(
    session: AsyncSession, event_id: int, reviewer: Person, comment: str, now: datetime
) -> bool:
    comment = clean_text(comment, limit=COMMENT_LIMIT)
    decided = await changed_rows(
        session,
        update(Event)
        .where(Event.id == event_id, Event.status == EventStatus.PENDING)
        .values(
            status=EventStatus.REJECTED,
            review_comment=comment,
            reviewed_by=reviewer.id,
            reviewed_at=now,
        ),
    )
    if decided == 1:
        record(session, ProposalDecided(event_id))
    await session.flush()
    return decided == 1


EDITABLE = ("title", "description", "starts_at", "location", "capacity")


async def edit_pending(session: AsyncSession, event_id: int, name: str, value: object) -> EventInfo:
    """Change one field of a proposal before it is decided (animators tidy them up)."""
    if name not in EDITABLE:
        raise ValueError(name)
    event = await _event_row(session, event_id)
    if event.status != EventStatus.PENDING:
        raise EventNotFound
    if name == "capacity":
        await session.execute(
            update(EventRole)
            .where(EventRole.event_id == event_id, EventRole.name.is_(None))
            .values(capacity=value)
        )
    else:
        setattr(event, name, value)
        if name == "starts_at" and value is None:
            event.repeat_weeks = 0
    await session.flush()
    return plain(EventInfo, event)


async def roles_of(session: AsyncSession, event_id: int) -> list[RoleInfo]:
    result = await session.scalars(
        select(EventRole).where(EventRole.event_id == event_id).order_by(EventRole.position)
    )
    return [plain(RoleInfo, role) for role in result]


async def event_group_names(session: AsyncSession, event_id: int) -> list[str]:
    result = await session.scalars(
        select(InterestGroup.name)
        .join(EventGroup, EventGroup.group_id == InterestGroup.id)
        .where(EventGroup.event_id == event_id)
        .order_by(InterestGroup.name)
    )
    return list(result)


def occurrence_start(event: Event, number: int, timezone: str) -> datetime | None:
    """The n-th date of a series at the same wall-clock time, across summer time changes."""
    if event.starts_at is None:
        return None
    local = event.starts_at.astimezone(ZoneInfo(timezone))
    shifted = local.replace(tzinfo=None) + timedelta(weeks=event.repeat_weeks * number)
    return shifted.replace(tzinfo=ZoneInfo(timezone))


def _first_number_after(event: Event, now: datetime) -> int:
    """Roughly the first date still ahead (one early, for the summer time hour)."""
    if event.starts_at is None or event.starts_at > now:
        return 0
    period = timedelta(weeks=event.repeat_weeks)
    return max(0, (now - event.starts_at) // period - 1)


async def ensure_occurrences(
    session: AsyncSession, event: Event, now: datetime
) -> list[Occurrence]:
    """Create the dates that should exist by now (for a series: the next SERIES_AHEAD
    ones), with empty places per role. Returns the new ones; the caller commits."""
    place = await session.get(Place, event.place_id)
    if place is None or event.status != EventStatus.PUBLISHED:
        return []
    existing = set(
        await session.scalars(select(Occurrence.number).where(Occurrence.event_id == event.id))
    )
    if event.repeat_weeks:
        first = _first_number_after(event, now)
        upcoming = [
            n
            for n in range(first, first + SERIES_AHEAD + 2)
            if (start := occurrence_start(event, n, place.timezone)) is not None and start > now
        ]
        wanted = upcoming[:SERIES_AHEAD]
    else:
        wanted = [0]
    roles = await roles_of(session, event.id)
    created = []
    for number in wanted:
        if number in existing:
            continue
        occurrence = Occurrence(
            event_id=event.id,
            number=number,
            starts_at=occurrence_start(event, number, place.timezone),
            status=OccurrenceStatus.SCHEDULED,
        )
        session.add(occurrence)
        await session.flush()
        for role in roles:
            session.add(Seat(occurrence_id=occurrence.id, role_id=role.id, capacity=role.capacity))
        created.append(occurrence)
    await session.flush()
    return created


async def published_series(session: AsyncSession) -> list[Event]:
    result = await session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED, Event.repeat_weeks > 0)
    )
    return list(result)


async def proposals_of(session: AsyncSession, user_id: int, *, limit: int = 10) -> list[EventInfo]:
    result = await session.scalars(
        select(Event)
        .where(Event.proposer_id == user_id)
        .order_by(Event.created_at.desc(), Event.id.desc())
        .limit(limit)
    )
    return [plain(EventInfo, event) for event in result]


async def pending_proposals(session: AsyncSession, place_ids: list[int]) -> list[EventInfo]:
    result = await session.scalars(
        select(Event)
        .where(Event.place_id.in_(place_ids), Event.status == EventStatus.PENDING)
        .order_by(Event.created_at)
        .limit(10)
    )
    return [plain(EventInfo, event) for event in result]


async def cancel_occurrence(
    session: AsyncSession, occurrence_id: int, now: datetime
) -> OccurrenceInfo | None:
    """Cancel one date; None when it was not scheduled (already cancelled, say)."""
    cancelled = await changed_rows(
        session,
        update(Occurrence)
        .where(Occurrence.id == occurrence_id, Occurrence.status == OccurrenceStatus.SCHEDULED)
        .values(status=OccurrenceStatus.CANCELLED, cancelled_at=now),
    )
    await session.flush()
    if cancelled != 1:
        return None
    record(session, OccurrenceCancelled(occurrence_id))
    occurrence = await session.get(Occurrence, occurrence_id, populate_existing=True)
    return plain(OccurrenceInfo, occurrence) if occurrence is not None else None


async def cancel_series(session: AsyncSession, event_id: int, now: datetime) -> list[int]:
    """Cancel the event and its dates still ahead; returns the ids of the cancelled dates."""
    cancelled = await changed_rows(
        session,
        update(Event)
        .where(Event.id == event_id, Event.status == EventStatus.PUBLISHED)
        .values(status=EventStatus.CANCELLED),
    )
    if cancelled != 1:
        await session.flush()
        return []
    ahead = list(
        await session.scalars(
            select(Occurrence.id).where(
                Occurrence.event_id == event_id,
                Occurrence.status == OccurrenceStatus.SCHEDULED,
                (Occurrence.starts_at.is_(None)) | (Occurrence.starts_at > now),
            )
        )
    )
    await session.execute(
        update(Occurrence)
        .where(Occurrence.id.in_(ahead))
        .values(status=OccurrenceStatus.CANCELLED, cancelled_at=now)
    )
    await session.execute(delete(SeriesMember).where(SeriesMember.event_id == event_id))
    record(session, *(OccurrenceCancelled(occurrence_id) for occurrence_id in ahead))
    await session.flush()
    return ahead
