"""Signing up for an occurrence, waiting lists and promotion.

Every change to the sign-ups of an occurrence starts by writing its row. On PostgreSQL
this locks the row; on SQLite the first write of a transaction takes the database's
write lock. Either way, sign-ups and cancellations of one occurrence run one after the
other, so nobody is overbooked, nobody waiting is skipped and nobody is there twice.

Nothing here commits: the caller's unit of work does, once, with the notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import Event, EventRole, Occurrence, Seat, SeriesMember, Signup, User
from bot.db.statuses import ACTIVE_SIGNUP, EventStatus, OccurrenceStatus, SignupStatus
from bot.db.unit_of_work import record
from bot.services.happened import Promotion
from bot.services.initiatives.freed_places import note_freed
from bot.services.people.profiles import record_no_show, withdraw_no_show
from bot.services.plain import OccurrenceInfo, Person, RoleInfo, SignupInfo, plain


class SignupOutcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    ALREADY = "already"
    CLOSED = "closed"  # cancelled, over, not published, or no such role


@dataclass(frozen=True)
class SignupResult:
    outcome: SignupOutcome
    occurrence_id: int
    position: int = 0  # on the waiting list, from 1


@dataclass(frozen=True)
class SeatView:
    role: RoleInfo
    capacity: int | None
    taken: int
    waiting: int

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


async def _lock(session: AsyncSession, occurrence_id: int) -> bool:
    """Lock a scheduled occurrence for this transaction; False when it is not scheduled."""
    locked = await changed_rows(
        session,
        update(Occurrence)
        .where(Occurrence.id == occurrence_id, Occurrence.status == OccurrenceStatus.SCHEDULED)
        .values(status=Occurrence.status),
    )
    return locked == 1


async def open_occurrence(
    session: AsyncSession, occurrence_id: int, now: datetime
) -> tuple[Occurrence, Event] | None:
    """The occurrence and its event, if people can still sign up or cancel."""
    row = (
        await session.execute(
            select(Occurrence, Event)
            .join(Event, Event.id == Occurrence.event_id)
            .where(
                Occurrence.id == occurrence_id,
                Occurrence.status == OccurrenceStatus.SCHEDULED,
                Event.status == EventStatus.PUBLISHED,
                or_(Occurrence.starts_at.is_(None), Occurrence.starts_at > now),
            )
        )
    ).first()
    return (row[0], row[1]) if row else None


async def sign_up(
    session: AsyncSession, occurrence_id: int, role_id: int, user_id: int, now: datetime
) -> SignupResult:
    """A place if one is free, else a place on the waiting list."""
    if await open_occurrence(session, occurrence_id, now) is None:
        return SignupResult(SignupOutcome.CLOSED, occurrence_id)
    if not await _lock(session, occurrence_id):
        await session.flush()
        return SignupResult(SignupOutcome.CLOSED, occurrence_id)
    existing = await session.scalar(
        select(Signup)
        .where(Signup.occurrence_id == occurrence_id, Signup.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    if existing is not None and existing.status in ACTIVE_SIGNUP:
        await session.flush()
        return SignupResult(SignupOutcome.ALREADY, occurrence_id)
    took = await changed_rows(
        session,
        update(Seat)
        .where(
            Seat.occurrence_id == occurrence_id,
            Seat.role_id == role_id,
            or_(Seat.capacity.is_(None), Seat.taken < Seat.capacity),
        )
        .values(taken=Seat.taken + 1),
    )
    if took == 0 and not await _has_seat(session, occurrence_id, role_id):
        await session.flush()
        return SignupResult(SignupOutcome.CLOSED, occurrence_id)
    status = SignupStatus.CONFIRMED if took == 1 else SignupStatus.WAITING
    if existing is None:
        existing = Signup(occurrence_id=occurrence_id, user_id=user_id)
        session.add(existing)
    existing.role_id = role_id
    existing.status = status
    existing.queued_at = now
    existing.promoted_at = None
    existing.attended = None
    await session.flush()
    if status == SignupStatus.CONFIRMED:
        return SignupResult(SignupOutcome.CONFIRMED, occurrence_id)
    return SignupResult(
        SignupOutcome.WAITING,
        occurrence_id,
        await waiting_position(session, plain(SignupInfo, existing)),
    )


async def _has_seat(session: AsyncSession, occurrence_id: int, role_id: int) -> bool:
    found = await session.scalar(
        select(Seat.role_id).where(Seat.occurrence_id == occurrence_id, Seat.role_id == role_id)
    )
    return found is not None


async def waiting_position(session: AsyncSession, signup: SignupInfo) -> int:
    ahead = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.occurrence_id == signup.occurrence_id,
            Signup.role_id == signup.role_id,
            Signup.status == SignupStatus.WAITING,
            or_(
                Signup.queued_at < signup.queued_at,
                (Signup.queued_at == signup.queued_at) & (Signup.id < signup.id),
            ),
        )
    )
    return (ahead or 0) + 1


async def cancel_signup(
    session: AsyncSession, occurrence_id: int, user_id: int, now: datetime
) -> tuple[bool, list[Promotion]]:
    """Leave an occurrence. A freed place goes to the first person waiting for that role,
    in the same transaction (with nobody waiting, a late one is noted for a wave of
    invitations); returns whether anything was cancelled and who moved up (recorded, so
    they are told)."""
    role_id = await session.scalar(
        select(Signup.role_id).where(
            Signup.occurrence_id == occurrence_id, Signup.user_id == user_id
        )
    )
    found = await open_occurrence(session, occurrence_id, now) if role_id is not None else None
    if found is None:
        return False, []
    if not await _lock(session, occurrence_id):
        await session.flush()
        return False, []
    signup = await session.scalar(
        select(Signup)
        .where(Signup.occurrence_id == occurrence_id, Signup.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    if signup is None or signup.status not in ACTIVE_SIGNUP:
        await session.flush()
        return False, []
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    promotions = []
    if was_confirmed:
        promoted = await _promote_first(session, occurrence_id, signup.role_id, now)
        if promoted is None:
            capacity = await session.scalar(
                update(Seat)
                .where(Seat.occurrence_id == occurrence_id, Seat.role_id == signup.role_id)
                .values(taken=Seat.taken - 1)
                .returning(Seat.capacity)
            )
            await note_freed(session, found[0], signup.role_id, capacity, now)
        else:
            promotions.append(promoted)
    await session.flush()
    return True, promotions


async def _promote_first(
    session: AsyncSession, occurrence_id: int, role_id: int, now: datetime
) -> Promotion | None:
    first = (
        await session.execute(
            select(Signup, User)
            .join(User, User.id == Signup.user_id)
            .where(
                Signup.occurrence_id == occurrence_id,
                Signup.role_id == role_id,
                Signup.status == SignupStatus.WAITING,
            )
            .order_by(Signup.queued_at, Signup.id)
            .limit(1)
            .execution_options(populate_existing=True)
        )
    ).first()
    if first is None:
        return None
    signup, user = first
    signup.status = SignupStatus.CONFIRMED
    signup.promoted_at = now
    promotion = Promotion(user_id=user.id, occurrence_id=occurrence_id)
    record(session, promotion)
    return promotion


async def upcoming_occurrences(
    session: AsyncSession, event_id: int, now: datetime
) -> list[OccurrenceInfo]:
    result = await session.scalars(
        select(Occurrence)
        .where(
            Occurrence.event_id == event_id,
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            or_(Occurrence.starts_at.is_(None), Occurrence.starts_at > now),
        )
        .order_by(Occurrence.number)
    )
    return [plain(OccurrenceInfo, occurrence) for occurrence in result]


async def join_series(
    session: AsyncSession, event_id: int, role_id: int, user_id: int, now: datetime
) -> list[SignupResult]:
    """ "Every week": signed up to each date ahead now, and to new dates as they appear."""
    role = await session.get(EventRole, role_id)
    if role is None or role.event_id != event_id:
        return []
    member = await session.get(SeriesMember, (event_id, user_id))
    if member is None:
        session.add(
            SeriesMember(event_id=event_id, user_id=user_id, role_id=role_id, joined_at=now)
        )
    else:
        member.role_id = role_id
    await session.flush()
    return [
        await sign_up(session, occurrence.id, role_id, user_id, now)
        for occurrence in await upcoming_occurrences(session, event_id, now)
    ]


async def leave_series(session: AsyncSession, event_id: int, user_id: int, now: datetime) -> None:
    """Off the series and every coming date; those who move up are told (recorded)."""
    member = await session.get(SeriesMember, (event_id, user_id))
    if member is not None:
        await session.delete(member)
        await session.flush()
    for occurrence in await upcoming_occurrences(session, event_id, now):
        await cancel_signup(session, occurrence.id, user_id, now)


async def is_series_member(session: AsyncSession, event_id: int, user_id: int) -> bool:
    return await session.get(SeriesMember, (event_id, user_id)) is not None


async def sign_up_series_members(
    session: AsyncSession, event_id: int, occurrences: list[Occurrence], now: datetime
) -> list[tuple[int, SignupResult]]:
    """Put the members of a series on its new dates."""
    members = list(
        await session.scalars(select(SeriesMember).where(SeriesMember.event_id == event_id))
    )
    return [
        (member.user_id, await sign_up(session, o.id, member.role_id, member.user_id, now))
        for o in occurrences
        for member in members
    ]


_PARTICIPANT_PLACES = (
    select(Seat.occurrence_id, Seat.taken, Seat.capacity)
    .join(EventRole, EventRole.id == Seat.role_id)
    .where(Seat.occurrence_id.in_(bindparam("ids", expanding=True)), EventRole.name.is_(None))
)


async def participant_places(
    session: AsyncSession, occurrence_ids: list[int]
) -> dict[int, tuple[int, int | None]]:
    """For a list of dates: the participants' places taken and their capacity (None: no
    limit), in one query; a date without a participants' role is not in the result."""
    rows = await session.execute(_PARTICIPANT_PLACES, {"ids": occurrence_ids})
    return {occurrence_id: (taken, capacity) for occurrence_id, taken, capacity in rows}


