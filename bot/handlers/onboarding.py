"""/start: language → consent → what brings you here → place → district → menu.

The place and district steps also serve "📍 My place" and poster deep links.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.commands import publish_chat_commands
from bot.config import LANGUAGES, Settings
from bot.filters import Asks, HasConsented, Tapped
from bot.handlers.profile import render_summary
from bot.i18n import guess_language
from bot.keyboards import builders as kb
from bot.keyboards import menus
from bot.keyboards.callbacks import (
    ConsentCD,
    DistrictCD,
    IntentCD,
    LanguageCD,
    PlaceCD,
    PlacePageCD,
    PlacePurpose,
)
from bot.middlewares import Handler
from bot.middlewares.locale import FSM_LANGUAGE_KEY
from bot.services.across.privacy import forget_user
from bot.services.centres.invites import INVITE_PREFIX, redeem_invite
from bot.services.centres.places import get_place, get_place_by_slug, list_places
from bot.services.errors import DistrictNotInPlace, InviteInvalid, PlaceNotFound
from bot.services.people.profiles import ensure_profile
from bot.services.people.users import (
    Intent,
    give_consent,
    register_contact,
    set_home_place,
    set_intent,
)
from bot.services.plain import Person, PlaceInfo, PlaceWithDistricts
from bot.states import ChangePlace, Onboarding
from bot.views.replies import (
    Reply,
    bot_of,
    drop_buttons,
    reply_to_callback,
    reply_to_message,
    reply_to_message_in,
    sender_of,
)
from bot.views.texts import privacy_short, stale_button

PLACE_PREFIX = "place-"
PLACES_PER_PAGE = 8
PENDING_INVITE = "invite"
PENDING_PLACE = "place_slug"
CHOSEN_PLACE = "place_id"


@dataclass
class Step:
    """What every onboarding step needs, gathered once per update."""

    reply: Reply
    bot: Bot
    session: AsyncSession
    user: Person
    state: FSMContext
    clock: Clock
    i18n: I18n
    is_admin: bool

    async def in_onboarding(self) -> bool:
        current = await self.state.get_state()
        return current is not None and current.startswith(Onboarding.__full_group_name__)


class StepMiddleware(BaseMiddleware):
    """Gathers what every step needs into one `step` argument (for known users)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: Person | None = data.get("user")
        reply: Reply | None = None
        if isinstance(event, CallbackQuery):
            reply = reply_to_callback(event)
        elif isinstance(event, Message):
            reply = reply_to_message(event)
        if user is not None and reply is not None:
            data["step"] = Step(
                reply,
                data["bot"],
                data["session"],
                user,
                data["state"],
                data["clock"],
                data["i18n"],
                data["is_admin"],
            )
        return await handler(event, data)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StepMiddleware())
    router.callback_query.middleware(StepMiddleware())
    home = PlacePurpose.HOME
    router.message.register(cmd_start, CommandStart())
    router.message.register(begin_onboarding, Asks("language"), ~HasConsented())
    router.callback_query.register(
        cb_onboarding_language, StateFilter(Onboarding.language), LanguageCD.filter()
    )
    router.callback_query.register(cb_consent, StateFilter(Onboarding.consent), ConsentCD.filter())
    router.callback_query.register(cb_intent, StateFilter(Onboarding.intent), IntentCD.filter())
    router.callback_query.register(
        cb_place_page,
        StateFilter(Onboarding.place, ChangePlace.place),
        PlacePageCD.filter(F.purpose == home),
    )
    router.callback_query.register(
        cb_change_place, StateFilter(None), HasConsented(), PlacePageCD.filter(F.purpose == home)
    )
    router.callback_query.register(
        cb_home_place,
        StateFilter(Onboarding.place, ChangePlace.place),
        PlaceCD.filter(F.purpose == home),
    )
    router.callback_query.register(
        cb_district, StateFilter(Onboarding.district, ChangePlace.district), DistrictCD.filter()
    )
    router.message.register(msg_my_place, HasConsented(), Tapped(menus.MENU_MY_PLACE))
    router.message.register(msg_expects_button, StateFilter(Onboarding, ChangePlace))
    return router


