"""Chooses the language of each reply, and the moment it is read at."""

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import I18nMiddleware

from bot.i18n import guess_language
from bot.middlewares import Handler
from bot.services.plain import Person
from bot.views.formatting import reading_at

# Before consent the chosen language may live only in the conversation state.
FSM_LANGUAGE_KEY = "language"


class UserLocaleMiddleware(I18nMiddleware):
    """Stored language, then the one picked during onboarding, then Telegram's, then Polish.
    Dates in the replies are read at the update's clock (this year's without the year)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        with reading_at(data["clock"]()):
            return await super().__call__(handler, event, data)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: Person | None = data.get("user")
        if user is not None and user.language:
            return user.language
        state: FSMContext | None = data.get("state")
        if state is not None:
            picked = (await state.get_data()).get(FSM_LANGUAGE_KEY)
            if picked:
                return str(picked)
        tg_user: TelegramUser | None = data.get("event_from_user")
        settings = data["settings"]
        return guess_language(tg_user.language_code if tg_user else None, settings.default_language)
