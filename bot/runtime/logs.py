"""Logging set-up. In webhook mode every line is one JSON object carrying the update id
and the Telegram user id of the update being handled, so that replicas' logs can be
joined; message text and names never go into a log line from this code."""

from __future__ import annotations

import json
import logging
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.middlewares import Handler

_update_id: ContextVar[int | None] = ContextVar("update_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


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


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (update_id := _update_id.get()) is not None:
            line["update_id"] = update_id
        if (user_id := _user_id.get()) is not None:
            line["user_id"] = user_id
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str, *, json_lines: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonLines()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # aiogram's own line per update says less than UpdateContext's; one line is enough.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
