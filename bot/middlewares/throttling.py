"""Per-user flood control: past the limit, one friendly warning, then silence until it passes.

A senior tapping a button twice is not flooding, so the default allows 20
updates in 10 seconds; the limit guards the database from scripts and stuck keys.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import ngettext


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(
        self,
        *,
        max_updates: int,
        window_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_updates = max_updates
        self.window = window_seconds
        self.monotonic = monotonic
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def _retry_after(self, user_id: int) -> float | None:
        """Seconds until the user may send again, or None when within the limit."""
        now = self.monotonic()
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) < self.max_updates:
            stamps.append(now)
            self._warned.discard(user_id)
            return None
        return self.window - (now - stamps[0])

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        if tg_user is None:
            return await handler(event, data)
        wait = self._retry_after(tg_user.id)
        if wait is None:
            return await handler(event, data)
        seconds = max(1, math.ceil(wait))
        text = ngettext(
            "Too many messages at once. Please wait {seconds} second and try again.",
            "Too many messages at once. Please wait {seconds} seconds and try again.",
            seconds,
        ).format(seconds=seconds)
        if isinstance(event, CallbackQuery):
            await event.answer(text, show_alert=True)
        elif isinstance(event, Message) and tg_user.id not in self._warned:
            await event.answer(text)
        self._warned.add(tg_user.id)
        return None
