"""Long polling that confirms an update to Telegram only once it is handled.

aiogram's own polling asks for the next updates, and so confirms the ones in hand, as
soon as it has started handling them: after a kill -9, a crash or a power cut, a press
or a message that was being handled at that moment is gone, and the neighbour who
pressed "I will help" hears nothing. Here each batch Telegram gives is handled (its
updates side by side) before the next `getUpdates` confirms it, so whatever was in hand
comes again after a restart; `bot.db.update_log` then skips the updates of that batch
that had already run to their end. A batch is as large as what arrived while the one
before was handled, so under load the batches grow and the updates in them still run
side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from contextlib import suppress

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import DeleteWebhook, GetUpdates
from aiogram.types import Update

from bot.middlewares.database import MAY_BE_AGAIN

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 30
# After a failed getUpdates: 1, 2, 4 ... at most 30 s, back to 1 once one succeeds.
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0


async def poll(dp: Dispatcher, bot: Bot, allowed_updates: list[str], stop: asyncio.Event) -> None:
    """Until `stop` is set; the batch in hand is finished first, then confirmed."""
    await _without_webhook(bot)
    offset: int | None = None
    pause = FIRST_PAUSE
    while not stop.is_set():
        asking = GetUpdates(
            offset=offset, timeout=LONG_POLL_SECONDS, allowed_updates=allowed_updates
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
        # Only the first batch after a start can hold updates handled before it.
        first = offset is None
        await asyncio.gather(*(_handle(dp, bot, update, again=first) for update in updates))
        if updates:
            offset = updates[-1].update_id + 1
    if offset is not None:
        await _confirm(bot, offset)


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
