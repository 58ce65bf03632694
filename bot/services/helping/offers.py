"""Offering requests to volunteers in waves, the first acceptance, and escalation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import HelpRequest, Offer, User, VolunteerProfile
from bot.db.statuses import OfferStatus, RequestStatus
from bot.db.unit_of_work import record
from bot.services.centres.places import place_animators, timezone_of
from bot.services.defaults import TIMEZONE
from bot.services.happened import TaskNews, TaskNewsFor
from bot.services.helping.matching import (
    CAP_WINDOW,
    Candidate,
    open_requests_for,
    rank_volunteers,
    tasks_since,
)
from bot.services.messaging.quiet import NIGHTS, QuietHours
from bot.services.people import profiles
from bot.services.people.talents import PART_STARTS
from bot.services.plain import Need, Person, RequestInfo, plain


@dataclass(frozen=True)
class MatchingConfig:
    wave_size: int = 5
    offer_lifetime: timedelta = timedelta(hours=1)
    max_waves: int = 3
    escalate_before: timedelta = timedelta(hours=3)
    quiet: QuietHours = NIGHTS


@dataclass(frozen=True)
class Recipient:
    telegram_id: int
    language: str | None


@dataclass(frozen=True)
class OfferSent:
    offer_id: int
    request_id: int
    volunteer: Recipient


class EscalationReason(StrEnum):
    """Why the animators are asked: nobody took it (or nobody is left, or it is due soon),
    or volunteers are free but none has a talent that fits, which the animator is told."""

    NOBODY = "nobody"
    NO_TALENT = "no_talent"


@dataclass(frozen=True)
class Escalation:
    request_id: int
    animators: list[Recipient]
    not_before: datetime  # animators sleep too: held until quiet hours end
    reason: EscalationReason = EscalationReason.NOBODY


@dataclass
class MatchingOutcome:
    """What matching decided. Each offer and escalation is already recorded where it was
    made (`bot.services.happened`), so the unit of work tells people; a caller reads this
    only to word its own reply ("asking 5 volunteers") or in tests."""

    offers: list[OfferSent] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)

    def extend(self, other: MatchingOutcome) -> None:
        self.offers.extend(other.offers)
        self.escalations.extend(other.escalations)


class AcceptOutcome(StrEnum):
    WON = "won"
    ALREADY_YOURS = "already_yours"
    TOO_LATE = "too_late"
    NOT_YOURS = "not_yours"
    OVER_CAP = "over_cap"


async def place_timezone(session: AsyncSession, place_id: int) -> str:
    return await timezone_of(session, place_id, TIMEZONE)


async def starts_at(session: AsyncSession, request: Need | RequestInfo) -> datetime | None:
    """When the help is due: the start of its part of day in the place's zone."""
    if request.day is None:
        return None
    return start_in(request.day, request.part, await place_timezone(session, request.place_id))


def start_in(day: date, part: int | None, timezone: str) -> datetime:
    """The start of a part of day (the morning when any time will do) in a time zone."""
    start = PART_STARTS[part if part is not None else 0]
    return datetime.combine(day, start, tzinfo=ZoneInfo(timezone))


