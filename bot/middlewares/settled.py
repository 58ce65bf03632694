"""A double tap on the button that finished a conversation is told it is done.

The press that ends a conversation ("Send the request", "Submit") clears it, so a
second tap on the same button, a moment later, finds no step and would hear "this
button is no longer active" — which a neighbour can read as "it did not work" and send
the request again. The press that ends a conversation notes its message as settled; a
later press on that message hears that it is done already (`bot.handlers.fallback`).
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.middlewares import Handler

SETTLED = "settled_message"


class SettledPresses(BaseMiddleware):
    """Press level: after the handler, a conversation this press ended notes its message."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        result = await handler(event, data)
        state: FSMContext | None = data.get("state")
        if (
            state is not None
            and data.get("raw_state") is not None
            and isinstance(event, CallbackQuery)
            and isinstance(event.message, Message)
            and await state.get_state() is None
        ):
            await state.update_data({SETTLED: event.message.message_id})
        return result


async def settled_by_now(callback: CallbackQuery, state: FSMContext) -> bool:
    """The pressed message is the one whose press ended the last conversation."""
    if not isinstance(callback.message, Message):
        return False
    return (await state.get_data()).get(SETTLED) == callback.message.message_id
