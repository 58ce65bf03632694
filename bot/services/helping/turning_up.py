"""Confirm or release: before an accepted task the volunteer is asked once whether they
still come. "Yes" settles it; "I can't" hands the task back at once (not a no-show);
no answer within `within` (and never later than two hours before) lets a standby wave
be asked while the volunteer keeps the task, until a standby accepts (they take it over)
or the volunteer confirms (the standby offers lapse).

The timeline is in docs/matching.md ("Confirm or release").
Worked out from the database each tick, like the reminders, so a restart loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import HelpRequest, Offer, Place, User
from bot.db.statuses import OfferStatus, RequestStatus
from bot.services.helping.matching import rank_volunteers
from bot.services.helping.offers import (
    MatchingConfig,
    MatchingOutcome,
    offer_wave,
    start_in,
)
from bot.services.messaging.quiet import NIGHTS, QuietHours
from bot.services.plain import Need, Person, RequestInfo, plain

LATEST_STANDBY_BEFORE = timedelta(hours=2)


@dataclass(frozen=True)
class ConfirmConfig:
    before: timedelta = timedelta(hours=24)
    within: timedelta = timedelta(minutes=180)
    quiet: QuietHours = NIGHTS


@dataclass(frozen=True)
class Question:
    """ "Are you still coming?" for `volunteer`, about `request` starting at `starts`,
    to go out at `asked_at` (later than now in quiet hours)."""

    request: RequestInfo
    volunteer: Person
    starts: datetime
    asked_at: datetime


# A task whose volunteer has not said "yes, I'll be there" (yet).
UNSETTLED = (HelpRequest.status == RequestStatus.MATCHED, HelpRequest.coming_at.is_(None))


def _with_volunteer(
    *conditions: ColumnElement[bool],
) -> Select[HelpRequest, User, str]:
    return (
        select(HelpRequest, User, Place.timezone)
        .join(User, User.id == HelpRequest.volunteer_id)
        .join(Place, Place.id == HelpRequest.place_id)
        .where(*UNSETTLED, *conditions)
    )


async def _dated(
    session: AsyncSession, now: datetime, horizon: timedelta, *conditions: ColumnElement[bool]
) -> list[tuple[HelpRequest, User, datetime, str]]:
    """Unsettled tasks dated from yesterday to `horizon` ahead, their volunteer, when they
    start and the place's time zone. The day is the place's local date, so a day of
    slack on either side of the UTC one covers every zone; tasks long past (never called
    done) or far ahead are not read at all."""
    window = HelpRequest.day.between(
        (now - timedelta(days=1)).date(), (now + horizon + timedelta(days=1)).date()
    )
    rows = await session.execute(_with_volunteer(window, *conditions))
    return [
        (request, volunteer, start_in(request.day, request.part, timezone), timezone)
        for request, volunteer, timezone in rows
        if request.day is not None
    ]


async def due_questions(
    session: AsyncSession, now: datetime, config: ConfirmConfig
) -> list[Question]:
    """Questions to ask now, each marked asked in the same transaction (so once). In
    quiet hours a question waits for the morning (unless the task is near), and the
    time to answer counts from when it goes out."""
    due = []
    for request, volunteer, start, tz in await _dated(
        session, now, config.before, HelpRequest.coming_asked_at.is_(None)
    ):
        accepted = request.accepted_at or request.created_at
        moment = start - config.before
        if not moment <= now < start or accepted >= moment:
            continue  # not yet, too late, or accepted after the moment: they just said yes
        request.coming_asked_at = config.quiet.release_at(now, tz, start)
        due.append(
            Question(
                plain(RequestInfo, request),
                plain(Person, volunteer),
                start,
                request.coming_asked_at,
            )
        )
    await session.flush()
    return due


async def confirm_coming(
    session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
) -> bool:
    """The volunteer will be there: the task is settled and standby offers lapse.
    False when the task is no longer theirs."""
    confirmed = await changed_rows(
        session,
        update(HelpRequest)
        .where(
            HelpRequest.id == request_id,
            HelpRequest.volunteer_id == volunteer_id,
            HelpRequest.status == RequestStatus.MATCHED,
        )
        .values(coming_at=now),
    )
    if confirmed != 1:
        await session.flush()
        return False
    await session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.TAKEN)
    )
    await session.flush()
    return True


async def ask_standbys(
    session: AsyncSession, now: datetime, config: ConfirmConfig, matching: MatchingConfig
) -> MatchingOutcome:
    """For each question left unanswered past its time, one wave of standby offers
    (outside quiet hours unless the task is near, like any wave)."""
    outcome = MatchingOutcome()
    waiting = (HelpRequest.coming_asked_at.is_not(None), HelpRequest.standby_at.is_(None))
    for request, _volunteer, start, tz in await _dated(session, now, config.before, *waiting):
        assert request.coming_asked_at is not None
        deadline = min(request.coming_asked_at + config.within, start - LATEST_STANDBY_BEFORE)
        if not deadline <= now < start:
            continue
        if config.quiet.release_at(now, tz, start) > now:
            continue
        request.standby_at = now
        candidates = await rank_volunteers(
            session, Need.of(request), now, limit=matching.wave_size, fitting_only=True
        )
        if candidates:
            outcome.extend(await offer_wave(session, request, candidates, now, matching))
    await session.flush()
    return outcome


async def unconfirmed(
    session: AsyncSession, place_ids: list[int], limit: int
) -> list[tuple[RequestInfo, Person]]:
    """Tasks at these centres whose volunteer was asked and has not said yes yet, with
    the volunteer: the animator may want to call them."""
    rows = await session.execute(
        _with_volunteer(
            HelpRequest.place_id.in_(place_ids), HelpRequest.coming_asked_at.is_not(None)
        )
        .order_by(HelpRequest.day, HelpRequest.part, HelpRequest.id)
        .limit(limit)
    )
    return [
        (plain(RequestInfo, request), plain(Person, volunteer))
        for request, volunteer, _timezone in rows
    ]
