"""A restart (SIGTERM) while an update is being handled still delivers its reply:
the Dispatcher's shutdown waits for handlers before the Bot API session is closed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod

from tests.harness import Harness, Person


async def test_shutdown_waits_for_the_reply_in_flight(
    harness: Harness, anna: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    telegram_answers = asyncio.Event()
    reply_started = asyncio.Event()
    answer = harness.session.make_request

    async def slow_telegram(bot: Bot, method: TelegramMethod[Any], **options: Any) -> Any:
        if isinstance(method, SendMessage):
            reply_started.set()
            await telegram_answers.wait()
        return await answer(bot, method, **options)

    monkeypatch.setattr(harness.session, "make_request", slow_telegram)
    handling = asyncio.create_task(harness.send(anna, "/start"))
    async with asyncio.timeout(10):
        await reply_started.wait()
    shutdown = asyncio.create_task(harness.dp.emit_shutdown(bot=harness.bot))
    for _ in range(10):
        await asyncio.sleep(0)
    assert not shutdown.done(), "shutdown went on while a reply was still being sent"
    telegram_answers.set()
    async with asyncio.timeout(10):
        sent = await handling
        await shutdown
    assert any(isinstance(method, SendMessage) for method in sent)
