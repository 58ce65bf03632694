"""The unit of work's teller: what services recorded as happened
(`bot.services.happened`) → messages in each person's language → the outbox, in the
use case's own transaction (`bot.db.unit_of_work`). This table is the one place that
says how each fact is told; no handler or job delivers anything itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.unit_of_work import Teller, when_complete
from bot.notify.delivery import deliver, tell_relayed, tell_task_news, tell_verified
from bot.notify.event_notices import (
    announce_published,
    cancellation,
    confirm_page_signup,
    decision_to_proposer,
    proposal_to_animators,
    tell_promotion,
)
from bot.services.happened import (
    EventPublished,
    MessageRelayed,
    OccurrenceCancelled,
    Promotion,
    ProposalDecided,
    ProposalSubmitted,
    SignedUpOnPage,
    TaskNewsFor,
    VolunteerVerified,
)
from bot.services.helping.offers import Escalation, MatchingOutcome, OfferSent
from bot.services.messaging import outbox


@dataclass(frozen=True)
class _Telling:
    i18n: I18n
    clock: Clock
    settings: Settings


Tell = Callable[[_Telling, AsyncSession, Any], Awaitable[None]]

HOW: dict[type, Tell] = {
    TaskNewsFor: lambda t, s, fact: tell_task_news(t.i18n, s, t.clock, fact),
    VolunteerVerified: lambda t, s, fact: tell_verified(t.i18n, s, t.clock, fact),
    MessageRelayed: lambda t, s, fact: tell_relayed(t.i18n, s, t.clock, fact),
    Promotion: lambda t, s, fact: tell_promotion(t.i18n, s, t.clock, t.settings, fact),
    EventPublished: lambda t, s, fact: announce_published(t.i18n, s, t.clock, t.settings, fact),
    ProposalSubmitted: lambda t, s, fact: proposal_to_animators(
        t.i18n, s, t.clock, t.settings, fact
    ),
    ProposalDecided: lambda t, s, fact: decision_to_proposer(t.i18n, s, t.clock, fact),
    OccurrenceCancelled: lambda t, s, fact: cancellation(t.i18n, s, t.clock, t.settings, fact),
    SignedUpOnPage: lambda t, s, fact: confirm_page_signup(t.i18n, s, t.clock, fact),
}


# How long notices for the person an update answers wait for that update's end at most
# (after a crash they go this much later, no more).
REPLY_FIRST = timedelta(seconds=30)


def teller(i18n: I18n, clock: Clock, settings: Settings, replying_to: int | None = None) -> Teller:
    """`replying_to`: the chat of the person the update answers. What it queues for them
    waits for the update's end, so their own reply ("🎉 Thank you!") comes before the
    offers it led to, not after them."""
    telling = _Telling(i18n, clock, settings)

    async def tell(session: AsyncSession, happened: Sequence[object]) -> None:
        since = clock()
        await _tell(session, happened)
        if replying_to is not None:
            await _reply_first(session, replying_to, since)

    async def _reply_first(session: AsyncSession, chat_id: int, since: datetime) -> None:
        until = clock() + REPLY_FIRST
        await outbox.hold(session, chat_id, since, until)
        held = session.info.get(_HELD)
        if held is None:
            held = session.info[_HELD] = []

            async def release(last: AsyncSession) -> None:
                await outbox.release_held(last, chat_id, held, clock())

            when_complete(session, release)
        held.append(until)

    async def _tell(session: AsyncSession, happened: Sequence[object]) -> None:
        # In the order recorded; a run of offers and escalations (one wave) is queued
        # with one statement.
        for matching, run in groupby(happened, key=_is_matching):
            facts = list(run)
            if matching:
                outcome = MatchingOutcome(
                    offers=[f for f in facts if isinstance(f, OfferSent)],
                    escalations=[f for f in facts if isinstance(f, Escalation)],
                )
                await deliver(i18n, session, clock, outcome, settings.default_language)
                continue
            for fact in facts:
                how = HOW.get(type(fact))
                if how is None:
                    raise TypeError(f"nobody knows how to tell {fact!r}")
                await how(telling, session, fact)

    return tell


# The moments this unit held notices until; its last commit lets them all go.
_HELD = "sasiad_reply_first"


def _is_matching(fact: object) -> bool:
    return isinstance(fact, OfferSent | Escalation)