async def cmd_start(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
    step: Step | None = None,
) -> None:
    payload = (command.args or "").strip()
    await state.clear()
    if step is None or not step.user.has_consented:
        await begin_onboarding(message, session, state, settings, clock, payload)
    elif payload.startswith(INVITE_PREFIX):
        team = await _redeem(step, payload.removeprefix(INVITE_PREFIX))
        await _welcome_to_the_team(step, team)
    elif payload.startswith(PLACE_PREFIX):
        await offer_poster_place(step, payload.removeprefix(PLACE_PREFIX))
    else:
        await message.answer(
            _("Welcome back, {name}! Choose what you need from the menu below.").format(
                name=display_name(step.user)
            ),
            reply_markup=menus.main_menu(),
        )


async def begin_onboarding(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
    payload: str = "",
) -> None:
    """Newcomers start with the language; a poster's place or an invite waits in the state."""
    await register_contact(session, sender_of(message).id, clock())
    await state.set_state(Onboarding.language)
    if payload.startswith(INVITE_PREFIX):
        await state.update_data({PENDING_INVITE: payload.removeprefix(INVITE_PREFIX)})
    elif payload.startswith(PLACE_PREFIX):
        await state.update_data({PENDING_PLACE: payload.removeprefix(PLACE_PREFIX)})
    await ask_language(reply_to_message(message), sender_of(message).language_code, settings)


async def ask_language(reply: Reply, language_code: str | None, settings: Settings) -> None:
    guessed = guess_language(language_code, settings.default_language)
    await reply(
        _(
            "👋 Hello! I am Sąsiad, the neighbourhood helper of your community centre.\n\n"
            "Which language do you prefer?"
        ),
        kb.languages(guessed),
    )


async def _ask_consent(reply: Reply) -> None:
    await reply(
        privacy_short()
        + "\n\n"
        + _("Do you agree that we keep this data to connect you with your neighbours?"),
        kb.consent(),
    )


async def _ask_intent(reply: Reply) -> None:
    await reply(_("Thank you! What brings you to Sąsiad?"), kb.intents())


async def _ask_place(reply: Reply, session: AsyncSession, page: int, note: str = "") -> bool:
    """Show the place list; False when there is no place to choose from."""
    places = await list_places(session, page=page, per_page=PLACES_PER_PAGE)
    if not places.places:
        return False
    question = _("Which community centre is closest to you?")
    await reply(f"{note}\n{question}" if note else question, kb.places(places, PlacePurpose.HOME))
    return True


async def _ask_district(reply: Reply, place: PlaceWithDistricts) -> None:
    await reply(
        _("Which part of the neighbourhood of {place} do you live in?").format(
            place=escape(place.name)
        ),
        kb.districts(place.districts),
    )


async def cb_onboarding_language(
    callback: CallbackQuery, callback_data: LanguageCD, state: FSMContext, i18n: I18n
) -> None:
    if callback_data.code not in LANGUAGES:
        await callback.answer(stale_button(), show_alert=True)
        return
    await state.update_data({FSM_LANGUAGE_KEY: callback_data.code})
    await state.set_state(Onboarding.consent)
    i18n.current_locale = callback_data.code
    await callback.answer()
    await _ask_consent(reply_to_callback(callback))


async def cb_consent(
    callback: CallbackQuery,
    callback_data: ConsentCD,
    session: AsyncSession,
    user: Person | None,
    state: FSMContext,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
) -> None:
    await callback.answer()
    if not callback_data.agree:
        if user is not None:
            await forget_user(session, user, clock(), settings.matching())
        await state.clear()
        await reply_to_callback(callback)(
            _(
                "That is fine. Nothing about you has been kept. "
                "If you change your mind, send /start."
            ),
            None,
        )
        return
    if user is None:
        user = await register_contact(session, callback.from_user.id, clock())
    language = (await state.get_data()).get(FSM_LANGUAGE_KEY) or i18n.current_locale
    await give_consent(
        session, user, first_name=callback.from_user.first_name, language=language, now=clock()
    )
    await state.set_state(Onboarding.intent)
    await _ask_intent(reply_to_callback(callback))


