"""Loads the stored user (or None) and whether they are a configured admin."""

from dataclasses import replace
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser

from bot.config import Settings
from bot.middlewares import Handler
from bot.services.people.users import person_with_telegram_id, set_reachable


class UserMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        settings: Settings = data["settings"]
        user = await person_with_telegram_id(data["session"], tg_user.id) if tg_user else None
        if user is not None and user.blocked_at is not None and not _bot_status_change(event):
            # Any update from someone who had blocked the bot means they are back.
            await set_reachable(data["session"], user.telegram_id, blocked_at=None)
            user = replace(user, blocked_at=None)
        data["user"] = user
        data["is_admin"] = tg_user is not None and tg_user.id in settings.admin_ids
        return await handler(event, data)


def _bot_status_change(event: TelegramObject) -> bool:
    return isinstance(event, Update) and event.my_chat_member is not None
