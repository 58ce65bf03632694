"""Log lines: plain, or one JSON object a line carrying the update id and the Telegram
user id of the update being handled (set by `bot.runtime.logs.UpdateContext`), so that
replicas' logs can be joined; message text and names never go into a line from this
code. Nothing here imports aiogram: the one-off commands log through it too."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

update_id: ContextVar[int | None] = ContextVar("update_id", default=None)
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (update := update_id.get()) is not None:
            line["update_id"] = update
        if (user := user_id.get()) is not None:
            line["user_id"] = user
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