async def cb_intent(
    callback: CallbackQuery,
    callback_data: IntentCD,
    state: FSMContext,
    step: Step | None = None,
) -> None:
    await callback.answer()
    if step is None or callback_data.intent not in {i.value for i in Intent}:
        await expire_question(callback, state)
        return
    step.user = await set_intent(step.session, step.user, Intent(callback_data.intent))
    slug = (await state.get_data()).get(PENDING_PLACE)
    place = await get_place_by_slug(step.session, slug) if slug else None
    if place is not None:
        await choose_place(step, place)
        return
    await state.set_state(Onboarding.place)
    note = _("I could not find the place from that poster link.") if slug else ""
    if not await _ask_place(step.reply, step.session, page=0, note=note):
        await finish_onboarding(step, _("No community centre has joined Sąsiad yet."))


async def cb_place_page(
    callback: CallbackQuery, callback_data: PlacePageCD, session: AsyncSession
) -> None:
    await callback.answer()
    if not await _ask_place(reply_to_callback(callback), session, page=callback_data.page):
        await reply_to_callback(callback)(_("No community centre has joined Sąsiad yet."), None)


async def cb_change_place(
    callback: CallbackQuery,
    callback_data: PlacePageCD,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    await state.set_state(ChangePlace.place)
    await cb_place_page(callback, callback_data, session)


async def cb_home_place(
    callback: CallbackQuery,
    callback_data: PlaceCD,
    session: AsyncSession,
    step: Step | None = None,
) -> None:
    place = await get_place(session, callback_data.place_id)
    if step is None or place is None:
        await callback.answer(_("That place is no longer available."), show_alert=True)
        await _ask_place(reply_to_callback(callback), session, page=0)
        return
    await callback.answer()
    await choose_place(step, place)


async def choose_place(step: Step, place: PlaceWithDistricts) -> None:
    """With districts: ask which one. Without: the place is settled."""
    if place.districts:
        await step.state.update_data({CHOSEN_PLACE: place.id})
        onboarding = await step.in_onboarding()
        await step.state.set_state(Onboarding.district if onboarding else ChangePlace.district)
        await _ask_district(step.reply, place)
        return
    step.user = await set_home_place(step.session, step.user, place_id=place.id, district_id=None)
    await _place_settled(step, place)


async def cb_district(
    callback: CallbackQuery,
    callback_data: DistrictCD,
    session: AsyncSession,
    state: FSMContext,
    step: Step | None = None,
) -> None:
    place = await get_place(session, (await state.get_data()).get(CHOSEN_PLACE, 0))
    if step is None or place is None:
        await callback.answer()
        await expire_question(callback, state)
        return
    try:
        step.user = await set_home_place(
            session, step.user, place_id=place.id, district_id=callback_data.district_id or None
        )
    except (DistrictNotInPlace, PlaceNotFound):
        await callback.answer(_("That choice is no longer available."), show_alert=True)
        return
    await callback.answer()
    await _place_settled(step, place)


async def _place_settled(step: Step, place: PlaceInfo) -> None:
    if await step.in_onboarding():
        await finish_onboarding(step, _("Your place: {place}.").format(place=escape(place.name)))
        return
    await step.state.clear()
    await step.reply(_("Your place is now {place}.").format(place=escape(place.name)), None)


async def finish_onboarding(step: Step, settled: str) -> None:
    """End of onboarding: a pending invite is redeemed and a volunteer's profile made
    before anything is said (`settled`, then the main menu), so no reply speaks of a
    change that could still fail."""
    token = (await step.state.get_data()).get(PENDING_INVITE)
    await step.state.clear()
    if token:
        team = await _redeem(step, token)
        await step.reply(settled, None)
        await _welcome_to_the_team(step, team)
        return
    if step.user.intent == Intent.WANT_TO_HELP:
        await ensure_profile(step.session, step.user, step.clock())
    await step.reply(settled, None)
    await step.bot.send_message(
        step.user.telegram_id,
        _(
            "All set, {name}! Choose what you need from the menu below. /help lists everything."
        ).format(name=display_name(step.user)),
        reply_markup=menus.main_menu(),
    )
    if step.user.intent == Intent.WANT_TO_HELP:
        reply = reply_to_message_in(step.bot, step.user.telegram_id)
        await render_summary(reply, step.session, step.user, step.clock)


async def _redeem(step: Step, token: str) -> PlaceInfo | None:
    """The invite's centre, its team now joined; None when the link no longer works."""
    try:
        return await redeem_invite(step.session, token=token, user=step.user, now=step.clock())
    except (InviteInvalid, PlaceNotFound):
        return None


async def _welcome_to_the_team(step: Step, place: PlaceInfo | None) -> None:
    if place is None:
        text = _(
            "This invite link does not work any more: it was already used, it expired, "
            "or it is incomplete. Please ask the administrator for a new one."
        )
        await step.bot.send_message(step.user.telegram_id, text, reply_markup=menus.main_menu())
        return
    await step.bot.send_message(
        step.user.telegram_id,
        _("🎉 You are now an animator of {place}. Your extra commands: /myplaces.").format(
            place=escape(place.name)
        ),
        reply_markup=menus.main_menu(),
    )
    await publish_chat_commands(
        step.bot,
        step.i18n,
        step.user.telegram_id,
        admin=step.is_admin,
        language=step.user.language or step.i18n.current_locale,
    )


async def offer_poster_place(step: Step, slug: str) -> None:
    """A known user scanned a poster: offer that place; nothing changes until they choose it."""
    place = await get_place_by_slug(step.session, slug)
    if place is None:
        await step.reply(_("I could not find the place from that poster link."), None)
        return
    await step.state.set_state(ChangePlace.place)
    await step.reply(
        _("This poster is from {place}. Do you want it to be your place?").format(
            place=escape(place.name)
        ),
        kb.single_place(place),
    )


async def msg_my_place(message: Message, session: AsyncSession, user: Person) -> None:
    place = await get_place(session, user.place_id) if user.place_id else None
    district = (
        next((d for d in place.districts if d.id == user.district_id), None) if place else None
    )
    if place is None:
        text = _("You have not chosen a place yet.")
    elif district is None:
        text = _("Your place: {place}.").format(place=escape(place.name))
    else:
        text = _("Your place: {place}, {district}.").format(
            place=escape(place.name), district=escape(district.name)
        )
    await message.answer(text, reply_markup=kb.change_place())


async def msg_expects_button(
    message: Message, session: AsyncSession, state: FSMContext, settings: Settings
) -> None:
    """Typed text or a sticker where a button is expected: say so and ask again."""
    await message.answer(_("Please answer with one of the buttons. Here is the question again:"))
    reply = reply_to_message(message)
    current = await state.get_state()
    if current == Onboarding.language.state:
        await ask_language(reply, sender_of(message).language_code, settings)
    elif current == Onboarding.consent.state:
        await _ask_consent(reply)
    elif current == Onboarding.intent.state:
        await _ask_intent(reply)
    elif current in (Onboarding.district.state, ChangePlace.district.state):
        place = await get_place(session, (await state.get_data()).get(CHOSEN_PLACE, 0))
        if place is not None:
            await _ask_district(reply, place)
    else:
        await _ask_place(reply, session, page=0)


async def expire_question(callback: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await drop_buttons(callback)
    await bot_of(callback).send_message(
        callback.from_user.id, _("This question has expired. Send /start to begin again.")
    )


def display_name(user: Person) -> str:
    return escape(user.first_name or _("neighbour"))
