"""/cancel (every state), /help and /language."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import publish_chat_commands
from bot.config import LANGUAGES
from bot.db.models import User
from bot.filters import HasConsented, Rule
from bot.keyboards import builders as kb
from bot.keyboards.callbacks import BackCD, CancelCD, LanguageCD, ResumeCD
from bot.middlewares.navigation import parked_of, swap_with_parked
from bot.middlewares.step_questions import ask_again, step_back
from bot.services.invites import is_animator
from bot.services.users import set_language
from bot.states import CANCELLED_WHAT, TEXT_STEPS, Onboarding, group_of
from bot.views.replies import drop_buttons, edit_or_send


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_cancel, Command("cancel"))
    router.callback_query.register(cb_cancel, CancelCD.filter())
    router.message.register(cmd_help, Command("help"))
    router.message.register(cmd_help, Rule(F.text == kb.MENU_HELP))
    router.callback_query.register(cb_resume, ResumeCD.filter())
    router.callback_query.register(cb_back, BackCD.filter())
    router.message.register(cmd_language, Command("language"), HasConsented())
    router.message.register(
        cmd_language, StateFilter(None), HasConsented(), Rule(F.text == kb.MENU_LANGUAGE)
    )
    router.callback_query.register(
        cb_language, StateFilter(None), HasConsented(), LanguageCD.filter()
    )
    return router


async def _cancel(
    bot: Bot, chat_id: int, state: FSMContext, user: User | None, *, pressed: bool = False
) -> None:
    """`pressed`: ✖️ Cancel under a question that keeps no conversation (hours, rating,
    language): nothing needed cancelling, and nothing changed."""
    current = await state.get_state()
    await state.clear()
    if current is None:
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
    await bot.send_message(chat_id, text, reply_markup=kb.menu_for(user))


async def cmd_cancel(message: Message, bot: Bot, state: FSMContext, user: User | None) -> None:
    await _cancel(bot, message.chat.id, state, user)


async def cb_cancel(
    callback: CallbackQuery, bot: Bot, state: FSMContext, user: User | None
) -> None:
    await callback.answer()
    await drop_buttons(callback)
    await _cancel(bot, callback.from_user.id, state, user, pressed=True)


async def cb_resume(
    callback: CallbackQuery, callback_data: ResumeCD, state: FSMContext, user: User | None
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
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=kb.menu_for(user))
        return
    await swap_with_parked(state)
    if await ask_again(callback.bot, callback.from_user.id, state):
        return
    if step in TEXT_STEPS:
        text = _("↩️ Let us go on. Please type your answer to the question above.")
    else:
        text = _("↩️ Let us go on. Please use the buttons of the question above.")
    await callback.bot.send_message(callback.from_user.id, text)


async def cb_back(callback: CallbackQuery, callback_data: BackCD, state: FSMContext) -> None:
    """⬅️ Back: the step before, its question again in place of this one; every answer
    given so far is kept. A second tap on the same Back is answered and does nothing."""
    question = await step_back(state, callback_data.depth)
    if question is None:
        await callback.answer(_("This button is no longer active."))
        return
    await callback.answer()
    await edit_or_send(callback, question.text or "", question.keyboard())


async def cmd_help(
    message: Message, user: User | None, is_admin: bool, session: AsyncSession
) -> None:
    parts = [
        _(
            "<b>Sąsiad helps neighbours help each other.</b>\n\n"
            "/start – start, or show the menu\n"
            "/request – ask neighbours for help; /requests – your requests\n"
            "/profile – your volunteer profile; /tasks – tasks you took on\n"
            "/pause and /resume – a break from volunteering\n"
            "/language – change the language\n"
            "/privacy – what data is kept and who sees it\n"
            "/export – get all your data as a file\n"
            "/forget – delete your data\n"
            "/cancel – stop what you are doing, at any moment"
        ),
        _(
            "<b>Events:</b>\n"
            "/events – what is coming up at your place; /myevents – your sign-ups\n"
            "/propose – propose an idea; /myideas – where your ideas stand\n"
            "/groups – interest groups you can join"
        ),
    ]
    if is_admin or (user is not None and await is_animator(session, user.id)):
        parts.append(_("/newevent – publish an event; /managegroups – edit interest groups"))
        parts.append(_("/announce – send an announcement; /poster – a poster with a QR code"))
        parts.append(
            _(
                "<b>For animators:</b>\n"
                "/panel – requests waiting for you, verification\n"
                "/intake – a request for someone without Telegram\n"
                "/stats – statistics and a CSV table\n"
                "/myplaces – the places you run"
            )
        )
    if is_admin:
        parts.append(
            _(
                "<b>For administrators:</b>\n"
                "/places – all places\n"
                "/addplace – add a place\n"
                "/invite – invite an animator to a place"
            )
        )
    await message.answer("\n\n".join(parts), reply_markup=kb.menu_for(user))


async def cmd_language(message: Message, user: User) -> None:
    await message.answer(
        _("Which language do you prefer?"), reply_markup=kb.languages(user.language or "pl")
    )


async def cb_language(
    callback: CallbackQuery,
    callback_data: LanguageCD,
    bot: Bot,
    session: AsyncSession,
    user: User,
    i18n: I18n,
    is_admin: bool,
) -> None:
    if callback_data.code not in LANGUAGES:
        await callback.answer(_("This button is no longer active."), show_alert=True)
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
        reply_markup=kb.main_menu(),
    )
    if is_admin or await is_animator(session, user.id):
        await publish_chat_commands(
            bot, i18n, user.telegram_id, admin=is_admin, language=callback_data.code
        )
