""" "🙋 I need help": category → description → day → part of day → district → address →
summary → Submit. Then /requests to see and cancel them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, local_today
from bot.config import Settings
from bot.db.statuses import RequestStatus
from bot.filters import Asks, HasConsented, Rule
from bot.handlers.day_buttons import day_pressed, days_shown
from bot.handlers.staff import main_place
from bot.keyboards import volunteering as vkb
from bot.keyboards.callbacks import (
    CategoryCD,
    DistrictCD,
    MyRequestAction,
    MyRequestCD,
    PartCD,
    RequestAction,
    RequestCD,
    WhenCD,
)
from bot.middlewares.staff import STAFF
from bot.services.centres.places import district_name, districts_of, timezone_of
from bot.services.errors import DistrictNotInPlace, EmptyValue, PlaceNotFound, TooLong
from bot.services.helping.asking import NotStaffThere, ask_for_help
from bot.services.helping.requests import (
    ADDRESS_LIMIT,
    DESCRIPTION_LIMIT,
    OnBehalf,
    RequestNotFound,
    TooManyOpenRequests,
    cancel_request,
    requests_of,
)
from bot.services.helping.tasks import time_has_passed
from bot.services.people.talents import PARTS, TALENTS
from bot.services.plain import Person, RequestDraft, RequestText
from bot.states import Intake, NewRequest
from bot.views.labels import long_date
from bot.views.replies import (
    Reply,
    drop_buttons,
    reply_below,
    reply_to_callback,
    reply_to_message,
)
from bot.views.requests import status, summary
from bot.views.texts import staff_only, typed_text

BEHALF_NAME_LIMIT = 64
BEHALF_PHONE_LIMIT = 32


def build_router() -> Router:
    router = Router(name=__name__)
    consented = HasConsented()
    router.message.register(cmd_new_request, Asks("request"), consented)
    router.callback_query.register(
        cb_category, StateFilter(NewRequest.category), CategoryCD.filter()
    )
    router.message.register(msg_description, StateFilter(NewRequest.description), Rule(F.text))
    router.callback_query.register(cb_day, StateFilter(NewRequest.day), WhenCD.filter())
    router.callback_query.register(cb_part, StateFilter(NewRequest.part), PartCD.filter())
    router.callback_query.register(
        cb_district, StateFilter(NewRequest.district), DistrictCD.filter()
    )
    router.message.register(msg_address, StateFilter(NewRequest.address), Rule(F.text))
    router.callback_query.register(
        cb_no_address,
        StateFilter(NewRequest.address),
        RequestCD.filter(F.action == RequestAction.NO_ADDRESS),
    )
    router.callback_query.register(
        cb_edit, StateFilter(NewRequest.confirm), RequestCD.filter(F.action == RequestAction.EDIT)
    )
    router.callback_query.register(
        cb_submit,
        StateFilter(NewRequest.confirm),
        RequestCD.filter(F.action == RequestAction.SUBMIT),
    )
    router.message.register(cmd_intake, Asks("intake"), flags=STAFF)
    router.message.register(msg_intake_name, StateFilter(Intake.name), Rule(F.text))
    router.message.register(msg_intake_phone, StateFilter(Intake.phone), Rule(F.text))
    router.message.register(cmd_my_requests, Asks("requests"), consented)
    router.callback_query.register(
        cb_cancel_request, consented, MyRequestCD.filter(F.action == MyRequestAction.CANCEL)
    )
    return router


async def cmd_new_request(message: Message, user: Person, state: FSMContext) -> None:
    if user.place_id is None:
        await message.answer(
            _(
                "First choose your community centre with «📍 My centre»: "
                "requests go to its volunteers."
            )
        )
        return
    await state.clear()
    await state.set_state(NewRequest.category)
    await message.answer(_("What do you need help with?"), reply_markup=vkb.categories())


async def cmd_intake(
    message: Message, user: Person | None, places: list[int], state: FSMContext
) -> None:
    """An animator registers a request for someone without Telegram, at the place they run
    (their own place if they run it, else the first one)."""
    place_id = main_place(user, places)
    if user is None or not user.has_consented:
        await message.answer(staff_only())
        return
    await state.clear()
    await state.set_state(Intake.name)
    await state.update_data(behalf_place=place_id)
    await message.answer(
        _("A request for someone without Telegram. What is their name? (Only you will see it.)")
    )


async def msg_intake_name(message: Message, state: FSMContext) -> None:
    name = await typed_text(message, BEHALF_NAME_LIMIT)
    if name is None:
        return
    await state.update_data(behalf_name=name)
    await state.set_state(Intake.phone)
    await message.answer(_("Their phone number? (Only you will see it; updates come to you.)"))


async def msg_intake_phone(message: Message, state: FSMContext) -> None:
    phone = await typed_text(message, BEHALF_PHONE_LIMIT)
    if phone is None:
        return
    await state.update_data(behalf_phone=phone)
    await state.set_state(NewRequest.category)
    await message.answer(_("What do you need help with?"), reply_markup=vkb.categories())


def _behalf(data: dict[str, Any]) -> OnBehalf | None:
    if "behalf_place" not in data:
        return None
    return OnBehalf(int(data["behalf_place"]), str(data["behalf_name"]), str(data["behalf_phone"]))


async def _request_place(user: Person, state: FSMContext) -> int | None:
    behalf = _behalf(await state.get_data())
    return behalf.place_id if behalf else user.place_id


async def cb_category(
    callback: CallbackQuery, callback_data: CategoryCD, state: FSMContext
) -> None:
    await callback.answer()
    if callback_data.code not in TALENTS:
        return
    await state.update_data(category=callback_data.code)
    await _ask_description(reply_to_callback(callback), state)


async def _ask_description(reply: Reply, state: FSMContext) -> None:
    await state.set_state(NewRequest.description)
    await reply(
        _(
            "Please describe in a few words what is needed (at most {limit} characters). "
            "Do not write your address here."
        ).format(limit=DESCRIPTION_LIMIT),
        None,
    )


Step = Callable[[Reply, AsyncSession, Person, FSMContext, Clock, Settings], Awaitable[None]]


def _typed_step(key: str, limit: int, then: Step) -> Callable[..., Awaitable[None]]:
    """A step that keeps the typed text under `key` (or says what is wrong with it and
    stays), then goes on to `then`."""

    async def on_text(
        message: Message,
        session: AsyncSession,
        user: Person,
        state: FSMContext,
        clock: Clock,
        settings: Settings,
    ) -> None:
        text = await typed_text(message, limit)
        if text is None:
            return
        await state.update_data({key: text})
        await then(reply_to_message(message), session, user, state, clock, settings)

    return on_text


async def _today(
    session: AsyncSession, user: Person, state: FSMContext, clock: Clock, settings: Settings
) -> date:
    place_id = await _request_place(user, state)
    return local_today(clock, await timezone_of(session, place_id, settings.timezone))


async def _ask_day(
    reply: Reply,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
    *,
    note: str | None = None,
) -> None:
    today = await _today(session, user, state, clock, settings)
    await state.set_state(NewRequest.day)
    await days_shown(state, today)
    question = _("When?")
    await reply(question if note is None else f"{note}\n\n{question}", vkb.days(today))


async def cb_day(
    callback: CallbackQuery,
    callback_data: WhenCD,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    """The chosen day is kept as a date, so a draft finished tomorrow keeps it."""
    await callback.answer()
    offset = callback_data.offset
    if not vkb.ANY <= offset < vkb.DAYS_AHEAD:
        return
    day = None
    if offset != vkb.ANY:
        today = await _today(session, user, state, clock, settings)
        day = (await day_pressed(state, offset, today)).isoformat()
    await state.update_data(day=day)
    await _ask_part(reply_to_callback(callback), state)


async def _ask_part(reply: Reply, state: FSMContext) -> None:
    await state.set_state(NewRequest.part)
    await reply(_("What time of day?"), vkb.parts())


async def cb_part(
    callback: CallbackQuery,
    callback_data: PartCD,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
) -> None:
    await callback.answer()
    if callback_data.part != vkb.ANY and callback_data.part not in PARTS:
        return
    await state.update_data(part=callback_data.part)
    await _ask_where(reply_to_callback(callback), session, user, state)


async def _ask_where(reply: Reply, session: AsyncSession, user: Person, state: FSMContext) -> None:
    """The district, where the place has districts; otherwise straight to the address."""
    place_id = await _request_place(user, state)
    districts = await districts_of(session, place_id) if place_id else []
    if districts:
        await state.set_state(NewRequest.district)
        await reply(
            _("Where? (📍 marks your district)"),
            vkb.request_districts(districts, user.district_id),
        )
        return
    await state.update_data(district_id=None)
    await _ask_address(reply, state)


async def cb_district(
    callback: CallbackQuery, callback_data: DistrictCD, state: FSMContext
) -> None:
    await callback.answer()
    await state.update_data(district_id=callback_data.district_id)
    await _ask_address(reply_to_callback(callback), state)


async def _ask_address(reply: Reply, state: FSMContext) -> None:
    await state.set_state(NewRequest.address)
    await reply(
        _("The exact address (street, number, flat)? Only the volunteer who accepts will see it."),
        vkb.skip_address(),
    )


async def cb_no_address(
    callback: CallbackQuery,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    await callback.answer()
    await state.update_data(address=None)
    await drop_buttons(callback)
    await _show_summary(
        reply_below(callback),
        session,
        user,
        state,
        clock,
        settings,
    )


async def _draft(
    session: AsyncSession, user: Person, state: FSMContext, clock: Clock, settings: Settings
) -> RequestDraft:
    data = await state.get_data()
    if "day" in data:
        day = date.fromisoformat(data["day"]) if data["day"] else None
    else:  # a draft from before days were kept as dates: its offset counts from today
        offset = data.get("offset", vkb.ANY)
        today = await _today(session, user, state, clock, settings)
        day = None if offset == vkb.ANY else today + timedelta(days=offset)
    part = data.get("part", vkb.ANY)
    return RequestDraft(
        category=data["category"],
        description=data["description"],
        day=day,
        part=None if part == vkb.ANY else part,
        district_id=data.get("district_id"),
        address=data.get("address"),
    )


async def _show_summary(
    reply: Reply,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    draft = await _draft(session, user, state, clock, settings)
    if await _day_has_passed(reply, draft, session, user, state, clock, settings):
        return
    behalf = _behalf(await state.get_data())
    preview = RequestText(
        on_behalf_name=behalf.name if behalf else None,
        on_behalf_phone=behalf.phone if behalf else None,
        category=draft.category,
        description=draft.description,
        day=draft.day,
        part=draft.part,
        district_id=draft.district_id,
        address=draft.address,
    )
    await state.set_state(NewRequest.confirm)
    details = summary(
        preview, await district_name(session, preview.district_id), address=True, requester=True
    )
    text = _("Please check your request:") + "\n\n" + details
    await reply(text, vkb.request_summary())


async def _day_has_passed(
    reply: Reply,
    draft: RequestDraft,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> bool:
    """Someone who comes back to a draft after its day asks the day again, kindly."""
    if draft.day is None or draft.day >= await _today(session, user, state, clock, settings):
        return False
    note = _("The day you chose, {day}, has passed.").format(
        day=long_date(draft.day, get_i18n().current_locale)
    )
    await _ask_day(reply, session, user, state, clock, settings, note=note)
    return True


msg_description = _typed_step("description", DESCRIPTION_LIMIT, _ask_day)
msg_address = _typed_step("address", ADDRESS_LIMIT, _show_summary)


async def cb_edit(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.set_state(NewRequest.category)
    await reply_to_callback(callback)(_("What do you need help with?"), vkb.categories())


async def cb_submit(
    callback: CallbackQuery,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
    is_admin: bool,
) -> None:
    await callback.answer()
    draft = await _draft(session, user, state, clock, settings)
    if await _day_has_passed(
        reply_to_callback(callback), draft, session, user, state, clock, settings
    ):
        return
    behalf = _behalf(await state.get_data())
    await state.clear()
    try:
        await ask_for_help(
            session,
            user,
            draft,
            now=clock(),
            config=settings.matching(),
            max_open=settings.max_open_requests,
            is_admin=is_admin,
            on_behalf=behalf,
        )
    except NotStaffThere:
        await reply_below(callback)(staff_only(), None)
        return
    except TooManyOpenRequests as limit:
        await reply_to_callback(callback)(
            _(
                "You already have {limit} open requests. Please wait until one is done, "
                "or cancel one in /requests."
            ).format(limit=limit.limit),
            None,
        )
        return
    except (DistrictNotInPlace, PlaceNotFound, TooLong, EmptyValue, ValueError):
        await reply_to_callback(callback)(_("That did not work. Please try again."), None)
        return
    await reply_to_callback(callback)(
        _(
            "📨 Sent! I am looking for a neighbour who can help, "
            "and will write as soon as someone accepts."
        ),
        None,
    )


async def cmd_my_requests(
    message: Message, session: AsyncSession, user: Person, clock: Clock
) -> None:
    requests = await requests_of(session, user.id)
    if not requests:
        await message.answer(_("You have no requests yet. Press «🙋 I need help» to ask."))
        return
    for request in requests:
        cancellable = request.status in (RequestStatus.OPEN, RequestStatus.MATCHED)
        details = summary(
            request, await district_name(session, request.district_id), address=True, requester=True
        )
        text = details + "\n" + status(request)
        matched = request.status == RequestStatus.MATCHED
        close = request.status == RequestStatus.DONE or (
            matched and await time_has_passed(session, request, clock())
        )
        markup = vkb.my_request(request.id, write=matched, close=close, cancel=cancellable)
        await message.answer(text, reply_markup=markup)


async def cb_cancel_request(
    callback: CallbackQuery,
    callback_data: MyRequestCD,
    bot: Bot,
    session: AsyncSession,
    user: Person,
    clock: Clock,
) -> None:
    try:
        await cancel_request(session, callback_data.request_id, user.id, clock())
    except RequestNotFound:
        await callback.answer(_("This request can no longer be cancelled."), show_alert=True)
        return
    await callback.answer()
    await drop_buttons(callback)
    await bot.send_message(user.telegram_id, _("Your request was cancelled."))
