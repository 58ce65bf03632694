"""What is coming up: at a place (/events) and for one person (/myevents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Event, Occurrence, Place, Signup
from bot.db.statuses import ACTIVE_SIGNUP, EventStatus, OccurrenceStatus
from bot.services.plain import EventInfo, OccurrenceInfo, PlaceInfo, plain

PER_PAGE = 5


@dataclass(frozen=True)
class Dated:
    occurrence: OccurrenceInfo
    event: EventInfo

    @classmethod
    def of(cls, occurrence: Occurrence, event: Event) -> Dated:
        return cls(plain(OccurrenceInfo, occurrence), plain(EventInfo, event))


@dataclass(frozen=True)
class AgendaPage:
    items: list[Dated]
    page: int
    pages: int


def _ahead(now: object) -> ColumnElement[bool]:
    return or_(Occurrence.starts_at.is_(None), Occurrence.starts_at > now)


# Built once: every tap on "📅 Events" runs it (a burst after an announcement).
_AT_PLACE = (
    select(Occurrence, Event)
    .join(Event, Event.id == Occurrence.event_id)
    .where(
        Event.place_id == bindparam("place_id"),
        Event.status == EventStatus.PUBLISHED,
        Occurrence.status == OccurrenceStatus.SCHEDULED,
        _ahead(bindparam("now")),
    )
    .order_by(Occurrence.starts_at.is_(None), Occurrence.starts_at, Occurrence.id)
)


async def upcoming_at_place(
    session: AsyncSession, place_id: int, now: datetime, page: int
) -> AgendaPage:
    """The next date of each published event at the place, soonest first ("to be agreed"
    last); a series shows once, its other dates are a button away."""
    rows = await session.execute(_AT_PLACE, {"place_id": place_id, "now": now})
    seen: set[int] = set()
    items = []
    for occurrence, event in rows:
        if event.id not in seen:
            seen.add(event.id)
            items.append(Dated.of(occurrence, event))
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    return AgendaPage(items[page * PER_PAGE : (page + 1) * PER_PAGE], page, pages)


async def my_upcoming(session: AsyncSession, user_id: int, now: datetime) -> list[Dated]:
    rows = await session.execute(
        select(Occurrence, Event)
        .join(Event, Event.id == Occurrence.event_id)
        .join(Signup, Signup.occurrence_id == Occurrence.id)
        .where(
            Signup.user_id == user_id,
            Signup.status.in_(ACTIVE_SIGNUP),
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Event.status == EventStatus.PUBLISHED,
            _ahead(now),
        )
        .order_by(Occurrence.starts_at.is_(None), Occurrence.starts_at)
        .limit(20)
    )
    return [Dated.of(occurrence, event) for occurrence, event in rows]


async def dated(session: AsyncSession, occurrence_id: int) -> tuple[Dated, PlaceInfo] | None:
    row = (
        await session.execute(
            select(Occurrence, Event, Place)
            .join(Event, Event.id == Occurrence.event_id)
            .join(Place, Place.id == Event.place_id)
            .where(Occurrence.id == occurrence_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return None
    return Dated.of(row[0], row[1]), plain(PlaceInfo, row[2])


async def neighbour_dates(
    session: AsyncSession, occurrence: OccurrenceInfo, now: datetime
) -> tuple[int | None, int | None]:
    """The previous and next date of the same series still ahead, for paging through it."""
    base = select(Occurrence.id).where(
        Occurrence.event_id == occurrence.event_id,
        Occurrence.status == OccurrenceStatus.SCHEDULED,
        _ahead(now),
    )
    before = await session.scalar(
        base.where(Occurrence.number < occurrence.number).order_by(Occurrence.number.desc())
    )
    after = await session.scalar(
        base.where(Occurrence.number > occurrence.number).order_by(Occurrence.number)
    )
    return before, after


async def month_at_place(
    session: AsyncSession, place_id: int, start: datetime, end: datetime
) -> list[Dated]:
    """Every scheduled date of the place's published events from `start` to before
    `end` (a month in the place's zone), soonest first: the calendar shows each date of a
    series where the list shows the series once."""
    rows = await session.execute(
        select(Occurrence, Event)
        .join(Event, Event.id == Occurrence.event_id)
        .where(
            Event.place_id == place_id,
            Event.status == EventStatus.PUBLISHED,
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Occurrence.starts_at >= start,
            Occurrence.starts_at < end,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    return [Dated.of(occurrence, event) for occurrence, event in rows]
