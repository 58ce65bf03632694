"""Ranking volunteers for a request. The formula and the reasons for each weight are in
docs/matching.md; change both together."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    Float,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import SQLCoreOperations

from bot.db.models import (
    HelpRequest,
    Offer,
    User,
    VolunteerDistrict,
    VolunteerLanguage,
    VolunteerProfile,
    VolunteerSlot,
    VolunteerTalent,
)
from bot.db.statuses import RequestStatus
from bot.services.people.talents import RELATED, request_slots
from bot.services.people.verification import task_day_end, verified_through
from bot.services.plain import Need, Person

W_TALENT = 40.0
W_RELATED = 15.0
W_FREE_TEXT = 10.0
W_AVAILABILITY = 15.0
W_DISTRICT = 10.0
W_FAIRNESS = 10.0
NO_SHOW_PENALTY = 30.0
FAIRNESS_WINDOW = timedelta(days=30)
CAP_WINDOW = timedelta(days=7)
SHORTLIST = 50
_WORD = re.compile(r"\w{4,}")


@dataclass(frozen=True)
class ScoreParts:
    """Each component of a volunteer's score for one request ("why this volunteer")."""

    talent: float
    related: float
    free_text: float
    availability: float
    district: float
    fairness: float
    reliability: float

    @property
    def total(self) -> float:
        return round(
            self.talent
            + self.related
            + self.free_text
            + self.availability
            + self.district
            + self.fairness
            + self.reliability,
            2,
        )

    @property
    def fits_the_task(self) -> bool:
        return self.talent > 0 or self.related > 0 or self.free_text > 0


@dataclass(frozen=True)
class Candidate:
    user_id: int
    telegram_id: int
    first_name: str | None
    language: str | None
    recent_tasks: int
    parts: ScoreParts


def _stems(text: str | None) -> set[str]:
    """Word stems for a rough free-text match; five letters catch most Polish endings."""
    return {word[:5] for word in _WORD.findall((text or "").casefold())}


