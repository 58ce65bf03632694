"""One unit of work per update: committed when the handler returns, rolled back if it
raises (`bot.db.unit_of_work`). What the services record as happened is told by the
unit's teller (`bot.notify.teller`), in the same session, before each commit.

An update Telegram gives again after a crash is handled once (`bot.db.update_log`): one
that ran to its end before is skipped, one that did not is handled now."""

import logging
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.unit_of_work import unit_of_work
from bot.db.update_log import handled_before, log_when_complete
from bot.middlewares import Handler
from bot.notify.teller import teller

log = logging.getLogger(__name__)
# Set to False by whoever feeds updates that cannot have come before (the polling loop,
# for ids above the highest one handled); a webhook's updates always may have.
MAY_BE_AGAIN = "may_be_again"


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = data.get("event_chat")
        tell = teller(
            data["i18n"], data["clock"], data["settings"], chat.id if chat is not None else None
        )
        async with unit_of_work(self.session_factory, tell) as session:
            if isinstance(event, Update):
                if data.get(MAY_BE_AGAIN, True) and await handled_before(session, event.update_id):
                    log.info("update %s was handled before the restart; skipped", event.update_id)
                    return None
                log_when_complete(session, event.update_id, data["clock"]())
            data["session"] = session
            return await handler(event, data)
