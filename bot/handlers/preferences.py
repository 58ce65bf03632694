"""/settings: which reminders and digests a person wants."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import Asks, HasConsented
from bot.keyboards.callbacks import SettingCD
from bot.keyboards.grid import InlineGrid
from bot.services.people.users import set_preference
from bot.services.plain import Person
from bot.views.replies import reply_to_callback
from bot.views.texts import stale_button


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_settings, Asks("settings"), HasConsented())
    router.callback_query.register(cb_setting, HasConsented(), SettingCD.filter())
    return router


def _view(user: Person) -> tuple[str, InlineKeyboardMarkup]:
    def state(on: bool) -> str:
        return _("on") if on else _("off")

    text = _(
        "⚙️ <b>Settings</b>\n⏰ Reminders before your tasks: {reminders}\n"
        "🗓 Weekly digest of requests near you: {digest}"
    ).format(reminders=state(user.task_reminders), digest=state(user.weekly_digest))
    text += "\n" + _("📣 Announcements from your place: {state}").format(
        state=state(user.announcements)
    )
    builder = InlineGrid()
    builder.button(
        text=_("Turn reminders off") if user.task_reminders else _("Turn reminders on"),
        callback_data=SettingCD(name="task_reminders", on=not user.task_reminders),
    )
    builder.button(
        text=_("Turn the digest off") if user.weekly_digest else _("Turn the digest on"),
        callback_data=SettingCD(name="weekly_digest", on=not user.weekly_digest),
    )
    builder.button(
        text=_("Turn announcements off") if user.announcements else _("Turn announcements on"),
        callback_data=SettingCD(name="announcements", on=not user.announcements),
    )
    return text, builder.adjust(1).as_markup()


async def cmd_settings(message: Message, user: Person) -> None:
    text, markup = _view(user)
    await message.answer(text, reply_markup=markup)


async def cb_setting(
    callback: CallbackQuery, callback_data: SettingCD, session: AsyncSession, user: Person
) -> None:
    try:
        user = await set_preference(session, user, callback_data.name, callback_data.on)
    except ValueError:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    await reply_to_callback(callback)(*_view(user))