def tasks_since(
    volunteer_id: SQLCoreOperations[int], since: datetime | BindParameter[datetime]
) -> ScalarSelect[int]:
    return (
        select(func.count(HelpRequest.id))
        .where(HelpRequest.volunteer_id == volunteer_id, HelpRequest.accepted_at >= since)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class _Shape:
    """What changes the ranking query's SQL; everything else is a bound value."""

    by_district: bool
    skip_offered: bool
    skip_requester: bool
    verified_only: bool
    one_volunteer: bool


@functools.cache
def _ranking_query(shape: _Shape) -> Select[Any]:
    """The ranking query for one shape, built once: building it took longer than running it.

    Hard filters and most of the score run in the database on indexed columns, so
    the cost follows the number of volunteers in the request's district, not the
    number in the city. Free-text overlap is added in Python on a short list.
    """
    profile = VolunteerProfile
    volunteer = profile.user_id
    now: BindParameter[datetime] = bindparam("now")
    slots: BindParameter[list[int]] = bindparam("slots", expanding=True)

    has_talent = exists().where(
        VolunteerTalent.user_id == volunteer, VolunteerTalent.code == bindparam("category")
    )
    has_related = exists().where(
        VolunteerTalent.user_id == volunteer,
        VolunteerTalent.code.in_(bindparam("related", expanding=True)),
    )
    overlap = (
        select(func.count())
        .where(VolunteerSlot.user_id == volunteer, VolunteerSlot.slot.in_(slots))
        .scalar_subquery()
    )
    recent = tasks_since(volunteer, bindparam("fairness_since"))
    if shape.by_district:
        # Start from the district's volunteers (an index lookup), not from every profile.
        driving = (
            select()
            .select_from(VolunteerDistrict)
            .join(profile, profile.user_id == VolunteerDistrict.user_id)
        )
        serves = VolunteerDistrict.district_id == bindparam("district_id")
        lives_here = User.district_id == bindparam("district_id")
    else:
        driving = select().select_from(User).join(profile, profile.user_id == User.id)
        serves = User.place_id == bindparam("place_id")
        lives_here = User.place_id == bindparam("place_id")
    punished = and_(profile.no_show_until.is_not(None), profile.no_show_until > now)

    talent_col = case((has_talent, W_TALENT), else_=0.0)
    related_col = case((has_related, W_RELATED), else_=0.0)
    availability_col = W_AVAILABILITY * cast(overlap, Float) / bindparam("slot_count", type_=Float)
    district_col = case((lives_here, W_DISTRICT), else_=0.0)
    fairness_col = W_FAIRNESS / (1.0 + cast(recent, Float))
    reliability_col = case((punished, -NO_SHOW_PENALTY), else_=0.0)

    filters = [
        profile.completed_at.is_not(None),
        profile.paused.is_(False),
        or_(profile.paused_until.is_(None), profile.paused_until <= now),
        User.consent_at.is_not(None),
        User.blocked_at.is_(None),
        serves,
        exists().where(
            VolunteerLanguage.user_id == volunteer,
            VolunteerLanguage.language == bindparam("language"),
        ),
        exists().where(VolunteerSlot.user_id == volunteer, VolunteerSlot.slot.in_(slots)),
        tasks_since(volunteer, bindparam("cap_since")) < profile.max_tasks_per_week,
    ]
    if shape.skip_offered:
        filters.append(
            ~exists().where(
                Offer.request_id == bindparam("request_id"), Offer.volunteer_id == volunteer
            )
        )
    if shape.skip_requester:
        filters.append(volunteer != bindparam("requester_id"))
    if shape.verified_only:
        filters.append(verified_through(profile, bindparam("task_day_end")))
    if shape.one_volunteer:
        filters.append(volunteer == bindparam("only_volunteer"))

    columns = driving.add_columns(
        volunteer.label("user_id"),
        User.telegram_id,
        User.first_name,
        User.language,
        profile.other_talents,
        talent_col.label("talent"),
        related_col.label("related"),
        availability_col.label("availability"),
        district_col.label("district"),
        fairness_col.label("fairness"),
        reliability_col.label("reliability"),
        recent.label("recent"),
    )
    if shape.by_district:
        columns = columns.join(User, User.id == volunteer)
    # Materialized, so that each subquery runs once per candidate: ordering by a sum that
    # repeated them made SQLite run every one of them twice.
    scored = columns.where(*filters).cte("scored").prefix_with("MATERIALIZED")
    part = scored.c
    total = (
        part.talent
        + part.related
        + part.availability
        + part.district
        + part.fairness
        + part.reliability
    )
    return select(scored).order_by(total.desc(), part.user_id).limit(SHORTLIST)


async def rank_volunteers(
    session: AsyncSession,
    request: Need,
    now: datetime,
    *,
    limit: int,
    only_volunteer: int | None = None,
    include_offered: bool = False,
    fitting_only: bool = False,
) -> list[Candidate]:
    """The best volunteers for `request`, best first; with `fitting_only`, only those whose
    talents (exact or related) or own words fit the task — whom offers go to. The
    animator's list of candidates shows everyone."""
    shape = _Shape(
        by_district=request.district_id is not None,
        skip_offered=not include_offered and request.id is not None,
        skip_requester=request.requester_id is not None,
        verified_only=request.sensitive,
        one_volunteer=only_volunteer is not None,
    )
    slots = request_slots(request.day, request.part)
    rows = await session.execute(
        _ranking_query(shape),
        {
            "now": now,
            "slots": slots,
            "slot_count": len(slots),
            "category": request.category,
            "related": sorted(RELATED.get(request.category, frozenset())),
            "fairness_since": now - FAIRNESS_WINDOW,
            "cap_since": now - CAP_WINDOW,
            "district_id": request.district_id,
            "place_id": request.place_id,
            "language": request.language,
            "request_id": request.id,
            "requester_id": request.requester_id,
            "only_volunteer": only_volunteer,
            "task_day_end": task_day_end(request.day, now),
        },
    )
    wanted = _stems(request.description)
    candidates = []
    for row in rows:
        free_text = W_FREE_TEXT if wanted & _stems(row[4]) else 0.0
        parts = ScoreParts(
            talent=float(row[5]),
            related=float(row[6]),
            free_text=free_text,
            availability=round(float(row[7]), 2),
            district=float(row[8]),
            fairness=round(float(row[9]), 2),
            reliability=float(row[10]),
        )
        if parts.fits_the_task or not fitting_only:
            candidates.append(Candidate(row[0], row[1], row[2], row[3], int(row[11]), parts))
    candidates.sort(key=lambda c: (-c.parts.total, c.recent_tasks, c.user_id))
    return candidates[:limit]


async def open_requests_for(
    session: AsyncSession, volunteer: Person, now: datetime, *, limit: int = 3
) -> list[HelpRequest]:
    """Reverse matching: open requests at the volunteer's place that they could take now,
    judged by the same rules that choose whom to offer a request to."""
    if volunteer.place_id is None:
        return []
    requests = await session.scalars(
        select(HelpRequest)
        .where(HelpRequest.place_id == volunteer.place_id, HelpRequest.status == RequestStatus.OPEN)
        .order_by(HelpRequest.created_at)
        .limit(SHORTLIST)
    )
    fitting = []
    for request in requests:
        found = await rank_volunteers(
            session, Need.of(request), now, limit=1, only_volunteer=volunteer.id, fitting_only=True
        )
        if found:
            fitting.append(request)
            if len(fitting) == limit:
                break
    return fitting
