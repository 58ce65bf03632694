"""Requests nobody took, from the animator's side: a new date with a fresh round of
offers, or closing with a message to the resident. The request and the animator's place
are checked again at every step, since buttons and conversations can be stale."""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, local_today
from bot.config import Settings
from bot.filters import Rule
from bot.keyboards import volunteering as vkb
from bot.keyboards.callbacks import EscalationAction, EscalationCD, PartCD, WhenCD
from bot.middlewares.staff import STAFF
from bot.services.helping.escalations import close_request, open_request_at, reschedule
from bot.services.helping.offers import place_timezone
from bot.services.helping.requests import get_request
from bot.services.people.talents import PARTS
from bot.services.plain import RequestInfo
from bot.states import Rework
from bot.views.replies import bot_of
from bot.views.texts import staff_only, typed_text

CLOSING_LIMIT = 1000


def build_router() -> Router:
    """Everything here is for the animators of the request's place (`flags=STAFF`)."""
    router = Router(name=__name__)
    router.callback_query.register(
        cb_rework,
        EscalationCD.filter(F.action.in_({EscalationAction.DATE, EscalationAction.CLOSE})),
        flags=STAFF,
    )
    router.callback_query.register(cb_day, StateFilter(Rework.day), WhenCD.filter(), flags=STAFF)
    router.callback_query.register(cb_part, StateFilter(Rework.part), PartCD.filter(), flags=STAFF)
    router.message.register(msg_closing, StateFilter(Rework.closing), Rule(F.text), flags=STAFF)
    return router


async def _request(session: AsyncSession, request_id: int, places: list[int]) -> RequestInfo | None:
    return await open_request_at(session, request_id, places)


async def _checked(
    callback: CallbackQuery, session: AsyncSession, request_id: int, places: list[int]
) -> RequestInfo | None:
    """The open request, or None after telling the animator why not."""
    request = await open_request_at(session, request_id, places)
    if request is None:
        known = await get_request(session, request_id)
        ours = known is not None and known.place_id in places
        await callback.answer(
            _("This request is no longer open.") if ours else staff_only(), show_alert=True
        )
    return request


async def cb_rework(
    callback: CallbackQuery,
    callback_data: EscalationCD,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
    clock: Clock,
) -> None:
    """Start either change: a new date (day, then part of day) or closing (a message)."""
    request = await _checked(callback, session, callback_data.request_id, places)
    if request is None:
        return
    await callback.answer()
    await state.clear()
    await state.update_data(request_id=request.id)
    if callback_data.action == EscalationAction.DATE:
        await state.set_state(Rework.day)
        text = _("Which new day should I ask the volunteers about?")
        markup = vkb.days(local_today(clock, await place_timezone(session, request.place_id)))
    else:
        await state.set_state(Rework.closing)
        text = _(
            "Write a message for the resident: it is sent with the news that the request "
            "is closed. /cancel keeps the request open."
        )
        markup = None
    await bot_of(callback).send_message(callback.from_user.id, text, reply_markup=markup)


async def cb_day(callback: CallbackQuery, callback_data: WhenCD, state: FSMContext) -> None:
    await callback.answer()
    if not vkb.ANY <= callback_data.offset < vkb.DAYS_AHEAD:
        return
    await state.update_data(offset=callback_data.offset)
    await state.set_state(Rework.part)
    await bot_of(callback).send_message(
        callback.from_user.id, _("What time of day?"), reply_markup=vkb.parts()
    )


async def cb_part(
    callback: CallbackQuery,
    callback_data: PartCD,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    if callback_data.part != vkb.ANY and callback_data.part not in PARTS:
        await callback.answer()
        return
    data = await state.get_data()
    await state.clear()
    request = await _request(session, data.get("request_id", 0), places)
    if request is None:
        await callback.answer(_("This request is no longer open."), show_alert=True)
        return
    offset = data.get("offset", vkb.ANY)
    today = local_today(clock, await place_timezone(session, request.place_id))
    day = None if offset == vkb.ANY else today + timedelta(offset)
    part = None if callback_data.part == vkb.ANY else callback_data.part
    outcome = await reschedule(session, request, day, part, clock(), settings.matching())
    await callback.answer()
    await bot_of(callback).send_message(
        callback.from_user.id,
        _("📅 Changed. I am asking the volunteers again ({count} now).").format(
            count=len(outcome.offers)
        ),
    )


async def msg_closing(
    message: Message,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
    clock: Clock,
) -> None:
    text = await typed_text(message, CLOSING_LIMIT)
    if text is None:
        return
    request_id = (await state.get_data()).get("request_id", 0)
    await state.clear()
    request = await _request(session, request_id, places)
    if request is None:
        await message.answer(_("This request is no longer open."))
        return
    await close_request(session, request, clock(), text)
    await message.answer(_("✖️ Closed. The resident gets your message."))