async def send_next_wave(
    session: AsyncSession, request: HelpRequest, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    """Offer the request to the next best volunteers, or escalate when that is pointless:
    waves used up, nobody left who fits, or too little time before it is due. During quiet
    hours a wave goes out only when the request is urgent (`QuietHours.release_at`)."""
    if request.status != RequestStatus.OPEN or request.escalated_at is not None:
        return MatchingOutcome()
    need = Need.of(request)
    due = await starts_at(session, need)
    if request.wave >= config.max_waves or (
        due is not None and due - now <= config.escalate_before
    ):
        return await escalate(session, request, now, config.quiet)
    if config.quiet.release_at(now, await place_timezone(session, request.place_id), due) > now:
        return MatchingOutcome()  # the first tick after quiet hours sends this wave
    candidates = await rank_volunteers(
        session, need, now, limit=config.wave_size, fitting_only=True
    )
    if not candidates:
        others = await rank_volunteers(session, need, now, limit=1)
        reason = EscalationReason.NO_TALENT if others else EscalationReason.NOBODY
        return await escalate(session, request, now, config.quiet, reason)
    return await offer_wave(session, request, candidates, now, config)


async def offer_wave(
    session: AsyncSession,
    request: HelpRequest,
    candidates: list[Candidate],
    now: datetime,
    config: MatchingConfig,
) -> MatchingOutcome:
    """One wave of offers of `request` to `candidates`, each to be queued by the caller."""
    request.wave += 1
    inserted = await session.execute(
        insert(Offer).returning(Offer.volunteer_id, Offer.id),
        [
            {
                "request_id": request.id,
                "volunteer_id": candidate.user_id,
                "wave": request.wave,
                "status": OfferStatus.PENDING,
                "sent_at": now,
                "expires_at": now + config.offer_lifetime,
            }
            for candidate in candidates
        ],
    )
    offer_of = {volunteer: offer for volunteer, offer in inserted}
    await session.flush()
    offers = [
        OfferSent(offer_of[c.user_id], request.id, Recipient(c.telegram_id, c.language))
        for c in candidates
    ]
    record(session, *offers)
    return MatchingOutcome(offers=offers)


async def escalate(
    session: AsyncSession,
    request: HelpRequest,
    now: datetime,
    quiet: QuietHours,
    reason: EscalationReason = EscalationReason.NOBODY,
) -> MatchingOutcome:
    """Hand the request to the place's animators, once: the conditional update is the guard."""
    marked = await changed_rows(
        session,
        update(HelpRequest)
        .where(HelpRequest.id == request.id, HelpRequest.escalated_at.is_(None))
        .values(escalated_at=now),
    )
    await session.flush()
    if marked != 1:
        return MatchingOutcome()
    animators = await place_animators(session, request.place_id)
    recipients = [Recipient(a.telegram_id, a.language) for a in animators]
    due = await starts_at(session, Need.of(request))
    release = quiet.release_at(now, await place_timezone(session, request.place_id), due)
    escalation = Escalation(request.id, recipients, release, reason)
    record(session, escalation)
    return MatchingOutcome(escalations=[escalation])


# Built once: whose offer it is, who has the task now, the volunteer's weekly cap and
# tasks so far, in one query.
_ACCEPT_CHECK = (
    select(
        Offer.request_id,
        select(HelpRequest.volunteer_id)
        .where(HelpRequest.id == Offer.request_id)
        .scalar_subquery(),
        VolunteerProfile.max_tasks_per_week,
        tasks_since(Offer.volunteer_id, bindparam("since")),
    )
    .outerjoin(VolunteerProfile, VolunteerProfile.user_id == Offer.volunteer_id)
    .where(Offer.id == bindparam("offer_id"), Offer.volunteer_id == bindparam("volunteer_id"))
)


async def accept_offer(
    session: AsyncSession, offer_id: int, volunteer_id: int, now: datetime
) -> tuple[AcceptOutcome, RequestInfo | None]:
    """The first acceptance wins. The claim is one conditional UPDATE of the request, so
    of any number of simultaneous presses the database lets exactly one through. The
    resident hears the good news in the same transaction.

    A press on an offer that already expired still wins while the request is open:
    a neighbour who wants to help is never turned away on a technicality.
    """
    found = await session.execute(
        _ACCEPT_CHECK,
        {"offer_id": offer_id, "volunteer_id": volunteer_id, "since": now - CAP_WINDOW},
    )
    row = found.first()
    if row is None:
        return AcceptOutcome.NOT_YOURS, None
    request_id, holder, cap, this_week = row
    if holder == volunteer_id:
        return AcceptOutcome.ALREADY_YOURS, None  # a second tap on Accept
    if (this_week or 0) >= (cap or 0):
        return AcceptOutcome.OVER_CAP, None
    # Open, or held by a volunteer who did not confirm while standbys were asked: a
    # standby who steps in takes the task over (services/turning_up.py).
    claimable = or_(
        HelpRequest.status == RequestStatus.OPEN,
        and_(
            HelpRequest.status == RequestStatus.MATCHED,
            HelpRequest.standby_at.is_not(None),
            HelpRequest.coming_at.is_(None),
        ),
    )
    claimed = await session.scalars(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, claimable)
        .values(
            status=RequestStatus.MATCHED,
            volunteer_id=volunteer_id,
            accepted_at=now,
            coming_at=case((HelpRequest.standby_at.is_not(None), now), else_=None),
        )
        .returning(HelpRequest),
        execution_options={"populate_existing": True},
    )
    request = claimed.one_or_none()
    if request is None:
        await session.flush()
        return AcceptOutcome.TOO_LATE, None
    if holder is not None:
        await release_unconfirmed(session, request_id, holder)
    accepted = Offer.id == offer_id
    await session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, or_(accepted, Offer.status == OfferStatus.PENDING))
        .values(
            status=case((accepted, OfferStatus.ACCEPTED), else_=OfferStatus.TAKEN),
            answered_at=case((accepted, now), else_=Offer.answered_at),
        )
    )
    volunteer = await session.get(User, volunteer_id)
    actor = volunteer.first_name or "" if volunteer is not None else ""
    record(session, TaskNewsFor(TaskNews.ACCEPTED, request.id, request.requester_id, actor))
    await session.flush()
    return AcceptOutcome.WON, plain(RequestInfo, request)