async def seats_of(session: AsyncSession, occurrence_id: int) -> list[SeatView]:
    waiting = (
        select(func.count(Signup.id))
        .where(
            Signup.occurrence_id == occurrence_id,
            Signup.role_id == Seat.role_id,
            Signup.status == SignupStatus.WAITING,
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(EventRole, Seat.capacity, Seat.taken, waiting)
        .join(Seat, Seat.role_id == EventRole.id)
        .where(Seat.occurrence_id == occurrence_id)
        .order_by(EventRole.position)
    )
    return [
        SeatView(plain(RoleInfo, role), capacity, taken, int(wait))
        for role, capacity, taken, wait in rows
    ]


async def signup_of(session: AsyncSession, occurrence_id: int, user_id: int) -> SignupInfo | None:
    signup = await session.scalar(
        select(Signup)
        .where(
            Signup.occurrence_id == occurrence_id,
            Signup.user_id == user_id,
            Signup.status.in_(ACTIVE_SIGNUP),
        )
        .execution_options(populate_existing=True)
    )
    return plain(SignupInfo, signup) if signup is not None else None


async def participants(
    session: AsyncSession, occurrence_id: int
) -> list[tuple[SignupInfo, Person]]:
    """Everyone with a place or waiting, in the order they came."""
    rows = await session.execute(
        select(Signup, User)
        .join(User, User.id == Signup.user_id)
        .where(Signup.occurrence_id == occurrence_id, Signup.status.in_(ACTIVE_SIGNUP))
        .order_by(Signup.status, Signup.queued_at, Signup.id)
        .execution_options(populate_existing=True)
    )
    return [(plain(SignupInfo, signup), plain(Person, user)) for signup, user in rows]


async def set_attendance(
    session: AsyncSession, occurrence_id: int, signup_id: int, attended: bool, now: datetime
) -> bool:
    """The animator's mark of who came. "Did not come" feeds the same forgiving no-show
    record as a task; changing the mark back withdraws it. False when the person no
    longer has a place."""
    signup = await session.scalar(
        select(Signup)
        .where(
            Signup.id == signup_id,
            Signup.occurrence_id == occurrence_id,
            Signup.status == SignupStatus.CONFIRMED,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if signup is None:
        return False
    if attended is False and signup.attended is not False:
        await record_no_show(session, signup.user_id, now)
    elif attended is not False and signup.attended is False:
        await withdraw_no_show(session, signup.user_id)
    signup.attended = attended
    await session.flush()
    return True
