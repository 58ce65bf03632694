"""Sends what the matching services decided (offers, escalations) in each recipient's
language. Sending goes straight to the Bot API for now; the durable outbox of the
scheduler issue will take its place behind `send_notice`."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import HelpRequest
from bot.keyboards import volunteering as vkb
from bot.services.offers import MatchingOutcome, Recipient
from bot.services.users import set_reachable
from bot.views.requests import summary

log = logging.getLogger(__name__)


async def send_notice(
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Send one message the bot starts on its own; a blocked bot is noted, not raised."""
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        await set_reachable(session, chat_id, blocked_at=clock())
        return False
    except TelegramAPIError:
        log.warning("could not send a notice to %s", chat_id, exc_info=True)
        return False
    return True


async def deliver(
    bot: Bot,
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    outcome: MatchingOutcome,
    default_language: str = "pl",
) -> None:
    for sent in outcome.offers:
        request = await session.get(HelpRequest, sent.request_id)
        if request is None:
            continue
        with i18n.context(), i18n.use_locale(_language(sent.volunteer, default_language)):
            text = _("🙋 A neighbour needs help. Can you do it?") + "\n\n"
            text += await summary(session, request, address=False)
            markup = vkb.offer(sent.offer_id)
        await send_notice(bot, session, clock, sent.volunteer.telegram_id, text, markup)
    for escalation in outcome.escalations:
        request = await session.get(HelpRequest, escalation.request_id)
        if request is None:
            continue
        for animator in escalation.animators:
            with i18n.context(), i18n.use_locale(_language(animator, default_language)):
                text = _("⚠️ Nobody has taken this request yet. Please find someone:") + "\n\n"
                text += await summary(session, request, address=False)
                markup = vkb.candidates(request.id)
            await send_notice(bot, session, clock, animator.telegram_id, text, markup)


def _language(recipient: Recipient, default: str) -> str:
    return recipient.language or default