async def decline_offer(
    session: AsyncSession, offer_id: int, volunteer_id: int, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    """ "Not this time": remembered (no more offers of this request), and when nobody of the
    wave is still thinking about it, the next wave goes out."""
    declined = await session.execute(
        update(Offer)
        .where(
            Offer.id == offer_id,
            Offer.volunteer_id == volunteer_id,
            Offer.status.in_((OfferStatus.PENDING, OfferStatus.EXPIRED)),
        )
        .values(status=OfferStatus.DECLINED, answered_at=now)
        .returning(Offer.request_id)
    )
    request_id = declined.scalar_one_or_none()
    await session.flush()
    if request_id is None:
        return MatchingOutcome()
    return await _continue(session, request_id, now, config)


async def _continue(
    session: AsyncSession, request_id: int, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    pending = await session.scalar(
        select(exists().where(Offer.request_id == request_id, Offer.status == OfferStatus.PENDING))
    )
    request = await session.get(HelpRequest, request_id, populate_existing=True)
    if pending or request is None:
        return MatchingOutcome()
    return await send_next_wave(session, request, now, config)


async def advance_matching(
    session: AsyncSession, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    """The periodic step: expire unanswered offers, send next waves, escalate what is due."""
    await session.execute(
        update(Offer)
        .where(Offer.status == OfferStatus.PENDING, Offer.expires_at <= now)
        .values(status=OfferStatus.EXPIRED)
    )
    await session.flush()
    waiting = await session.scalars(
        select(HelpRequest.id).where(
            HelpRequest.status == RequestStatus.OPEN, HelpRequest.escalated_at.is_(None)
        )
    )
    outcome = MatchingOutcome()
    for request_id in list(waiting):
        request = await session.get(HelpRequest, request_id)
        due = await starts_at(session, Need.of(request)) if request else None
        if request is not None and due is not None and due - now <= config.escalate_before:
            outcome.extend(await escalate(session, request, now, config.quiet))
        else:
            outcome.extend(await _continue(session, request_id, now, config))
    return outcome


async def restart_matching(
    session: AsyncSession, request: HelpRequest, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    """A request back in the pool (handed back, no-show): waves start again from one."""
    request.status = RequestStatus.OPEN
    request.volunteer_id = None
    request.accepted_at = None
    request.done_at = None
    request.wave = 0
    request.escalated_at = None
    request.coming_asked_at = request.coming_at = request.standby_at = None
    await session.flush()
    return await send_next_wave(session, request, now, config)


async def reverse_match(
    session: AsyncSession, volunteer: Person, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    """A volunteer just became available: offer them up to three open requests that fit."""
    outcome = MatchingOutcome()
    for request in await open_requests_for(session, volunteer, now):
        offer = Offer(
            request_id=request.id,
            volunteer_id=volunteer.id,
            wave=request.wave,
            status=OfferStatus.PENDING,
            sent_at=now,
            expires_at=now + config.offer_lifetime,
        )
        session.add(offer)
        await session.flush()
        recipient = Recipient(volunteer.telegram_id, volunteer.language)
        sent = OfferSent(offer.id, request.id, recipient)
        record(session, sent)
        outcome.offers.append(sent)
    await session.flush()
    return outcome


async def back_from_a_break(
    session: AsyncSession, volunteer: Person, now: datetime, config: MatchingConfig
) -> MatchingOutcome:
    """The volunteer is available again: offers resume, and a finished profile is
    offered the open requests that fit it now (recorded, so the unit of work tells them)."""
    await profiles.resume(session, volunteer.id)
    view = await profiles.get_profile(session, volunteer.id)
    if view is None or not view.completed:
        return MatchingOutcome()
    return await reverse_match(session, volunteer, now, config)


async def release_unconfirmed(session: AsyncSession, request_id: int, holder: int) -> None:
    """A standby took over from a volunteer who never confirmed: their offer is handed
    back (not a no-show) and they are thanked and told they need not come."""
    await session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, Offer.volunteer_id == holder)
        .values(status=OfferStatus.HANDED_BACK)
    )
    record(session, TaskNewsFor(TaskNews.RELEASED, request_id, holder))
