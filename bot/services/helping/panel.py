"""What an animator's panel shows and does, scoped to the places they run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Offer, User, VolunteerProfile
from bot.db.statuses import OfferStatus, RequestStatus
from bot.db.unit_of_work import record
from bot.services.helping.offers import MatchingConfig, OfferSent, Recipient
from bot.services.plain import Person, RequestInfo, plain

LIST_LIMIT = 10


async def escalated_requests(session: AsyncSession, place_ids: list[int]) -> list[RequestInfo]:
    result = await session.scalars(
        select(HelpRequest)
        .where(
            HelpRequest.place_id.in_(place_ids),
            HelpRequest.status == RequestStatus.OPEN,
            HelpRequest.escalated_at.is_not(None),
        )
        .order_by(HelpRequest.escalated_at)
        .limit(LIST_LIMIT)
    )
    return [plain(RequestInfo, request) for request in result]


async def volunteers_with_no_show(
    session: AsyncSession, place_ids: list[int], now: datetime
) -> list[Person]:
    result = await session.scalars(
        select(User)
        .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .where(User.place_id.in_(place_ids), VolunteerProfile.no_show_until > now)
        .limit(LIST_LIMIT)
    )
    return [plain(Person, user) for user in result]


async def volunteer_at(session: AsyncSession, user_id: int, place_ids: list[int]) -> Person | None:
    """The volunteer, if they belong to one of these places (else None: not yours)."""
    volunteer = await session.get(User, user_id)
    profile = await session.get(VolunteerProfile, user_id)
    if volunteer is None or profile is None or volunteer.place_id not in place_ids:
        return None
    return plain(Person, volunteer)


async def offer_to(
    session: AsyncSession,
    request: RequestInfo,
    volunteer: Person,
    now: datetime,
    config: MatchingConfig,
) -> OfferSent | None:
    """An animator picks the volunteer: a fresh offer, even if they were asked before."""
    if request.status != RequestStatus.OPEN:
        return None
    offer = await session.scalar(
        select(Offer).where(Offer.request_id == request.id, Offer.volunteer_id == volunteer.id)
    )
    if offer is None:
        offer = Offer(request_id=request.id, volunteer_id=volunteer.id, wave=request.wave)
        session.add(offer)
    offer.status = OfferStatus.PENDING
    offer.sent_at = now
    offer.expires_at = now + config.offer_lifetime
    offer.answered_at = None
    await session.flush()
    sent = OfferSent(offer.id, request.id, Recipient(volunteer.telegram_id, volunteer.language))
    record(session, sent)
    return sent
