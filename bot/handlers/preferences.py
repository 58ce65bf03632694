"""/settings: which reminders a person wants."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.filters import HasConsented
from bot.keyboards.callbacks import SettingCD
from bot.services.users import set_task_reminders
from bot.views.replies import reply_to_callback

REMINDERS = "reminders"


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_settings, Command("settings"), HasConsented())
    router.callback_query.register(
        cb_setting, HasConsented(), SettingCD.filter(F.name == REMINDERS)
    )
    return router


def _view(user: User) -> tuple[str, InlineKeyboardMarkup]:
    state = _("on") if user.task_reminders else _("off")
    text = _("⚙️ <b>Settings</b>\n⏰ Reminders before your tasks: {state}").format(state=state)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Turn reminders off") if user.task_reminders else _("Turn reminders on"),
        callback_data=SettingCD(name=REMINDERS, on=not user.task_reminders),
    )
    return text, builder.as_markup()


async def cmd_settings(message: Message, user: User) -> None:
    text, markup = _view(user)
    await message.answer(text, reply_markup=markup)


async def cb_setting(
    callback: CallbackQuery, callback_data: SettingCD, session: AsyncSession, user: User
) -> None:
    await set_task_reminders(session, user, callback_data.on)
    await callback.answer()
    await reply_to_callback(callback)(*_view(user))
