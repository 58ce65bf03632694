"""/privacy, /export and /forget (RODO/GDPR)."""

from __future__ import annotations

import json

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.filters import Asks
from bot.keyboards import builders as kb
from bot.keyboards import menus
from bot.keyboards.callbacks import ForgetCD, PrivacyAction, PrivacyCD
from bot.services.across.privacy import export_user_data, forget_user
from bot.services.centres.places import timezone_of
from bot.services.defaults import language_of
from bot.services.plain import Person
from bot.states import Forget
from bot.views.formatting import local_datetime
from bot.views.replies import bot_of, drop_buttons
from bot.views.texts import privacy_notice


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_privacy, Asks("privacy"))
    router.message.register(cmd_export, Asks("export"))
    router.message.register(cmd_forget, Asks("forget"))
    router.callback_query.register(cb_forget, StateFilter(Forget.confirm), ForgetCD.filter())
    router.callback_query.register(cb_read_more, PrivacyCD.filter(F.action == PrivacyAction.MORE))
    router.callback_query.register(
        cb_export, StateFilter(None), PrivacyCD.filter(F.action == PrivacyAction.EXPORT)
    )
    router.callback_query.register(
        cb_forget_asked, StateFilter(None), PrivacyCD.filter(F.action == PrivacyAction.FORGET)
    )
    return router


async def cmd_privacy(
    message: Message, session: AsyncSession, user: Person | None, settings: Settings
) -> None:
    text = privacy_notice()
    if user is not None and user.consent_at is not None:
        timezone = await timezone_of(session, user.place_id, settings.timezone)
        text += "\n\n" + _("You agreed to this on {date}.").format(
            date=local_datetime(user.consent_at, timezone, language_of(user))
        )
    else:
        text += "\n\n" + _("You have not agreed yet, so nothing but your Telegram id is kept.")
    await message.answer(text, reply_markup=kb.my_data() if user is not None else None)


async def cb_read_more(callback: CallbackQuery) -> None:
    """📖 Read more under the consent question: the whole notice, the question stays."""
    await callback.answer()
    await bot_of(callback).send_message(callback.from_user.id, privacy_notice())


async def cmd_export(
    message: Message, bot: Bot, session: AsyncSession, user: Person | None, clock: Clock
) -> None:
    await _send_export(bot, message.chat.id, session, user, clock)


async def cb_export(
    callback: CallbackQuery, bot: Bot, session: AsyncSession, user: Person | None, clock: Clock
) -> None:
    await callback.answer()
    await _send_export(bot, callback.from_user.id, session, user, clock)


async def _send_export(
    bot: Bot, chat_id: int, session: AsyncSession, user: Person | None, clock: Clock
) -> None:
    if user is None:
        await bot.send_message(chat_id, _("I keep no data about you."))
        return
    data = await export_user_data(session, user, clock())
    document = BufferedInputFile(
        json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), filename="sasiad-data.json"
    )
    await bot.send_document(
        chat_id, document, caption=_("This is everything Sąsiad keeps about you.")
    )


async def cmd_forget(message: Message, bot: Bot, user: Person | None, state: FSMContext) -> None:
    await _ask_forget(bot, message.chat.id, user, state)


async def cb_forget_asked(
    callback: CallbackQuery, bot: Bot, user: Person | None, state: FSMContext
) -> None:
    await callback.answer()
    await _ask_forget(bot, callback.from_user.id, user, state)


async def _ask_forget(bot: Bot, chat_id: int, user: Person | None, state: FSMContext) -> None:
    if user is None:
        await bot.send_message(chat_id, _("I keep no data about you."))
        return
    await state.set_state(Forget.confirm)
    await bot.send_message(
        chat_id,
        _(
            "This deletes everything Sąsiad keeps about you: your name, language, place "
            "and roles. It cannot be undone. Are you sure?"
        ),
        reply_markup=kb.forget_confirm(),
    )


async def cb_forget(
    callback: CallbackQuery,
    callback_data: ForgetCD,
    bot: Bot,
    session: AsyncSession,
    user: Person | None,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    await state.clear()
    if callback_data.confirm and user is not None:
        await forget_user(session, user, clock(), settings.matching())
    await callback.answer()
    await drop_buttons(callback)
    if not callback_data.confirm:
        await bot.send_message(
            callback.from_user.id, _("Nothing was deleted."), reply_markup=menus.menu_for(user)
        )
        return
    await bot.send_message(
        callback.from_user.id,
        _("Your data has been deleted. Goodbye! If you ever come back, just send /start."),
        reply_markup=ReplyKeyboardRemove(),
    )
