"""What a date's card shows one person: the places per role, their own sign-up (and
place on the waiting list), whether they come to every date, and the dates before and
after. The chat's card and the Mini App's read the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.statuses import EventStatus, SignupStatus
from bot.services.initiatives import signups
from bot.services.initiatives.agenda import Dated, dated, neighbour_dates
from bot.services.plain import PlaceInfo, SignupInfo


@dataclass(frozen=True)
class Card:
    seats: list[signups.SeatView]
    mine: SignupInfo | None
    position: int  # on the waiting list, from 1; 0 when not waiting
    series_member: bool
    neighbours: tuple[int | None, int | None]


async def card_for(session: AsyncSession, item: Dated, user_id: int, now: datetime) -> Card:
    occurrence_id = item.occurrence.id
    mine = await signups.signup_of(session, occurrence_id, user_id)
    waiting = mine is not None and mine.status == SignupStatus.WAITING
    return Card(
        seats=await signups.seats_of(session, occurrence_id),
        mine=mine,
        position=await signups.waiting_position(session, mine) if mine and waiting else 0,
        series_member=await signups.is_series_member(session, item.event.id, user_id),
        neighbours=await neighbour_dates(session, item.occurrence, now),
    )


async def public_date(session: AsyncSession, occurrence_id: int) -> tuple[Dated, PlaceInfo] | None:
    """A date anyone may open: of a published (or cancelled) event. A proposal is not
    public before an animator approves it."""
    found = await dated(session, occurrence_id)
    if found is None or found[0].event.status in (EventStatus.PENDING, EventStatus.REJECTED):
        return None
    return found
