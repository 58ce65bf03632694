"""One log line per update, and the update's ids for the JSON lines of everything logged
while it is handled (`bot.runtime.log_lines`)."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.middlewares import Handler
from bot.runtime.log_lines import update_id as _update_id
from bot.runtime.log_lines import user_id as _user_id

log = logging.getLogger(__name__)


class UpdateContext(BaseMiddleware):
    """Puts the update's ids where the log formatter finds them, for its whole handling,
    and logs one line per update: its kind and how long it took."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        update_token = _update_id.set(event.update_id if isinstance(event, Update) else None)
        user_token = _user_id.set(user.id if user is not None else None)
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            kind = event.event_type if isinstance(event, Update) else type(event).__name__
            log.info("%s handled in %.0f ms", kind, (time.perf_counter() - started) * 1000)
            _update_id.reset(update_token)
            _user_id.reset(user_token)
