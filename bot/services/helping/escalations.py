"""What an animator does with a request nobody took: give it a new date and ask the
volunteers again, or close it. Only open requests of the animator's own places qualify;
the caller passes the places it checked."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Offer
from bot.db.statuses import OfferStatus, RequestStatus
from bot.db.unit_of_work import record
from bot.services.happened import TaskNews, TaskNewsFor
from bot.services.helping.offers import MatchingConfig, MatchingOutcome, restart_matching
from bot.services.people.talents import PARTS
from bot.services.plain import RequestInfo, plain, stored


async def open_request_at(
    session: AsyncSession, request_id: int, place_ids: list[int]
) -> RequestInfo | None:
    """The request if it is still looking for a volunteer and belongs to one of the places."""
    request = await session.get(HelpRequest, request_id, populate_existing=True)
    if request is None or request.place_id not in place_ids:
        return None
    return plain(RequestInfo, request) if request.status == RequestStatus.OPEN else None


async def _withdraw_offers(session: AsyncSession, request_id: int) -> None:
    await session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.EXPIRED)
    )


async def close_request(session: AsyncSession, seen: RequestInfo, now: datetime, note: str) -> None:
    """Closed by staff: it counts as cancelled, not done, and unanswered offers lapse;
    the resident gets the team's `note`."""
    request = await stored(session, HelpRequest, seen.id)
    await _withdraw_offers(session, request.id)
    request.status = RequestStatus.CANCELLED
    request.closed_at = now
    record(session, TaskNewsFor(TaskNews.CLOSED, request.id, request.requester_id, note=note))
    await session.flush()


async def reschedule(
    session: AsyncSession,
    seen: RequestInfo,
    day: date | None,
    part: int | None,
    now: datetime,
    config: MatchingConfig,
) -> MatchingOutcome:
    """A new date (or "flexible") and a fresh round of waves; offers for the old date lapse.
    The waves skip volunteers asked before; the animator can still pick one of them from
    the candidates, who are listed with everyone else."""
    if part is not None and part not in PARTS:
        raise ValueError("unknown part of day")
    request = await stored(session, HelpRequest, seen.id)
    await _withdraw_offers(session, request.id)
    request.day = day
    request.part = part
    record(session, TaskNewsFor(TaskNews.REDATED, request.id, request.requester_id))
    return await restart_matching(session, request, now, config)
