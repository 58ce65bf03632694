"""Ranking volunteers for a request. The formula and the reasons for each weight are in
docs/matching.md; change both together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Float, and_, case, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

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
from bot.services.statuses import RequestStatus
from bot.services.talents import RELATED, request_slots

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


def tasks_since(volunteer_id: object, since: datetime) -> object:
    return (
        select(func.count(HelpRequest.id))
        .where(HelpRequest.volunteer_id == volunteer_id, HelpRequest.accepted_at >= since)
        .scalar_subquery()
    )


async def rank_volunteers(
    session: AsyncSession,
    request: HelpRequest,
    now: datetime,
    *,
    limit: int,
    only_volunteer: int | None = None,
    include_offered: bool = False,
) -> list[Candidate]:
    """The best volunteers for `request`, best first.

    Hard filters and most of the score run in the database on indexed columns, so
    the cost follows the number of volunteers in the request's district, not the
    number in the city. Free-text overlap is added in Python on a short list.
    """
    profile = VolunteerProfile
    volunteer = profile.user_id
    slots = request_slots(request.day, request.part)
    related_codes = RELATED.get(request.category, frozenset())

    has_talent = exists().where(
        VolunteerTalent.user_id == volunteer, VolunteerTalent.code == request.category
    )
    has_related = exists().where(
        VolunteerTalent.user_id == volunteer, VolunteerTalent.code.in_(related_codes)
    )
    overlap = (
        select(func.count())
        .where(VolunteerSlot.user_id == volunteer, VolunteerSlot.slot.in_(slots))
        .scalar_subquery()
    )
    recent = tasks_since(volunteer, now - FAIRNESS_WINDOW)
    if request.district_id is not None:
        # Start from the district's volunteers (an index lookup), not from every profile.
        driving = (
            select()
            .select_from(VolunteerDistrict)
            .join(profile, profile.user_id == VolunteerDistrict.user_id)
        )
        serves = VolunteerDistrict.district_id == request.district_id
        lives_here = User.district_id == request.district_id
    else:
        driving = select().select_from(User).join(profile, profile.user_id == User.id)
        serves = User.place_id == request.place_id
        lives_here = User.place_id == request.place_id
    punished = and_(profile.no_show_until.is_not(None), profile.no_show_until > now)

    talent_col = case((has_talent, W_TALENT), else_=0.0)
    related_col = case((has_related, W_RELATED), else_=0.0)
    availability_col = W_AVAILABILITY * cast(overlap, Float) / len(slots)
    district_col = case((lives_here, W_DISTRICT), else_=0.0)
    fairness_col = W_FAIRNESS / (1.0 + cast(recent, Float))
    reliability_col = case((punished, -NO_SHOW_PENALTY), else_=0.0)
    score = (
        talent_col + related_col + availability_col + district_col + fairness_col + reliability_col
    )

    filters = [
        profile.completed_at.is_not(None),
        profile.paused.is_(False),
        or_(profile.paused_until.is_(None), profile.paused_until <= now),
        User.consent_at.is_not(None),
        User.blocked_at.is_(None),
        serves,
        exists().where(
            VolunteerLanguage.user_id == volunteer, VolunteerLanguage.language == request.language
        ),
        exists().where(VolunteerSlot.user_id == volunteer, VolunteerSlot.slot.in_(slots)),
        tasks_since(volunteer, now - CAP_WINDOW) < profile.max_tasks_per_week,
    ]
    if not include_offered:
        filters.append(
            ~exists().where(Offer.request_id == request.id, Offer.volunteer_id == volunteer)
        )
    if request.requester_id is not None:
        filters.append(volunteer != request.requester_id)
    if request.sensitive:
        filters.append(profile.verified_at.is_not(None))
    if only_volunteer is not None:
        filters.append(volunteer == only_volunteer)

    total = score.label("score")
    query = driving.add_columns(
        volunteer,
        User.telegram_id,
        User.first_name,
        User.language,
        profile.other_talents,
        talent_col,
        related_col,
        availability_col,
        district_col,
        fairness_col,
        reliability_col,
        recent,
        total,
    )
    if request.district_id is not None:
        query = query.join(User, User.id == volunteer)
    rows = await session.execute(
        query.where(*filters).order_by(total.desc(), volunteer).limit(SHORTLIST)
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
        candidates.append(Candidate(row[0], row[1], row[2], row[3], int(row[11]), parts))
    candidates.sort(key=lambda c: (-c.parts.total, c.recent_tasks, c.user_id))
    return candidates[:limit]


async def open_requests_for(
    session: AsyncSession, volunteer: User, now: datetime, *, limit: int = 3
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
        found = await rank_volunteers(session, request, now, limit=1, only_volunteer=volunteer.id)
        if found and found[0].parts.fits_the_task:
            fitting.append(request)
            if len(fitting) == limit:
                break
    return fitting
