"""/cancel (every state), /help and /language."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import publish_chat_commands
from bot.config import LANGUAGES
from bot.filters import Asks, HasConsented
from bot.keyboards import builders as kb
from bot.keyboards import menus
from bot.keyboards.callbacks import BackCD, CancelCD, LanguageCD, ResumeCD
from bot.middlewares.navigation import parked_of, swap_with_parked
from bot.middlewares.step_questions import ask_again, step_back
from bot.services.centres.invites import is_animator
from bot.services.defaults import language_of
from bot.services.messaging.announcements import discard_drafts
from bot.services.people.users import set_language
from bot.services.plain import Person
from bot.states import CANCELLED_WHAT, TEXT_STEPS, Onboarding, group_of
from bot.views.replies import bot_of, drop_buttons, edit_or_send
from bot.views.texts import stale_button


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_cancel, Asks("cancel"))
    router.callback_query.register(cb_cancel, CancelCD.filter())
    router.message.register(cmd_help, Asks("help"))
    router.callback_query.register(cb_resume, ResumeCD.filter())
    router.callback_query.register(cb_back, BackCD.filter())
    router.message.register(cmd_language, Asks("language"), HasConsented())
    router.callback_query.register(
        cb_language, StateFilter(None), HasConsented(), LanguageCD.filter()
    )
    return router


async def _cancel(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    user: Person | None,
    *,
    pressed: bool = False,
    discarded: int = 0,
) -> None:
    """`pressed`: ✖️ Cancel under a question that keeps no conversation (hours, rating,
    language): nothing needed cancelling, and nothing changed. `discarded`: announcements
    being prepared that /cancel dropped."""
    current = await state.get_state()
    await state.clear()
    if current is None and discarded:
        text = _("The announcement you were preparing is discarded. Nothing was sent.")
    elif current is None:
        text = (
            _("Fine, nothing was changed.")
            if pressed
            else _("There is nothing to cancel right now.")
        )
    else:
        text = str(CANCELLED_WHAT.get(group_of(current), _("Cancelled.")))
        if group_of(current) == Onboarding.__full_group_name__ and not (
            user is not None and user.has_consented
        ):
            text += " " + _("Send /start whenever you want to begin again.")
    await bot.send_message(chat_id, text, reply_markup=menus.menu_for(user))


async def cmd_cancel(
    message: Message, bot: Bot, state: FSMContext, user: Person | None, session: AsyncSession
) -> None:
    """Typed /cancel stops everything under way, including an announcement whose text is
    written and whose "Send now" is still on the screen: nobody should have to wonder
    whether a stray tap will send it after all."""
    discarded = await discard_drafts(session, user.id) if user is not None else 0
    await _cancel(bot, message.chat.id, state, user, discarded=discarded)


async def cb_cancel(
    callback: CallbackQuery, bot: Bot, state: FSMContext, user: Person | None
) -> None:
    await callback.answer()
    await drop_buttons(callback)
    await _cancel(bot, callback.from_user.id, state, user, pressed=True)


async def cb_resume(
    callback: CallbackQuery, callback_data: ResumeCD, state: FSMContext, user: Person | None
) -> None:
    """Go back to the conversation a menu tap put aside (the current one, if any, is put
    aside in its place), or drop it."""
    parked = parked_of(state)
    step = await parked.get_state()
    await drop_buttons(callback)
    if step is None:
        await callback.answer(_("Nothing is kept any more."), show_alert=True)
        return
    await callback.answer()
    if not callback_data.keep:
        await parked.clear()
        text = str(CANCELLED_WHAT.get(group_of(step), _("Cancelled.")))
        await bot_of(callback).send_message(
            callback.from_user.id, text, reply_markup=menus.menu_for(user)
        )
        return
    await swap_with_parked(state)
    if await ask_again(bot_of(callback), callback.from_user.id, state):
        return
    if step in TEXT_STEPS:
        text = _("↩️ Let us go on. Please type your answer to the question above.")
    else:
        text = _("↩️ Let us go on. Please use the buttons of the question above.")
    await bot_of(callback).send_message(callback.from_user.id, text)


async def cb_back(callback: CallbackQuery, callback_data: BackCD, state: FSMContext) -> None:
    """⬅️ Back: the step before, its question again in place of this one; every answer
    given so far is kept. A second tap on the same Back is answered and does nothing."""
    question = await step_back(state, callback_data.depth)
    if question is None:
        await callback.answer(stale_button())
        return
    await callback.answer()
    await edit_or_send(callback, question.text or "", question.keyboard())


async def cmd_help(
    message: Message, user: Person | None, is_admin: bool, session: AsyncSession
) -> None:
    """A few lines and the menu: every feature is a button (the commands, for those who
    like them, are in Telegram's own command menu)."""
    text = _(
        "<b>Sąsiad helps neighbours help each other.</b>\n\n"
        "🙋 ask for help · 🤝 help others · 📅 events · 💡 propose an initiative.\n"
        "☰ More: your requests, tasks, sign-ups, groups, reminders, language and your data.\n"
        "✖️ Cancel (or /cancel) stops what you are doing, at any moment."
    )
    if is_admin or (user is not None and await is_animator(session, user.id)):
        text += "\n" + _("🧭 The team's tools are under ☰ More.")
    await message.answer(text, reply_markup=menus.menu_for(user))


async def cmd_language(message: Message, user: Person) -> None:
    await message.answer(
        _("Which language do you prefer?"), reply_markup=kb.languages(language_of(user))
    )


async def cb_language(
    callback: CallbackQuery,
    callback_data: LanguageCD,
    bot: Bot,
    session: AsyncSession,
    user: Person,
    i18n: I18n,
    is_admin: bool,
) -> None:
    if callback_data.code not in LANGUAGES:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    await set_language(session, user, callback_data.code)
    i18n.current_locale = callback_data.code
    await drop_buttons(callback)
    await bot.send_message(
        user.telegram_id,
        _("Done: I will speak {language} from now on.").format(
            language=kb.LANGUAGE_NAMES[callback_data.code]
        ),
        reply_markup=menus.main_menu(),
    )
    if is_admin or await is_animator(session, user.id):
        await publish_chat_commands(
            bot, i18n, user.telegram_id, admin=is_admin, language=callback_data.code
        )
