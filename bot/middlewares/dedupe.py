"""Telegram redelivers a webhook update when the answer was an error or came too late,
possibly to another replica. The first replica to claim an `update_id` handles it; a
claim is given back if handling fails, so that the redelivery gets its turn."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.middlewares import Handler

log = logging.getLogger(__name__)
# Telegram keeps an undelivered update for 24 hours; after that it cannot come again.
REMEMBER_SECONDS = 24 * 3600

if TYPE_CHECKING:
    from redis.asyncio import Redis  # only webhook replicas use Redis


class UpdateClaims(Protocol):
    async def claim(self, update_id: int) -> bool: ...

    async def release(self, update_id: int) -> None: ...


class MemoryClaims:
    """One process (polling, or a single webhook replica without Redis)."""

    def __init__(self, remember: int = 10_000) -> None:
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._remember = remember

    async def claim(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return True

    async def release(self, update_id: int) -> None:
        self._seen.pop(update_id, None)


class RedisClaims:
    """Shared by every replica: SET NX is atomic, so exactly one claim succeeds."""

    def __init__(self, redis: Redis, bot_id: int) -> None:
        self._redis = redis
        self._prefix = f"sasiad:update:{bot_id}:"

    async def claim(self, update_id: int) -> bool:
        return bool(
            await self._redis.set(f"{self._prefix}{update_id}", 1, nx=True, ex=REMEMBER_SECONDS)
        )

    async def release(self, update_id: int) -> None:
        await self._redis.delete(f"{self._prefix}{update_id}")


class DedupeMiddleware(BaseMiddleware):
    def __init__(self, claims: UpdateClaims) -> None:
        self.claims = claims

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if not await self.claims.claim(event.update_id):
            log.info("update already claimed (a redelivery); skipped")
            return None
        try:
            return await handler(event, data)
        except BaseException:
            await self.claims.release(event.update_id)
            raise
