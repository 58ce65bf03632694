"""Permission filters. They read what the middlewares loaded, never the client's claims."""

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from bot.db.models import User


class IsAdmin(Filter):
    async def __call__(self, event: TelegramObject, is_admin: bool = False) -> bool:
        return is_admin


class HasConsented(Filter):
    async def __call__(self, event: TelegramObject, user: User | None = None) -> bool:
        return user is not None and user.has_consented
