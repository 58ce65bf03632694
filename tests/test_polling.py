"""The polling loop's bookkeeping (`bot/runtime/polling.py`): an update is confirmed to
Telegram only once it is handled, a slow one holds back only its own confirmation, and
one Telegram gives again while it still runs is not started twice."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiogram.types import Chat, Message, Update

from bot.runtime.polling import InHand
from tests.conftest import TOKEN


def said(number: int, text: str) -> Update:
    message = Message(message_id=number, date=0, chat=Chat(id=1, type="private"), text=text)
    return Update(update_id=number, message=message)


async def test_a_slow_update_holds_back_only_its_own_confirmation() -> None:
    release = asyncio.Event()
    handled: list[str] = []
    dp = Dispatcher()

    async def on_message(message: Message) -> None:
        handled.append(message.text or "")
        if message.text == "slow":
            await release.wait()
        handled.append(f"{message.text} done")

    dp.message.register(on_message)
    in_hand = InHand(dp, Bot(TOKEN), handled_up_to=None)

    in_hand.start([said(7, "slow"), said(8, "quick")])
    await in_hand.settle(0)
    assert handled == ["slow", "quick", "quick done"]
    assert in_hand.offset == 7, "the slow one is not confirmed yet"

    # Telegram gives 7 and 8 again (not confirmed) with a new one.
    in_hand.start([said(7, "slow"), said(8, "quick"), said(9, "new")])
    await in_hand.settle(0)
    assert handled == ["slow", "quick", "quick done", "new", "new done"]
    assert in_hand.offset == 7

    release.set()
    await in_hand.settle(None)
    assert handled[-1] == "slow done"
    assert in_hand.offset == 10, "all confirmed once all are handled"
