"""Long polling that confirms an update to Telegram only once it is handled.

aiogram's own polling asks for the next updates, and so confirms the ones in hand, as
soon as it has started handling them: after a kill -9, a crash or a power cut, a press
or a message that was being handled at that moment is gone, and the neighbour who
pressed "I will help" hears nothing. Here the offset sent with `getUpdates` stops at the
oldest update still being handled, so whatever was in hand comes again after a restart,
and `bot.db.update_log` skips what had already run to its end. Updates run side by side
as before; the loop waits for them at most `PATIENCE_SECONDS` before asking for more, so
one slow update (a reply waiting out a 429) holds back only its own confirmation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from contextlib import suppress
from functools import partial

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import DeleteWebhook, GetUpdates
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.unit_of_work import unit_of_work
from bot.db.update_log import newest_handled
from bot.middlewares.database import MAY_BE_AGAIN

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 30
# How long the loop waits for the updates in hand before asking for more.
PATIENCE_SECONDS = 1.0
# On the way out, how long updates still running may take; what is not done by then is
# not confirmed, so Telegram gives it again after the restart.
SHUTDOWN_GRACE_SECONDS = 30.0
# After a failed getUpdates: 1, 2, 4 ... at most 30 s, back to 1 once one succeeds.
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0


async def poll(
    dp: Dispatcher,
    bot: Bot,
    allowed_updates: list[str],
    stop: asyncio.Event,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Until `stop` is set; what is in hand is finished first, then confirmed."""
    await _without_webhook(bot)
    async with unit_of_work(session_factory) as session:
        in_hand = InHand(dp, bot, handled_up_to=await newest_handled(session))
    pause = FIRST_PAUSE
    while not stop.is_set():
        asking = GetUpdates(
            offset=in_hand.offset,
            # While an update is still running Telegram answers at once anyway (it is not
            # confirmed), and `settle` paces the loop.
            timeout=0 if in_hand.running else LONG_POLL_SECONDS,
            allowed_updates=allowed_updates,
        )
        # Wait longer than Telegram holds the long poll, or every quiet minute would fail.
        waiting = int(bot.session.timeout + LONG_POLL_SECONDS)
        try:
            updates = await _unless_stopped(bot(asking, request_timeout=waiting), stop)
        except Exception as error:
            log.warning("getUpdates failed (%s); trying again in %.0f s", error, pause)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
            pause = min(pause * 2, LONGEST_PAUSE)
            continue
        pause = FIRST_PAUSE
        if updates is None:
            break
        in_hand.start(updates)
        await in_hand.settle(PATIENCE_SECONDS)
    await in_hand.settle(SHUTDOWN_GRACE_SECONDS)
    if in_hand.offset is not None:
        await _confirm(bot, in_hand.offset)


class InHand:
    """The updates started and not yet confirmed. The offset sent to Telegram stops at
    the oldest one still running, so it comes again if the process dies; those after it
    that are done are remembered, so they are not started twice when Telegram gives
    them again meanwhile."""

    def __init__(self, dp: Dispatcher, bot: Bot, handled_up_to: int | None) -> None:
        self.dp, self.bot = dp, bot
        # Update ids only grow: above this one, none can have been handled before.
        self.handled_up_to = handled_up_to
        self.running: dict[int, asyncio.Task[None]] = {}
        self.started: set[int] = set()
        self.offset: int | None = None

    def start(self, updates: list[Update]) -> None:
        for update in updates:
            number = update.update_id
            if number in self.started:
                continue
            self.started.add(number)
            again = self.handled_up_to is not None and number <= self.handled_up_to
            task = asyncio.create_task(_handle(self.dp, self.bot, update, again=again))
            self.running[number] = task
            task.add_done_callback(partial(self._finished, number))

    def _finished(self, number: int, _task: asyncio.Task[object]) -> None:
        self.running.pop(number, None)

    async def settle(self, patience: float | None) -> None:
        """Wait for what runs (at most `patience` seconds), then move the offset on:
        one slow update (a reply waiting out a 429) does not hold up everyone else's."""
        if self.running:
            await asyncio.wait(list(self.running.values()), timeout=patience)
        if self.running:
            self.offset = min(self.running)
        elif self.started:
            self.offset = max(self.started) + 1
        if self.offset is not None:
            self.started = {number for number in self.started if number >= self.offset}


async def _without_webhook(bot: Bot) -> None:
    """Telegram refuses getUpdates while a webhook is set (one left from webhook mode)."""
    try:
        await bot(DeleteWebhook(drop_pending_updates=False))
    except TelegramAPIError as error:
        log.info("could not remove a webhook (%s); polling anyway", error)


async def _unless_stopped(
    asking: Awaitable[list[Update]], stop: asyncio.Event
) -> list[Update] | None:
    """The updates, or None when `stop` is set while waiting for them."""
    fetch = asyncio.ensure_future(asking)
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if fetch in done:
        stopping.cancel()
        return fetch.result()
    fetch.cancel()
    with suppress(asyncio.CancelledError, Exception):
        await fetch
    return None


async def _handle(dp: Dispatcher, bot: Bot, update: Update, *, again: bool) -> None:
    """One update; a failure is logged (the error handlers have told the person) and
    does not hold up the others."""
    try:
        await dp.feed_update(bot, update, **{MAY_BE_AGAIN: again})
    except Exception:
        log.exception("update %s failed", update.update_id)


async def _confirm(bot: Bot, offset: int) -> None:
    """On the way out, tell Telegram what is handled, so a restart starts after it."""
    try:
        await bot(GetUpdates(offset=offset, timeout=0, limit=1))
    except Exception as error:
        log.info("could not confirm the last updates on the way out (%s)", error)
