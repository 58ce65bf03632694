"""Per-user flood control with separate budgets for typed messages and button presses.

A senior tapping a button twice, or a volunteer filling the 21-button weekly grid, is
not flooding, so presses get a larger budget (60 in 10 s) than messages (20 in 10 s);
the limits guard the database from scripts and stuck keys. Nobody is dropped silently:
a refused press always gets a short answer on the button, and a refused message gets
a warning once each time the wait starts anew.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import ngettext

from bot.middlewares import Handler


class Budget:
    """At most `limit` events per `window` seconds for each user."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._quiet_until: dict[int, float] = {}

    def wait(self, user_id: int, now: float) -> float | None:
        """Seconds until the user may go on, or None (and the event counts) within it."""
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) < self.limit:
            stamps.append(now)
            return None
        return self.window - (now - stamps[0])

    def should_warn(self, user_id: int, now: float, wait: float) -> bool:
        """Once per wait: the next refusal after it has passed is warned about again."""
        if now < self._quiet_until.get(user_id, 0.0):
            return False
        self._quiet_until[user_id] = now + wait
        return True


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(
        self,
        *,
        max_updates: int,
        max_presses: int,
        window_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.messages = Budget(max_updates, window_seconds)
        self.presses = Budget(max_presses, window_seconds)
        self.monotonic = monotonic

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TelegramUser | None = data.get("event_from_user")
        if tg_user is None:
            return await handler(event, data)
        now = self.monotonic()
        budget = self.presses if isinstance(event, CallbackQuery) else self.messages
        wait = budget.wait(tg_user.id, now)
        if wait is None:
            return await handler(event, data)
        seconds = max(1, math.ceil(wait))
        text = ngettext(
            "Too many messages at once. Please wait {seconds} second and try again.",
            "Too many messages at once. Please wait {seconds} seconds and try again.",
            seconds,
        ).format(seconds=seconds)
        if isinstance(event, CallbackQuery) or (
            isinstance(event, Message) and budget.should_warn(tg_user.id, now, wait)
        ):
            await event.answer(text)
        return None
