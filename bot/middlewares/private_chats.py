"""Sąsiad talks to each person one to one, never in a group.

Everything it says is someone's own: their requests and addresses, their menu, the
file /export sends. Someone who adds the bot to the neighbourhood's group chat and
types /start there must not have that shown to the whole group. So in any chat that is
not private nothing runs: a command (the only thing a bot in privacy mode sees there
besides replies to it) gets one line pointing to the private chat, a button under an
old message in such a chat gets the same line as an alert, and everything else is
left alone, as a polite guest in a group would.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.middlewares import Handler


def _only_in_private() -> str:
    return _("I talk with each neighbour one to one. Please write to me in a private chat.")


class PrivateChatsOnly(BaseMiddleware):
    """Message and press level, first: nothing of a group's messages reaches a handler."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None or chat.type == ChatType.PRIVATE:
            return await handler(event, data)
        if isinstance(event, CallbackQuery):
            await event.answer(_only_in_private(), show_alert=True)
        elif isinstance(event, Message) and (event.text or "").startswith("/"):
            await event.reply(_only_in_private())
        return None
