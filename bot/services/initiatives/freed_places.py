"""Late drop-outs from events. A place given up within a day of its date, with nobody on
the waiting list to take it, is offered once to a small wave of neighbours who fit it
(helpers whose talents fit the role; for a participant's place, members of the event's
interest groups); whoever taps first gets it through the ordinary sign-up. If it is still
free a few hours later, the animators are told, once.

Everything is worked out from the `freed_places` table in the event job's tick, so a
restart loses nothing; nothing here commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Event, EventRole, FreedPlace, Occurrence, Place, Seat, Signup, User
from bot.db.statuses import EventStatus, OccurrenceStatus
from bot.services.initiatives.event_invites import fitting_volunteers
from bot.services.initiatives.groups import members_for_event
from bot.services.plain import EventInfo, OccurrenceInfo, Person, PlaceInfo, RoleInfo, plain, stored

# Giving a place up this close to the date is what leaves it empty.
LATE_WITHIN = timedelta(hours=24)
# How many neighbours are invited for each freed place.
WAVE_PER_PLACE = 3
# The animators hear of a place still free no later than this before the start.
TELL_BEFORE_START = timedelta(hours=1)


class FreedOutcome(StrEnum):
    FILLED = "filled"  # someone took it
    TOLD = "told"  # still free: the animators were told
    GONE = "gone"  # the date was cancelled or has begun


@dataclass(frozen=True)
class Freed:
    """A freed place with what the messages about it need."""

    id: int
    places: int
    freed_at: datetime
    invited_at: datetime | None
    occurrence: OccurrenceInfo
    event: EventInfo
    role: RoleInfo
    place: PlaceInfo

    @classmethod
    def of(
        cls, freed: FreedPlace, occurrence: Occurrence, event: Event, role: EventRole, place: Place
    ) -> Freed:
        return cls(
            freed.id,
            freed.places,
            freed.freed_at,
            freed.invited_at,
            plain(OccurrenceInfo, occurrence),
            plain(EventInfo, event),
            plain(RoleInfo, role),
            plain(PlaceInfo, place),
        )

    @property
    def starts_at(self) -> datetime:
        """Only dated occurrences are ever noted (`note_freed`)."""
        return self.occurrence.starts_at or self.freed_at


async def note_freed(
    session: AsyncSession,
    occurrence: Occurrence,
    role_id: int,
    capacity: int | None,
    now: datetime,
) -> None:
    """A confirmed place was given up and nobody waited for it (the sign-ups' caller
    holds the occurrence's lock). Only a limited place of a dated occurrence starting
    within `LATE_WITHIN` counts; a second one of the same role while the first is still
    open widens the wave."""
    starts_at = occurrence.starts_at
    if capacity is None or starts_at is None or starts_at - now > LATE_WITHIN:
        return
    row = await session.scalar(
        select(FreedPlace).where(
            FreedPlace.occurrence_id == occurrence.id, FreedPlace.role_id == role_id
        )
    )
    if row is None:
        session.add(FreedPlace(occurrence_id=occurrence.id, role_id=role_id, freed_at=now))
    elif row.settled_at is None:
        row.places += 1
        row.invited_at = None
    else:
        row.places, row.freed_at = 1, now
        row.invited_at = row.settled_at = row.outcome = None
    await session.flush()


_OPEN = (
    select(FreedPlace, Occurrence, Event, EventRole, Place)
    .join(Occurrence, Occurrence.id == FreedPlace.occurrence_id)
    .join(Event, Event.id == Occurrence.event_id)
    .join(EventRole, EventRole.id == FreedPlace.role_id)
    .join(Place, Place.id == Event.place_id)
    .where(FreedPlace.settled_at.is_(None))
    .order_by(FreedPlace.id)
)


async def _open(session: AsyncSession, *, invited: bool) -> list[tuple[FreedPlace, Freed]]:
    """Freed places not settled yet, whose wave has (or has not) been sent: each row, to
    settle it, and its copy, to tell about it."""
    sent = FreedPlace.invited_at.is_not(None) if invited else FreedPlace.invited_at.is_(None)
    rows = await session.execute(_OPEN.where(sent).execution_options(populate_existing=True))
    return [(row[0], Freed.of(*row)) for row in rows]


async def to_invite(session: AsyncSession, now: datetime) -> list[Freed]:
    """Freed places whose wave has not been sent yet, on dates still ahead (those whose
    date is gone are settled)."""
    ahead = []
    for row, item in await _open(session, invited=False):
        if _still_ahead(item, now):
            ahead.append(item)
        else:
            _settle(row, now, FreedOutcome.GONE)
    return ahead


def _still_ahead(item: Freed, now: datetime) -> bool:
    return (
        item.occurrence.status == OccurrenceStatus.SCHEDULED
        and item.event.status == EventStatus.PUBLISHED
        and item.starts_at > now
    )


async def invitees(session: AsyncSession, item: Freed, now: datetime) -> list[Person]:
    """Who is invited: never anyone already signed up, waiting or who gave this date up.
    Helpers are ranked by the matcher; members of the event's groups come in an order
    drawn from the date, so the same few are not always asked first."""
    seen = set(
        await session.scalars(
            select(Signup.user_id).where(Signup.occurrence_id == item.occurrence.id)
        )
    )
    wanted = item.places * WAVE_PER_PLACE
    if item.role.name is None:
        members = [m for m in await members_for_event(session, item.event.id) if m.id not in seen]
        return sorted(members, key=lambda m: _draw(item.occurrence.id, m.id))[:wanted]
    fitting = await fitting_volunteers(
        session,
        item.event,
        item.occurrence,
        item.role,
        item.place,
        now,
        limit=wanted + len(seen),
    )
    chosen = [c.user_id for c in fitting if c.user_id not in seen][:wanted]
    people = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(chosen)))}
    return [plain(Person, people[user_id]) for user_id in chosen if user_id in people]


def _draw(occurrence_id: int, user_id: int) -> bytes:
    return hashlib.sha256(f"{occurrence_id}:{user_id}".encode()).digest()


async def mark_invited(session: AsyncSession, item: Freed, released_at: datetime) -> None:
    """The wave is queued to go at `released_at` (later than now in quiet hours); the
    few hours before the animators hear of it count from then."""
    (await stored(session, FreedPlace, item.id)).invited_at = released_at


def tell_at(invited_at: datetime, starts_at: datetime, wait: timedelta) -> datetime:
    """When a place still free is worth the animators' attention: `wait` after the wave,
    but no later than `TELL_BEFORE_START` before the date (and never before the wave)."""
    return max(invited_at, min(invited_at + wait, starts_at - TELL_BEFORE_START))


async def to_tell(session: AsyncSession, now: datetime, wait: timedelta) -> list[Freed]:
    """Settle the invited places that are filled or whose date is gone; return those
    still free whose time to tell the animators has come (settled as told)."""
    due = []
    for row, item in await _open(session, invited=True):
        if not _still_ahead(item, now):
            _settle(row, now, FreedOutcome.GONE)
        elif not await _still_free(session, item):
            _settle(row, now, FreedOutcome.FILLED)
        elif now >= tell_at(item.invited_at or now, item.starts_at, wait):
            _settle(row, now, FreedOutcome.TOLD)
            due.append(item)
    await session.flush()
    return due


async def _still_free(session: AsyncSession, item: Freed) -> bool:
    seat = await session.get(Seat, (item.occurrence.id, item.role.id), populate_existing=True)
    return seat is not None and seat.capacity is not None and seat.taken < seat.capacity


def _settle(freed: FreedPlace, now: datetime, outcome: FreedOutcome) -> None:
    freed.settled_at = now
    freed.outcome = outcome
