"""One unit of work per update: committed when the handler returns, rolled back if it
raises (`bot.db.unit_of_work`). Handlers also get the `notifier` that services use to
tell people what happened, writing into the same session."""

from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.unit_of_work import unit_of_work
from bot.middlewares import Handler
from bot.notify.delivery import OutboxNotifier


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with unit_of_work(self.session_factory) as session:
            data["session"] = session
            data["notifier"] = OutboxNotifier(data["i18n"], session, data["clock"])
            return await handler(event, data)
