"""Volunteers whose talents fit an event's helper roles, chosen by the same ranking that
chooses whom to offer a help request to (bot.services.helping.matching)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.helping.matching import Candidate, rank_volunteers
from bot.services.people.talents import PART_STARTS
from bot.services.plain import EventInfo, Need, OccurrenceInfo, PlaceInfo, RoleInfo

INVITES_PER_PLACE = 2


@dataclass(frozen=True)
class RoleInvite:
    role: RoleInfo
    candidate: Candidate


def _part_of_day(moment: datetime, timezone: str) -> int:
    local = moment.astimezone(ZoneInfo(timezone)).time()
    return max(part for part, start in PART_STARTS.items() if local >= start or part == 0)


def _as_need(
    event: EventInfo, occurrence: OccurrenceInfo, role: RoleInfo, place: PlaceInfo
) -> Need:
    """The role as the matcher sees a request (never stored)."""
    start = occurrence.starts_at
    return Need(
        id=None,
        place_id=event.place_id,
        district_id=None,
        category=role.talent or "",
        description=role.name or "",
        day=start.astimezone(ZoneInfo(place.timezone)).date() if start else None,
        part=_part_of_day(start, place.timezone) if start else None,
        language=event.language,
        sensitive=False,
        requester_id=event.proposer_id,
    )


async def fitting_volunteers(
    session: AsyncSession,
    event: EventInfo,
    occurrence: OccurrenceInfo,
    role: RoleInfo,
    place: PlaceInfo,
    now: datetime,
    *,
    limit: int,
) -> list[Candidate]:
    """Up to `limit` volunteers whose talents fit a helper role, best first."""
    need = _as_need(event, occurrence, role, place)
    candidates = await rank_volunteers(session, need, now, limit=limit)
    return [candidate for candidate in candidates if candidate.parts.fits_the_task]


async def invites_for(
    session: AsyncSession,
    event: EventInfo,
    occurrence: OccurrenceInfo,
    roles: list[RoleInfo],
    place: PlaceInfo,
    now: datetime,
) -> list[RoleInvite]:
    """For each helper role, about twice as many fitting volunteers as it has places;
    each volunteer is invited once, to the first role that fits them."""
    invited: set[int] = set()
    invites = []
    for role in roles:
        if role.name is None:
            continue
        wanted = (role.capacity or 1) * INVITES_PER_PLACE
        fitting = await fitting_volunteers(
            session, event, occurrence, role, place, now, limit=wanted + len(invited)
        )
        fresh = [candidate for candidate in fitting if candidate.user_id not in invited]
        for candidate in fresh[:wanted]:
            invited.add(candidate.user_id)
            invites.append(RoleInvite(role, candidate))
    return invites
