"""Help requests from residents: submitting, listing, cancelling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest
from bot.db.statuses import ACTIVE_REQUEST, RequestStatus
from bot.db.unit_of_work import record
from bot.services.centres.places import district_ref
from bot.services.defaults import language_of
from bot.services.errors import DistrictNotInPlace, PlaceNotFound, ServiceError
from bot.services.happened import TaskNews, TaskNewsFor
from bot.services.people.talents import PARTS, SENSITIVE, TALENTS
from bot.services.plain import Person, RequestDraft, RequestInfo, plain
from bot.services.text import clean_text

DESCRIPTION_LIMIT = 500
ADDRESS_LIMIT = 200


class TooManyOpenRequests(ServiceError):
    def __init__(self, limit: int) -> None:
        message = f"at most {limit} open requests"
        super().__init__(message)
        self.limit = limit


class RequestNotFound(ServiceError):
    """Unknown, or not the caller's: the two look the same on purpose."""


@dataclass(frozen=True)
class OnBehalf:
    """A resident without Telegram, registered by an animator of `place_id`."""

    place_id: int
    name: str
    phone: str


async def open_request_count(session: AsyncSession, user_id: int) -> int:
    return (
        await session.scalar(
            select(func.count(HelpRequest.id)).where(
                HelpRequest.requester_id == user_id, HelpRequest.status.in_(ACTIVE_REQUEST)
            )
        )
        or 0
    )


async def submit_request(
    session: AsyncSession,
    user: Person,
    draft: RequestDraft,
    *,
    now: datetime,
    max_open: int,
    on_behalf: OnBehalf | None = None,
) -> HelpRequest:
    """Validate everything again and store the request; its category decides sensitivity.
    An animator registering for someone else is not held to the open-request limit (the
    caller checks that they run `on_behalf.place_id`)."""
    if draft.category not in TALENTS or (draft.part is not None and draft.part not in PARTS):
        raise ValueError("unknown category or part of day")
    place_id = on_behalf.place_id if on_behalf else user.place_id
    if place_id is None:
        raise PlaceNotFound
    if draft.district_id is not None:
        district = await district_ref(session, draft.district_id)
        if district is None or district.place_id != place_id:
            raise DistrictNotInPlace
    if on_behalf is None and await open_request_count(session, user.id) >= max_open:
        raise TooManyOpenRequests(max_open)
    request = HelpRequest(
        requester_id=user.id,
        place_id=place_id,
        on_behalf_name=clean_text(on_behalf.name, limit=64) if on_behalf else None,
        on_behalf_phone=clean_text(on_behalf.phone, limit=32) if on_behalf else None,
        district_id=draft.district_id,
        category=draft.category,
        description=clean_text(draft.description, limit=DESCRIPTION_LIMIT),
        day=draft.day,
        part=draft.part,
        address=clean_text(draft.address, limit=ADDRESS_LIMIT) if draft.address else None,
        language=language_of(user),
        sensitive=draft.category in SENSITIVE,
        status=RequestStatus.OPEN,
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return request


async def requests_of(session: AsyncSession, user_id: int, *, limit: int = 10) -> list[RequestInfo]:
    """The resident's requests, active ones first, newest first."""
    active_first = HelpRequest.status.in_(ACTIVE_REQUEST).desc()
    result = await session.scalars(
        select(HelpRequest)
        .where(HelpRequest.requester_id == user_id)
        .order_by(active_first, HelpRequest.created_at.desc(), HelpRequest.id.desc())
        .limit(limit)
    )
    return [plain(RequestInfo, request) for request in result]


async def get_request(session: AsyncSession, request_id: int) -> RequestInfo | None:
    """Any request, for callers that check for themselves who may see it."""
    request = await session.get(HelpRequest, request_id)
    return plain(RequestInfo, request) if request is not None else None


async def request_of(
    session: AsyncSession, request_id: int, user_id: int, *, as_volunteer: bool = False
) -> HelpRequest:
    """The request as stored now, if `user_id` asked for it (or, `as_volunteer`, has
    taken it); `RequestNotFound` otherwise: unknown and not yours look the same."""
    request = await session.get(HelpRequest, request_id, populate_existing=True)
    if request is None:
        raise RequestNotFound
    if (request.volunteer_id if as_volunteer else request.requester_id) != user_id:
        raise RequestNotFound
    return request


async def cancel_request(
    session: AsyncSession, request_id: int, user_id: int, now: datetime
) -> RequestInfo:
    """The resident withdraws a request that is not finished; a volunteer who took it is
    told they need not go."""
    request = await request_of(session, request_id, user_id)
    if request.status not in (RequestStatus.OPEN, RequestStatus.MATCHED):
        raise RequestNotFound
    request.status = RequestStatus.CANCELLED
    request.closed_at = now
    record(session, TaskNewsFor(TaskNews.CANCELLED, request.id, request.volunteer_id))
    return plain(RequestInfo, request)
