"""Drains the outbox into the Bot API within Telegram's limits.

Pacing is done before sending (a spacing limiter), so in normal operation Telegram never
has to answer 429; when it does anyway, `retry_after` pauses everything that long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.statuses import OutboxStatus
from bot.services.messaging import outbox
from bot.services.messaging.outbox import Claimed, Outcome

log = logging.getLogger(__name__)


HEADROOM = 0.97


_retrying: ContextVar[bool] = ContextVar("sasiad_retrying", default=True)


@contextmanager
def without_retries() -> Iterator[None]:
    """Calls made inside leave refusals to the caller: the sender paces and retries
    itself, so the Bot's retry middleware (`bot.middlewares.api_calls`) stands aside."""
    token = _retrying.set(False)
    try:
        yield
    finally:
        _retrying.reset(token)


def retries_allowed() -> bool:
    return _retrying.get()


class Pacer:
    """At most `rate` sends a second overall, and one send per `per_chat` seconds per chat.

    Sends are spaced for 97 % of `rate`: requests leave evenly but reach Telegram with
    varying latency, and at exactly the limit that jitter alone causes 429s.
    """

    def __init__(
        self,
        rate: float,
        per_chat: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / (rate * HEADROOM)
        self.per_chat = per_chat
        self.monotonic = monotonic
        self.sleep = sleep
        self.next_send = 0.0
        self.chat_free: dict[int, float] = {}

    def chat_ready(self, chat_id: int) -> bool:
        return self.chat_free.get(chat_id, 0.0) <= self.monotonic()

    async def wait_turn(self, chat_id: int) -> None:
        now = self.monotonic()
        start = max(now, self.next_send)
        if start > now:
            await self.sleep(start - now)
        self.next_send = start + self.interval
        self.chat_free[chat_id] = start + self.per_chat
        if len(self.chat_free) > 10_000:
            self.chat_free = {c: t for c, t in self.chat_free.items() if t > start}

    def pause(self, seconds: float) -> None:
        self.next_send = max(self.next_send, self.monotonic() + seconds)


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        pacer: Pacer,
        *,
        batch: int = 50,
        lease: timedelta = timedelta(seconds=60),
        idle_seconds: float = 0.5,
    ) -> None:
        self.bot = bot
        self.session_factory = session_factory
        self.clock = clock
        self.pacer = pacer
        self.batch = batch
        self.lease = lease
        self.idle_seconds = idle_seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; the batch in hand is finished, the rest stays queued."""
        while not stop.is_set():
            try:
                sent = await self.drain_once(stop)
            except Exception:
                log.exception("the outbox sender failed; trying again shortly")
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_seconds)

    async def drain_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim one batch and settle every message of it; returns how many were claimed.

        Messages go one at a time and each outcome is committed before the next send, so
        a crash can repeat only the one message Telegram may have taken but we did not
        record. The claim itself covers a batch: one UPDATE for fifty rows."""
        async with self.session_factory() as session:
            claimed = await outbox.claim(session, self.clock(), limit=self.batch, lease=self.lease)
            if not claimed:
                return 0
            await session.commit()
            unreachable = await outbox.blocked_chats(session, [m.chat_id for m in claimed])
            unsent: list[Outcome] = []
            untouched: list[int] = []
            for message in claimed:
                if message.chat_id in unreachable:
                    unsent.append(Outcome(message.id, OutboxStatus.BLOCKED))
                elif stop is not None and stop.is_set():
                    untouched.append(message.id)
                elif not self.pacer.chat_ready(message.chat_id):
                    later = self.clock() + timedelta(seconds=self.pacer.per_chat)
                    unsent.append(Outcome(message.id, OutboxStatus.PENDING, retry_at=later))
                else:
                    await self.pacer.wait_turn(message.chat_id)
                    outcome = await self._send(message)
                    await outbox.record(session, [outcome], self.clock())
                    if outcome.status == OutboxStatus.BLOCKED:
                        await outbox.mark_unreachable(session, message.chat_id, self.clock())
                        unreachable.add(message.chat_id)
                    await session.commit()
            await outbox.record(session, unsent, self.clock())
            await outbox.release(session, untouched)
            await session.commit()
        return len(claimed)

    async def _send(self, message: Claimed) -> Outcome:
        markup = (
            InlineKeyboardMarkup.model_validate_json(message.markup) if message.markup else None
        )
        try:
            with without_retries():
                await self._deliver(message, markup)
        except TelegramRetryAfter as limit:
            self.pacer.pause(limit.retry_after)
            retry = self.clock() + timedelta(seconds=limit.retry_after)
            return Outcome(message.id, OutboxStatus.PENDING, retry_at=retry, error="429")
        except TelegramForbiddenError as refused:
            return Outcome(message.id, OutboxStatus.BLOCKED, error=refused.message)
        except (TelegramServerError, TelegramNetworkError) as trouble:
            return outbox.retry_later(message, self.clock(), str(trouble))
        except TelegramBadRequest as bad:
            log.warning("Telegram refused outbox message %s: %s", message.id, bad.message)
            return Outcome(message.id, OutboxStatus.FAILED, error=bad.message)
        return Outcome(message.id, OutboxStatus.SENT)

    async def _deliver(self, message: Claimed, markup: InlineKeyboardMarkup | None) -> None:
        if message.photo:
            await self.bot.send_photo(
                message.chat_id, message.photo, caption=message.text, reply_markup=markup
            )
        else:
            await self.bot.send_message(message.chat_id, message.text, reply_markup=markup)
