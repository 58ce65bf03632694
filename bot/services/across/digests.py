"""Weekly digest for volunteers and a daily summary for animators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Membership, Place, User, VolunteerProfile
from bot.db.statuses import RequestStatus
from bot.services.centres.places import ANIMATOR
from bot.services.helping.matching import open_requests_for
from bot.services.initiatives.agenda import Dated, upcoming_at_place
from bot.services.plain import Person, PlaceInfo, RequestInfo, plain

DIGEST_EVENTS_AHEAD = timedelta(days=7)


@dataclass(frozen=True)
class Digest:
    volunteer: Person
    requests: list[RequestInfo]
    events: list[Dated]


async def weekly_digests(session: AsyncSession, now: datetime) -> list[Digest]:
    """For every ready, active volunteer who wants it: open requests that fit them and
    the coming week's events at their place. Nobody gets an empty digest."""
    volunteers = await session.scalars(
        select(User)
        .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .where(
            User.weekly_digest.is_(True),
            User.blocked_at.is_(None),
            VolunteerProfile.completed_at.is_not(None),
        )
    )
    digests = []
    for volunteer in [plain(Person, row) for row in volunteers]:
        fitting = [plain(RequestInfo, r) for r in await open_requests_for(session, volunteer, now)]
        coming = await _this_week(session, volunteer.place_id, now)
        if fitting or coming:
            digests.append(Digest(volunteer, fitting, coming))
    return digests


async def _this_week(session: AsyncSession, place_id: int | None, now: datetime) -> list[Dated]:
    if place_id is None:
        return []
    page = await upcoming_at_place(session, place_id, now, 0)
    return [
        item
        for item in page.items
        if item.occurrence.starts_at is not None
        and item.occurrence.starts_at <= now + DIGEST_EVENTS_AHEAD
    ]


@dataclass(frozen=True)
class PlaceDay:
    """One place's last 24 hours, for its animators."""

    place: PlaceInfo
    new_requests: int
    waiting: int
    escalated: int
    done: int
    hours: float


@dataclass(frozen=True)
class DailySummary:
    animator: Person
    places: list[PlaceDay]


async def daily_summaries(session: AsyncSession, now: datetime) -> list[DailySummary]:
    since = now - timedelta(days=1)
    rows = await session.execute(
        select(User, Place)
        .join(Membership, Membership.user_id == User.id)
        .join(Place, Place.id == Membership.place_id)
        .where(Membership.role == ANIMATOR, User.blocked_at.is_(None))
        .order_by(User.id, Place.name)
    )
    by_animator: dict[int, tuple[Person, list[PlaceDay]]] = {}
    days: dict[int, PlaceDay] = {}
    for animator, place in rows:
        if place.id not in days:
            days[place.id] = await _place_day(session, plain(PlaceInfo, place), since)
        by_animator.setdefault(animator.id, (plain(Person, animator), []))[1].append(days[place.id])
    return [DailySummary(animator, places) for animator, places in by_animator.values()]


async def _place_day(session: AsyncSession, place: PlaceInfo, since: datetime) -> PlaceDay:
    def count(*conditions: ColumnElement[bool]) -> Select:
        return select(func.count(HelpRequest.id)).where(
            HelpRequest.place_id == place.id, *conditions
        )

    open_now = HelpRequest.status == RequestStatus.OPEN
    finished = HelpRequest.status.in_((RequestStatus.DONE, RequestStatus.CLOSED))
    hours = await session.scalar(
        select(func.coalesce(func.sum(HelpRequest.hours), 0.0)).where(
            HelpRequest.place_id == place.id, finished, HelpRequest.done_at >= since
        )
    )
    return PlaceDay(
        place=place,
        new_requests=await session.scalar(count(HelpRequest.created_at >= since)) or 0,
        waiting=await session.scalar(count(open_now)) or 0,
        escalated=await session.scalar(count(open_now, HelpRequest.escalated_at.is_not(None))) or 0,
        done=await session.scalar(count(finished, HelpRequest.done_at >= since)) or 0,
        hours=float(hours or 0),
    )
