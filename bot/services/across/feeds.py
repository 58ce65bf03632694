"""Calendar feeds, as plain data: a person's private feed (their tasks, with the
address, and their sign-ups) behind a secret address, and a centre's public feed of
its published events (no personal data). `initiatives/calendar.py` writes them out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CalendarFeed, Event, HelpRequest, Occurrence, Place, Signup, User
from bot.db.statuses import ACTIVE_SIGNUP, EventStatus, RequestStatus, SignupStatus
from bot.services.centres.places import district_name
from bot.services.initiatives.agenda import Dated
from bot.services.plain import Person, PlaceInfo, RequestInfo, plain

# How long an entry stays in a feed after its date: a calendar keeps the recent past.
KEPT_AFTER = timedelta(days=30)
TOKEN_BYTES = 16  # 128 bits
# What a subscribed calendar shows of a task: taken, done, or called off.
TASK_STATES = (
    RequestStatus.MATCHED,
    RequestStatus.DONE,
    RequestStatus.CLOSED,
    RequestStatus.CANCELLED,
)
# Events a feed may show: public ones (a proposal is not public before approval).
PUBLIC_EVENTS = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


@dataclass(frozen=True)
class FeedTask:
    request: RequestInfo
    timezone: str
    district: str | None


@dataclass(frozen=True)
class FeedDate:
    item: Dated
    place: PlaceInfo
    waiting: bool


async def feed_token(session: AsyncSession, user_id: int, now: datetime) -> str:
    """The person's secret feed address (made on first use)."""
    feed = await session.get(CalendarFeed, user_id)
    if feed is None:
        return await renew_feed_token(session, user_id, now)
    return feed.token


async def renew_feed_token(session: AsyncSession, user_id: int, now: datetime) -> str:
    """A new secret address; the old one stops working at once (a link shared by
    mistake is withdrawn this way)."""
    feed = await session.get(CalendarFeed, user_id)
    token = secrets.token_hex(TOKEN_BYTES)
    if feed is None:
        session.add(CalendarFeed(user_id=user_id, token=token, created_at=now))
    else:
        feed.token, feed.created_at = token, now
    await session.flush()
    return token


async def feed_owner(session: AsyncSession, token: str) -> Person | None:
    user = await session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token == token)
    )
    return plain(Person, user) if user is not None else None


async def personal_feed(
    session: AsyncSession, user_id: int, now: datetime
) -> tuple[list[FeedTask], list[FeedDate]]:
    """The person's dated tasks and sign-ups from a month ago on."""
    since = now - KEPT_AFTER
    tasks = await session.execute(
        select(HelpRequest, Place.timezone)
        .join(Place, Place.id == HelpRequest.place_id)
        .where(
            HelpRequest.volunteer_id == user_id,
            HelpRequest.status.in_(TASK_STATES),
            HelpRequest.day >= since.date(),
        )
        .order_by(HelpRequest.day, HelpRequest.id)
    )
    found = [
        FeedTask(
            plain(RequestInfo, request),
            timezone,
            await district_name(session, request.district_id),
        )
        for request, timezone in tasks
    ]
    dates = await session.execute(
        select(Occurrence, Event, Place, Signup.status)
        .join(Event, Event.id == Occurrence.event_id)
        .join(Place, Place.id == Event.place_id)
        .join(Signup, Signup.occurrence_id == Occurrence.id)
        .where(
            Signup.user_id == user_id,
            Signup.status.in_(ACTIVE_SIGNUP),
            Event.status.in_(PUBLIC_EVENTS),
            Occurrence.starts_at >= since,
        )
        .order_by(Occurrence.starts_at)
    )
    signed = [
        FeedDate(
            Dated.of(occurrence, event), plain(PlaceInfo, place), status == SignupStatus.WAITING
        )
        for occurrence, event, place, status in dates
    ]
    return found, signed


async def place_feed(
    session: AsyncSession, slug: str, now: datetime
) -> tuple[PlaceInfo, list[Dated]] | None:
    """A centre's public events from a month ago on; None for an unknown centre."""
    place = await session.scalar(select(Place).where(Place.slug == slug.lower()))
    if place is None:
        return None
    rows = await session.execute(
        select(Occurrence, Event)
        .join(Event, Event.id == Occurrence.event_id)
        .where(
            Event.place_id == place.id,
            Event.status.in_(PUBLIC_EVENTS),
            Occurrence.starts_at >= now - KEPT_AFTER,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    return plain(PlaceInfo, place), [Dated.of(occurrence, event) for occurrence, event in rows]
