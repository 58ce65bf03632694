"""Blocked-bot bookkeeping and the last-resort error handler.

Error handlers run after the per-update middlewares have unwound, so they open
their own session and language context instead of borrowing the update's.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ChatMemberUpdated, ErrorEvent
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.db.unit_of_work import unit_of_work
from bot.filters import Rule
from bot.i18n import guess_language
from bot.services.people.users import set_reachable
from bot.services.plain import Person

log = logging.getLogger(__name__)


def build_router() -> Router:
    router = Router(name=__name__)
    router.my_chat_member.register(on_bot_status_changed, Rule(F.chat.type == "private"))
    router.errors.register(on_forbidden, ExceptionTypeFilter(TelegramForbiddenError))
    router.errors.register(on_unexpected_error)
    return router


def _sender(event: ErrorEvent) -> TelegramUser | None:
    return getattr(event.update.event, "from_user", None)


async def on_bot_status_changed(
    event: ChatMemberUpdated, session: AsyncSession, clock: Clock
) -> None:
    """Telegram tells us when a user blocks (kicked) or unblocks (member) the bot."""
    blocked = event.new_chat_member.status == "kicked"
    await set_reachable(session, event.from_user.id, blocked_at=clock() if blocked else None)


async def on_forbidden(
    event: ErrorEvent, session_factory: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    """Answering someone who blocked the bot: note it so nothing more is sent, and move on."""
    sender = _sender(event)
    if sender is None:
        return
    log.info("user %s has blocked the bot", sender.id)
    async with unit_of_work(session_factory) as session:
        await set_reachable(session, sender.id, blocked_at=clock())


async def on_unexpected_error(
    event: ErrorEvent, bot: Bot, i18n: I18n, settings: Settings, user: Person | None = None
) -> None:
    """Log it, and tell the person that what they saved is safe and they can try again."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    sender = _sender(event)
    if sender is None:
        return
    language = (user.language if user else None) or guess_language(
        sender.language_code, settings.default_language
    )
    with i18n.context(), i18n.use_locale(language):
        text = _(
            "Sorry, something went wrong on our side. What you saved earlier is safe. "
            "Please try again in a moment, or send /cancel to start over."
        )
    try:
        await bot.send_message(sender.id, text)
    except TelegramAPIError:
        log.warning("could not tell user %s about the error", sender.id, exc_info=True)
