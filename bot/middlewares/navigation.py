"""Navigation always wins over text, and a conversation put aside is kept.

The rule, the same in every flow: while a step waits (for typed text or for a button),
a main-menu label or a command is never taken as the answer. The tapped feature runs
at once; the unfinished conversation (its step and everything typed so far) is put
aside under a second storage key, and one line under the feature's answer offers
"↩️ Continue" or "✖️ Discard it". Continuing swaps it back. /cancel and /help work
inside a step without leaving it.

`ConversationContext` also lets the call middlewares see the update's conversation
(`WayOutButton` puts ✖️ Cancel on every question that waits for typed text).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.keyboards import builders as kb
from bot.keyboards import menus
from bot.middlewares import Handler
from bot.states import Onboarding, group_of

PARKED = "parked"
# Commands that work inside a step and leave it where it is.
IN_PLACE_COMMANDS = frozenset({"cancel", "help"})

_conversation: ContextVar[FSMContext | None] = ContextVar("sasiad_conversation", default=None)


def current_conversation() -> FSMContext | None:
    return _conversation.get()


class ConversationContext(BaseMiddleware):
    """Update-level: remembers the update's FSMContext for the rest of the update."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        token = _conversation.set(data.get("state"))
        try:
            return await handler(event, data)
        finally:
            _conversation.reset(token)


def parked_of(state: FSMContext) -> FSMContext:
    """The conversation put aside by a menu tap: same chat, its own storage key."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=PARKED))


async def swap_with_parked(state: FSMContext) -> None:
    """Exchange the current conversation with the one put aside."""
    parked = parked_of(state)
    coming, coming_data = await parked.get_state(), await parked.get_data()
    going, going_data = await state.get_state(), await state.get_data()
    await parked.set_state(going)
    await parked.set_data(going_data if going is not None else {})
    await state.set_state(coming)
    await state.set_data(coming_data if coming is not None else {})


async def park(state: FSMContext, step: str) -> None:
    """Put the current conversation aside (replacing one put aside earlier)."""
    parked = parked_of(state)
    await parked.set_state(step)
    await parked.set_data(await state.get_data())
    await state.clear()


async def has_parked(state: FSMContext) -> bool:
    return await parked_of(state).get_state() is not None


def leaves_the_step(said: menus.Said) -> bool:
    if said.command is not None:
        return said.command not in IN_PLACE_COMMANDS
    return said.button is not None and said.button is not menus.MENU_HELP


class NavigationMiddleware(BaseMiddleware):
    """Message-level, after the locale is known (menu labels are compared in it). It
    reads what the message says once (`said`, for the `Asks` and `Tapped` filters)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Message):
            return await handler(event, data)
        data["said"] = said = menus.read(event.text, event.caption)
        state: FSMContext | None = data.get("state")
        current: str | None = data.get("raw_state")
        if (
            state is None
            or current is None
            or group_of(current) == Onboarding.__full_group_name__
            or not leaves_the_step(said)
        ):
            return await handler(event, data)
        await park(state, current)
        data["raw_state"] = None
        result = await handler(event, data)
        await event.answer(
            _("✋ What you had started is kept. Continue it?"), reply_markup=kb.resume_offer()
        )
        return result
