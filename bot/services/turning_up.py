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

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Offer, User
from bot.services.matching import rank_volunteers
from bot.services.offers import MatchingConfig, MatchingOutcome, offer_wave, starts_at
from bot.services.statuses import OfferStatus, RequestStatus

LATEST_STANDBY_BEFORE = timedelta(hours=2)


@dataclass(frozen=True)
class ConfirmConfig:
    before: timedelta = timedelta(hours=24)
    within: timedelta = timedelta(minutes=180)


@dataclass(frozen=True)
class Question:
    """ "Are you still coming?" for `volunteer`, about `request` starting at `starts`."""

    request: HelpRequest
    volunteer: User
    starts: datetime


async def _unsettled(session: AsyncSession) -> list[tuple[HelpRequest, User]]:
    rows = await session.execute(
        select(HelpRequest, User)
        .join(User, User.id == HelpRequest.volunteer_id)
        .where(
            HelpRequest.status == RequestStatus.MATCHED,
            HelpRequest.day.is_not(None),
            HelpRequest.coming_at.is_(None),
        )
    )
    return [(request, volunteer) for request, volunteer in rows]


async def due_questions(
    session: AsyncSession, now: datetime, config: ConfirmConfig
) -> list[Question]:
    """Questions to ask now, each marked asked in the same transaction (so once)."""
    due = []
    for request, volunteer in await _unsettled(session):
        if request.coming_asked_at is not None:
            continue
        start = await starts_at(session, request)
        accepted = request.accepted_at or request.created_at
        if start is None or not (start - config.before <= now < start):
            continue
        if accepted >= start - config.before:
            continue  # accepted after the moment: they have just said yes
        request.coming_asked_at = now
        due.append(Question(request, volunteer, start))
    await session.flush()
    return due


async def confirm_coming(
    session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
) -> bool:
    """The volunteer will be there: the task is settled and standby offers lapse.
    False when the task is no longer theirs."""
    confirmed = await session.execute(
        update(HelpRequest)
        .where(
            HelpRequest.id == request_id,
            HelpRequest.volunteer_id == volunteer_id,
            HelpRequest.status == RequestStatus.MATCHED,
        )
        .values(coming_at=now)
    )
    if confirmed.rowcount != 1:
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
    """For each question left unanswered past its time, one wave of standby offers."""
    outcome = MatchingOutcome()
    for request, _volunteer in await _unsettled(session):
        if request.coming_asked_at is None or request.standby_at is not None:
            continue
        start = await starts_at(session, request)
        if start is None or now >= start:
            continue
        deadline = min(request.coming_asked_at + config.within, start - LATEST_STANDBY_BEFORE)
        if now < deadline:
            continue
        request.standby_at = now
        candidates = await rank_volunteers(
            session, request, now, limit=matching.wave_size, fitting_only=True
        )
        if candidates:
            outcome.extend(await offer_wave(session, request, candidates, now, matching))
    await session.flush()
    return outcome


async def unconfirmed(
    session: AsyncSession, place_ids: list[int], limit: int
) -> list[tuple[HelpRequest, User]]:
    """Tasks at these centres whose volunteer was asked and has not said yes yet, with
    the volunteer: the animator may want to call them."""
    rows = await session.execute(
        select(HelpRequest, User)
        .join(User, User.id == HelpRequest.volunteer_id)
        .where(
            HelpRequest.place_id.in_(place_ids),
            HelpRequest.status == RequestStatus.MATCHED,
            HelpRequest.coming_asked_at.is_not(None),
            HelpRequest.coming_at.is_(None),
        )
        .order_by(HelpRequest.day, HelpRequest.part, HelpRequest.id)
        .limit(limit)
    )
    return [(request, volunteer) for request, volunteer in rows]
