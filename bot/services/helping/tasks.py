"""After acceptance: done, confirmed and thanked, not happened, or handed back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Offer, User
from bot.db.statuses import OfferStatus, RequestStatus
from bot.db.unit_of_work import record
from bot.services.happened import MessageRelayed, TaskNews, TaskNewsFor
from bot.services.helping.offers import (
    MatchingConfig,
    MatchingOutcome,
    restart_matching,
    reverse_match,
    starts_at,
)
from bot.services.helping.requests import RequestNotFound, request_of
from bot.services.people.profiles import record_no_show
from bot.services.plain import Person, RequestInfo, plain

HOURS_CHOICES: tuple[float, ...] = (0.5, 1.0, 2.0, 3.0, 4.0)
# The longest message passed between the two sides of a task.
RELAY_LIMIT = 1000
RATINGS = range(1, 6)
# A part of day is a few hours; after that the help should have happened.
TASK_TIME = timedelta(hours=4)
# "Any day, I am flexible": after a few days without news the resident may say so.
ANY_DAY_TIME = timedelta(days=3)


@dataclass(frozen=True)
class TaskPeople:
    """Who to tell about a task: Telegram ids and languages of both sides."""

    resident: User | None
    volunteer: User | None


async def task_people(session: AsyncSession, request: HelpRequest) -> TaskPeople:
    resident = await session.get(User, request.requester_id) if request.requester_id else None
    volunteer = await session.get(User, request.volunteer_id) if request.volunteer_id else None
    return TaskPeople(resident, volunteer)


async def mark_done(
    session: AsyncSession,
    request_id: int,
    volunteer_id: int,
    hours: float,
    now: datetime,
) -> HelpRequest:
    """The volunteer did it; the resident is asked whether it went well."""
    if hours not in HOURS_CHOICES:
        raise ValueError(hours)
    request = await request_of(session, request_id, volunteer_id, as_volunteer=True)
    if request.status != RequestStatus.MATCHED:
        raise RequestNotFound
    request.status = RequestStatus.DONE
    request.hours = hours
    request.done_at = now
    people = await task_people(session, request)
    actor = people.volunteer.first_name or "" if people.volunteer is not None else ""
    record(session, TaskNewsFor(TaskNews.DONE, request.id, request.requester_id, actor))
    return request


async def finish_task(
    session: AsyncSession,
    request_id: int,
    volunteer: Person,
    hours: float,
    now: datetime,
    config: MatchingConfig,
) -> tuple[RequestInfo, MatchingOutcome]:
    """The volunteer reports the task done with its hours; being free again, they are
    offered the open requests that fit them now (recorded, so the unit of work tells them)."""
    request = await mark_done(session, request_id, volunteer.id, hours, now)
    return plain(RequestInfo, request), await reverse_match(session, volunteer, now, config)


async def confirm_done(
    session: AsyncSession,
    request_id: int,
    resident_id: int,
    now: datetime,
    rating: int | None,
) -> RequestInfo:
    """The resident confirms (and may rate); the volunteer hears the thanks once. Also
    accepted straight after acceptance: some residents confirm before the volunteer
    remembers to press Done."""
    if rating is not None and rating not in RATINGS:
        raise ValueError(rating)
    request = await request_of(session, request_id, resident_id)
    if request.status not in (RequestStatus.MATCHED, RequestStatus.DONE, RequestStatus.CLOSED):
        raise RequestNotFound
    if request.status != RequestStatus.CLOSED:
        request.status = RequestStatus.CLOSED
        request.confirmed_at = now
        request.closed_at = now
        record(session, TaskNewsFor(TaskNews.CONFIRMED, request.id, request.volunteer_id))
    if rating is not None:
        request.rating = rating
    await session.flush()
    return plain(RequestInfo, request)


async def time_has_passed(session: AsyncSession, request: RequestInfo, now: datetime) -> bool:
    """The help was due a while ago: only then may a resident say it did not happen
    without the volunteer having called it done."""
    due = await starts_at(session, request)
    if due is not None:
        return now >= due + TASK_TIME
    return request.accepted_at is not None and now >= request.accepted_at + ANY_DAY_TIME


async def task_to_close(
    session: AsyncSession, request_id: int, resident_id: int, now: datetime
) -> RequestInfo:
    """The resident's task they may confirm or say did not happen: the volunteer called it
    done, or its time has passed."""
    return plain(RequestInfo, await _task_to_close(session, request_id, resident_id, now))


async def _task_to_close(
    session: AsyncSession, request_id: int, resident_id: int, now: datetime
) -> HelpRequest:
    request = await request_of(session, request_id, resident_id)
    if request.status == RequestStatus.DONE or (
        request.status == RequestStatus.MATCHED
        and await time_has_passed(session, plain(RequestInfo, request), now)
    ):
        return request
    raise RequestNotFound


async def report_no_show(
    session: AsyncSession,
    request_id: int,
    resident_id: int,
    now: datetime,
    config: MatchingConfig,
) -> MatchingOutcome:
    """It did not happen: the volunteer ranks lower for a while (it is forgiven after
    a while, or by an animator), is told, and the request goes back to matching."""
    request = await _task_to_close(session, request_id, resident_id, now)
    volunteer = await session.get(User, request.volunteer_id) if request.volunteer_id else None
    if volunteer is not None:
        await record_no_show(session, volunteer.id, now)
        await _mark_offer(session, request.id, volunteer.id, OfferStatus.NO_SHOW)
    record(session, TaskNewsFor(TaskNews.NO_SHOW, request.id, request.volunteer_id))
    return await restart_matching(session, request, now, config)


async def hand_back(
    session: AsyncSession,
    request_id: int,
    volunteer_id: int,
    now: datetime,
    config: MatchingConfig,
    *,
    nobody_there: bool = False,
) -> MatchingOutcome:
    """The volunteer cannot do it after all, or (`nobody_there`) came and found nobody:
    no penalty for anyone, never offered this one again, and the request goes back to
    matching (the resident is told, and can cancel it)."""
    request = await request_of(session, request_id, volunteer_id, as_volunteer=True)
    if request.status != RequestStatus.MATCHED:
        raise RequestNotFound
    reason = OfferStatus.NOT_MET if nobody_there else OfferStatus.HANDED_BACK
    await _mark_offer(session, request.id, volunteer_id, reason)
    news = TaskNews.NOT_MET if nobody_there else TaskNews.HANDED_BACK
    record(session, TaskNewsFor(news, request.id, request.requester_id))
    return await restart_matching(session, request, now, config)


async def _mark_offer(
    session: AsyncSession, request_id: int, volunteer_id: int, status: OfferStatus
) -> None:
    await session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, Offer.volunteer_id == volunteer_id)
        .values(status=status)
    )


async def tasks_of(
    session: AsyncSession, volunteer_id: int, *, limit: int = 10
) -> list[RequestInfo]:
    result = await session.scalars(
        select(HelpRequest)
        .where(HelpRequest.volunteer_id == volunteer_id)
        .order_by(HelpRequest.accepted_at.desc())
        .limit(limit)
    )
    return [plain(RequestInfo, request) for request in result]


async def active_tasks(session: AsyncSession, volunteer_id: int) -> list[RequestInfo]:
    """The tasks a volunteer has taken and not finished, the soonest first ("any day"
    last): what their week holds."""
    result = await session.scalars(
        select(HelpRequest)
        .where(
            HelpRequest.volunteer_id == volunteer_id,
            HelpRequest.status == RequestStatus.MATCHED,
        )
        .order_by(HelpRequest.day.is_(None), HelpRequest.day, HelpRequest.part, HelpRequest.id)
    )
    return [plain(RequestInfo, request) for request in result]


async def hours_this_month(
    session: AsyncSession, volunteer_id: int, now: datetime, timezone: str
) -> float:
    local = now.astimezone(ZoneInfo(timezone))
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    total = await session.scalar(
        select(func.coalesce(func.sum(HelpRequest.hours), 0.0)).where(
            HelpRequest.volunteer_id == volunteer_id,
            HelpRequest.done_at >= month_start,
            HelpRequest.status.in_((RequestStatus.DONE, RequestStatus.CLOSED)),
        )
    )
    return float(total or 0)


async def relay_message(session: AsyncSession, request_id: int, sender: Person, text: str) -> None:
    """Pass `text` to the other side of an active task (neither sees the other's handle);
    nobody else may write."""
    partner = await relay_partner(session, request_id, sender.id)
    record(session, MessageRelayed(request_id, partner.id, sender.first_name or "", text))


async def relay_partner(session: AsyncSession, request_id: int, user_id: int) -> Person:
    """The other side of an active task, for the masked relay; nobody else may write."""
    request = await session.get(HelpRequest, request_id)
    if request is None or request.status not in (RequestStatus.MATCHED, RequestStatus.DONE):
        raise RequestNotFound
    partner_id = {
        request.requester_id: request.volunteer_id,
        request.volunteer_id: request.requester_id,
    }
    other = (
        partner_id.get(user_id) if user_id in (request.requester_id, request.volunteer_id) else None
    )
    partner = await session.get(User, other) if other is not None else None
    if partner is None:
        raise RequestNotFound
    return plain(Person, partner)
