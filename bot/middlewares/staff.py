"""Handlers registered with `flags=STAFF` are for the animators of a place (and admins).
This middleware works out which places the sender runs, refuses everyone else with one
sentence, and hands the handler those places as `places` — so the check is made on
the server for every such command and button, in one place."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.middlewares import Handler
from bot.services.centres.places import managed_places
from bot.views.texts import staff_only

STAFF = {"staff": True}


class StaffOnly(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not get_flag(data, "staff"):
            return await handler(event, data)
        places = await managed_places(
            data["session"], data.get("user"), data.get("is_admin", False)
        )
        if places:
            data["places"] = places
            return await handler(event, data)
        if isinstance(event, CallbackQuery):
            await event.answer(staff_only(), show_alert=True)
        elif isinstance(event, Message):
            await event.answer(staff_only())
        return None
