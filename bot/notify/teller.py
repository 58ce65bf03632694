"""The unit of work's teller: what services recorded as happened
(`bot.services.happened`) → messages in each person's language → the outbox, in the
use case's own transaction (`bot.db.unit_of_work`). One place decides how each fact is
told; no handler or job delivers anything itself."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.unit_of_work import Teller
from bot.notify.delivery import deliver, tell_task_news, tell_verified
from bot.notify.event_notices import tell_promotion
from bot.services.happened import Promotion, TaskNewsFor, VolunteerVerified
from bot.services.offers import Escalation, MatchingOutcome, OfferSent


def teller(i18n: I18n, clock: Clock, settings: Settings) -> Teller:
    async def tell(session: AsyncSession, happened: Sequence[object]) -> None:
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
                if isinstance(fact, TaskNewsFor):
                    await tell_task_news(i18n, session, clock, fact)
                elif isinstance(fact, VolunteerVerified):
                    await tell_verified(i18n, session, clock, fact)
                elif isinstance(fact, Promotion):
                    await tell_promotion(i18n, session, clock, settings, fact)
                else:
                    raise TypeError(f"nobody knows how to tell {fact!r}")

    return tell


def _is_matching(fact: object) -> bool:
    return isinstance(fact, OfferSent | Escalation)
