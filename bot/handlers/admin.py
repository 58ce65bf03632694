"""Admin tools: add a place, list places, invite animators. Admins come from configuration."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.filters import Asks, IsAdmin, Rule
from bot.keyboards import builders as kb
from bot.keyboards.callbacks import NewPlaceAction, NewPlaceCD, PlaceCD, PlacePageCD, PlacePurpose
from bot.services.centres.invites import INVITE_PREFIX, create_invite
from bot.services.centres.places import (
    NAME_LIMIT,
    create_place,
    get_place,
    list_places,
    parse_districts,
    place_stats,
    slug_is_free,
    suggest_slug,
    validate_slug,
    validate_timezone,
)
from bot.services.errors import (
    PlaceNotFound,
    ServiceError,
    SlugTaken,
)
from bot.services.plain import Person
from bot.states import AddPlace
from bot.views.formatting import local_datetime
from bot.views.replies import Reply, deep_link, reply_below, reply_to_callback, reply_to_message
from bot.views.texts import input_problem, place_card, typed_text

ADMIN_COMMANDS = ("addplace", "places", "invite")
STAFF_PURPOSES = {PlacePurpose.INVITE, PlacePurpose.DETAILS}
PLACES_PER_PAGE = 8


def build_router() -> Router:
    router = Router(name=__name__)
    admin = IsAdmin()
    router.message.register(cmd_addplace, Asks("addplace"), admin)
    router.message.register(msg_place_name, StateFilter(AddPlace.name), Rule(F.text), admin)
    router.message.register(msg_place_slug, StateFilter(AddPlace.slug), Rule(F.text), admin)
    router.message.register(
        msg_place_districts, StateFilter(AddPlace.districts), Rule(F.text), admin
    )
    router.message.register(msg_place_timezone, StateFilter(AddPlace.timezone), Rule(F.text), admin)
    # The button that answers a step for the admin: the suggested link name, no
    # districts, the default time zone.
    for handler, step, action in (
        (cb_use_slug, AddPlace.slug, NewPlaceAction.USE_SLUG),
        (cb_no_districts, AddPlace.districts, NewPlaceAction.NO_DISTRICTS),
        (cb_default_timezone, AddPlace.timezone, NewPlaceAction.DEFAULT_TZ),
    ):
        router.callback_query.register(
            handler, StateFilter(step), NewPlaceCD.filter(F.action == action), admin
        )
    router.callback_query.register(
        cb_save_place,
        StateFilter(AddPlace.confirm),
        NewPlaceCD.filter(F.action == NewPlaceAction.SAVE),
        admin,
    )
    router.message.register(cmd_places, Asks("places"), admin)
    router.message.register(cmd_invite, Asks("invite"), admin)
    router.callback_query.register(
        cb_staff_place_page, PlacePageCD.filter(F.purpose.in_(STAFF_PURPOSES)), admin
    )
    router.callback_query.register(
        cb_place_details, PlaceCD.filter(F.purpose == PlacePurpose.DETAILS), admin
    )
    router.callback_query.register(
        cb_invite, PlaceCD.filter(F.purpose == PlacePurpose.INVITE), admin
    )
    router.message.register(refuse_command, Command(*ADMIN_COMMANDS))
    router.callback_query.register(
        refuse_button,
        or_f(
            PlacePageCD.filter(F.purpose.in_(STAFF_PURPOSES)),
            PlaceCD.filter(F.purpose.in_(STAFF_PURPOSES)),
            NewPlaceCD.filter(),
        ),
    )
    return router


async def cmd_addplace(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(AddPlace.name)
    await message.answer(
        _("New place. What is its name? For example: MAL Żoliborz"),
        reply_markup=kb.new_place_step(),
    )


async def msg_place_name(message: Message, state: FSMContext) -> None:
    name = await typed_text(message, NAME_LIMIT)
    if name is None:
        return
    slug = suggest_slug(name)
    await state.update_data(name=name, suggested_slug=slug)
    await state.set_state(AddPlace.slug)
    options = [(_("Use: {slug}").format(slug=slug), NewPlaceAction.USE_SLUG)] if slug else []
    await message.answer(
        _(
            "A short link name for posters and QR codes: small letters, digits and hyphens. "
            "Type one, or use the suggestion."
        ),
        reply_markup=kb.new_place_step(*options),
    )


async def _take_slug(reply: Reply, slug: str, session: AsyncSession, state: FSMContext) -> None:
    try:
        slug = validate_slug(slug)
        if not await slug_is_free(session, slug):
            raise SlugTaken
    except ServiceError as error:
        await reply(input_problem(error), None)
        return
    await state.update_data(slug=slug)
    await state.set_state(AddPlace.districts)
    await reply(
        _(
            "Which districts or estates does the place serve? Write them separated by commas "
            "(for example: Sady Żoliborskie, Marymont), or press «No districts»."
        ),
        kb.new_place_step((_("No districts"), NewPlaceAction.NO_DISTRICTS)),
    )


async def msg_place_slug(message: Message, session: AsyncSession, state: FSMContext) -> None:
    await _take_slug(reply_to_message(message), message.text or "", session, state)


async def cb_use_slug(callback: CallbackQuery, session: AsyncSession, state: FSMContext) -> None:
    await callback.answer()
    slug = (await state.get_data()).get("suggested_slug", "")
    await _take_slug(reply_below(callback), slug, session, state)


async def _take_districts(
    reply: Reply, districts: list[str], state: FSMContext, settings: Settings
) -> None:
    await state.update_data(districts=districts)
    await state.set_state(AddPlace.timezone)
    await reply(
        _("Which time zone is the place in? Most places use {timezone}.").format(
            timezone=settings.timezone
        ),
        kb.new_place_step((settings.timezone, NewPlaceAction.DEFAULT_TZ)),
    )


async def msg_place_districts(message: Message, state: FSMContext, settings: Settings) -> None:
    try:
        districts = parse_districts(message.text or "")
    except ServiceError as error:
        await message.answer(input_problem(error))
        return
    await _take_districts(reply_to_message(message), districts, state, settings)


async def cb_no_districts(callback: CallbackQuery, state: FSMContext, settings: Settings) -> None:
    await callback.answer()
    await _take_districts(reply_below(callback), [], state, settings)


async def _take_timezone(reply: Reply, timezone: str, state: FSMContext) -> None:
    try:
        timezone = validate_timezone(timezone)
    except ServiceError as error:
        await reply(input_problem(error), None)
        return
    data = await state.update_data(timezone=timezone)
    await state.set_state(AddPlace.confirm)
    await reply(
        _(
            "Please check:\n<b>Name:</b> {name}\n<b>Link name:</b> {slug}\n"
            "<b>Districts:</b> {districts}\n<b>Time zone:</b> {timezone}"
        ).format(
            name=escape(data["name"]),
            slug=data["slug"],
            districts=escape(", ".join(data["districts"])) or _("none"),
            timezone=timezone,
        ),
        kb.new_place_step((_("💾 Save"), NewPlaceAction.SAVE)),
    )


async def msg_place_timezone(message: Message, state: FSMContext) -> None:
    await _take_timezone(reply_to_message(message), message.text or "", state)


async def cb_default_timezone(
    callback: CallbackQuery, state: FSMContext, settings: Settings
) -> None:
    await callback.answer()
    await _take_timezone(reply_below(callback), settings.timezone, state)


async def cb_save_place(
    callback: CallbackQuery, bot: Bot, session: AsyncSession, state: FSMContext, clock: Clock
) -> None:
    data = await state.get_data()
    try:
        place = await create_place(
            session,
            name=data["name"],
            slug=data["slug"],
            districts=data["districts"],
            timezone=data["timezone"],
            now=clock(),
        )
    except ServiceError as error:
        await callback.answer(input_problem(error), show_alert=True)
        return
    await callback.answer()
    await state.clear()
    await reply_to_callback(callback)(
        _("✅ {name} was added. Link for posters: {link}").format(
            name=escape(place.name), link=await deep_link(bot, f"place-{place.slug}")
        ),
        kb.invite_for(place),
    )


def _staff_question(purpose: PlacePurpose) -> str:
    if purpose == PlacePurpose.INVITE:
        return _("Which place is the new animator for?")
    return _("All centres. Choose one to see its details:")


async def _send_staff_places(
    message: Message, session: AsyncSession, purpose: PlacePurpose
) -> None:
    places = await list_places(session, page=0, per_page=PLACES_PER_PAGE)
    if not places.places:
        await message.answer(_("There are no places yet. Add one with /addplace."))
        return
    await message.answer(_staff_question(purpose), reply_markup=kb.places(places, purpose))


async def cmd_places(message: Message, session: AsyncSession) -> None:
    await _send_staff_places(message, session, PlacePurpose.DETAILS)


async def cmd_invite(message: Message, session: AsyncSession) -> None:
    await _send_staff_places(message, session, PlacePurpose.INVITE)


async def cb_staff_place_page(
    callback: CallbackQuery, callback_data: PlacePageCD, session: AsyncSession
) -> None:
    await callback.answer()
    places = await list_places(session, page=callback_data.page, per_page=PLACES_PER_PAGE)
    await reply_to_callback(callback)(
        _staff_question(callback_data.purpose), kb.places(places, callback_data.purpose)
    )


async def cb_place_details(
    callback: CallbackQuery, callback_data: PlaceCD, bot: Bot, session: AsyncSession
) -> None:
    place = await get_place(session, callback_data.place_id)
    if place is None:
        await callback.answer(_("That place is no longer available."), show_alert=True)
        return
    await callback.answer()
    stats = await place_stats(session, place.id)
    link = await deep_link(bot, f"place-{place.slug}")
    await reply_to_callback(callback)(place_card(place, stats, link), kb.invite_for(place))


async def cb_invite(
    callback: CallbackQuery,
    callback_data: PlaceCD,
    bot: Bot,
    session: AsyncSession,
    user: Person | None,
    settings: Settings,
    clock: Clock,
) -> None:
    try:
        invite = await create_invite(
            session,
            place_id=callback_data.place_id,
            created_by_user_id=user.id if user else None,
            now=clock(),
            ttl=timedelta(hours=settings.invite_ttl_hours),
        )
    except PlaceNotFound:
        await callback.answer(_("That place is no longer available."), show_alert=True)
        return
    await callback.answer()
    place = await get_place(session, invite.place_id)
    language = (user.language if user else None) or settings.default_language
    await bot.send_message(
        callback.from_user.id,
        _(
            "Invite for an animator of {place}. It works once, until {until}. "
            "Send this link to the new animator:\n{link}"
        ).format(
            place=escape(place.name if place else ""),
            until=local_datetime(
                invite.expires_at, place.timezone if place else settings.timezone, language
            ),
            link=await deep_link(bot, f"{INVITE_PREFIX}{invite.token}"),
        ),
    )


async def refuse_command(message: Message) -> None:
    await message.answer(_("Sorry, this command is only for the administrators of Sąsiad."))


async def refuse_button(callback: CallbackQuery) -> None:
    await callback.answer(
        _("Sorry, this button is only for the administrators of Sąsiad."), show_alert=True
    )
