"""Last in line: whatever no other handler took gets a clear, friendly answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.filters import Rule
from bot.keyboards import builders as kb
from bot.keyboards import menus
from bot.middlewares.navigation import has_parked
from bot.middlewares.settled import settled_by_now
from bot.middlewares.step_questions import current_question
from bot.services.plain import Person
from bot.views.replies import bot_of, drop_buttons


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(cb_stale)
    router.message.register(msg_in_flow_not_text, ~StateFilter(None), Rule(~F.text))
    router.message.register(msg_in_flow_unexpected, ~StateFilter(None))
    router.message.register(msg_unknown_command, Rule(F.text.startswith("/")))
    router.message.register(msg_not_text, Rule(~F.text))
    router.message.register(msg_unknown_text)
    return router


async def cb_stale(callback: CallbackQuery, state: FSMContext) -> None:
    """A button from an old message, a finished question or a forged press. A button of
    a conversation put aside belongs to its step: the person is offered to go back. A
    second tap on the button that just finished a conversation is told it is done."""
    if await state.get_state() is None and await settled_by_now(callback, state):
        await callback.answer(_("✅ That is done already. Nothing more is needed."))
        return
    await callback.answer(
        _("This button is no longer active. Please use the menu or send /start."), show_alert=True
    )
    await drop_buttons(callback)
    if await state.get_state() is None and await has_parked(state):
        await bot_of(callback).send_message(
            callback.from_user.id,
            _("✋ What you had started is kept. Continue it?"),
            reply_markup=kb.resume_offer(),
        )


async def msg_in_flow_not_text(message: Message) -> None:
    await message.answer(
        _("I can only read text here. Please type your answer, or send /cancel to stop.")
    )


async def msg_in_flow_unexpected(message: Message, state: FSMContext) -> None:
    """Text where a step waits for a button: the question comes again, at the bottom."""
    question = await current_question(state)
    if question is None:
        await message.answer(
            _("Please use the buttons of the last question, or send /cancel to stop.")
        )
        return
    await message.answer(_("Please choose with the buttons below."))
    await message.answer(question.text or "", reply_markup=question.keyboard())


async def msg_unknown_command(message: Message, user: Person | None) -> None:
    await message.answer(
        _("I do not know that command. /help lists what I can do."),
        reply_markup=menus.menu_for(user),
    )


async def msg_not_text(message: Message, user: Person | None) -> None:
    await message.answer(
        _("I can only read text messages and button presses."), reply_markup=menus.menu_for(user)
    )


async def msg_unknown_text(message: Message, user: Person | None) -> None:
    if user is None or not user.has_consented:
        await message.answer(_("Hello! Send /start to begin."))
        return
    await message.answer(
        _("I did not understand that. Please choose from the menu below, or send /help."),
        reply_markup=menus.main_menu(),
    )
