"""Lets shutdown wait for updates still being handled.

On SIGTERM aiogram stops polling and closes the Bot API session straight away, while
handlers it started as tasks may still be sending their replies. Waiting for them
here (in the Dispatcher's shutdown hook, which runs before the session is closed)
means a restart never swallows an answer half-way through.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.middlewares import Handler

log = logging.getLogger(__name__)


class InFlight(BaseMiddleware):
    def __init__(self, grace_seconds: float = 30) -> None:
        self.grace_seconds = grace_seconds
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._running += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Give unfinished updates `grace_seconds` to finish."""
        try:
            await asyncio.wait_for(self._idle.wait(), self.grace_seconds)
        except TimeoutError:
            log.warning("stopped with %d update(s) still being handled", self._running)
