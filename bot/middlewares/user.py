"""Loads the stored user (or None) and whether they are a configured admin."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.config import Settings
from bot.services.users import get_user


class UserMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        settings: Settings = data["settings"]
        data["user"] = await get_user(data["session"], tg_user.id) if tg_user else None
        data["is_admin"] = tg_user is not None and tg_user.id in settings.admin_ids
        return await handler(event, data)
