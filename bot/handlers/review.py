"""Animators decide on residents' ideas: Approve (publishes), Edit a field, Reject with a
comment for the proposer. Only animators of the idea's place (and admins) may; the
check is made here on every press, whatever the button claims."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.statuses import EventStatus
from bot.filters import Rule
from bot.keyboards import events as ekb
from bot.keyboards.callbacks import EditFieldCD, ReviewAction, ReviewCD
from bot.middlewares.staff import STAFF
from bot.notify.event_notices import stored_summary
from bot.services.centres.places import get_place
from bot.services.initiatives import events
from bot.services.initiatives.events import (
    COMMENT_LIMIT,
    DESCRIPTION_LIMIT,
    EDITABLE,
    LOCATION_LIMIT,
    MAX_CAPACITY,
    TITLE_LIMIT,
    EventNotFound,
    InvalidCapacity,
    parse_capacity,
)
from bot.services.plain import EventInfo, Person
from bot.services.when import parse_moment
from bot.states import Review
from bot.views.replies import reply_to_callback
from bot.views.texts import staff_only, typed_text

TEXT_LIMITS = {"title": TITLE_LIMIT, "description": DESCRIPTION_LIMIT, "location": LOCATION_LIMIT}


def build_router() -> Router:
    """Everything here is for the animators of the proposal's place (`flags=STAFF`)."""
    router = Router(name=__name__)
    decisions: dict[ReviewAction, Callable[..., Awaitable[None]]] = {
        ReviewAction.APPROVE: cb_approve,
        ReviewAction.REJECT: cb_reject,
        ReviewAction.EDIT: cb_edit,
    }
    for action, decide in decisions.items():
        router.callback_query.register(decide, ReviewCD.filter(F.action == action), flags=STAFF)
    router.callback_query.register(cb_edit_field, EditFieldCD.filter(), flags=STAFF)
    router.message.register(msg_value, StateFilter(Review.value), Rule(F.text), flags=STAFF)
    router.message.register(msg_comment, StateFilter(Review.comment), Rule(F.text), flags=STAFF)
    return router


async def _pending_event_of_mine(
    session: AsyncSession, places: list[int], event_id: int
) -> EventInfo | None:
    """The proposal, if it is still undecided and at a place this person runs."""
    try:
        event = await events.get_event(session, event_id)
    except EventNotFound:
        return None
    if event.place_id not in places:
        return None
    return event


async def _decidable(
    callback: CallbackQuery, session: AsyncSession, places: list[int], event_id: int
) -> EventInfo | None:
    """The proposal when this person may still decide it; otherwise the press is answered."""
    event = await _pending_event_of_mine(session, places, event_id)
    if event is None:
        await callback.answer(staff_only(), show_alert=True)
        return None
    if event.status != EventStatus.PENDING:
        await callback.answer(_("This idea was already decided."), show_alert=True)
        return None
    await callback.answer()
    return event


async def cb_approve(
    callback: CallbackQuery,
    callback_data: ReviewCD,
    session: AsyncSession,
    user: Person | None,
    places: list[int],
    clock: Clock,
) -> None:
    event = await _decidable(callback, session, places, callback_data.event_id)
    if event is None or user is None:
        return
    if not await events.approve(session, event.id, user, clock()):
        await reply_to_callback(callback)(_("This idea was already decided."), None)
        return
    await reply_to_callback(callback)(
        _("✅ Approved and published: «{title}».").format(title=escape(event.title)), None
    )


async def cb_reject(
    callback: CallbackQuery,
    callback_data: ReviewCD,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
) -> None:
    event = await _decidable(callback, session, places, callback_data.event_id)
    if event is None:
        return
    await state.set_state(Review.comment)
    await state.update_data(event_id=event.id)
    await reply_to_callback(callback)(
        _(
            "Why not? Your words go to the person who proposed it (at most {limit} characters)."
        ).format(limit=COMMENT_LIMIT),
        None,
    )


async def cb_edit(
    callback: CallbackQuery,
    callback_data: ReviewCD,
    session: AsyncSession,
    places: list[int],
) -> None:
    event = await _decidable(callback, session, places, callback_data.event_id)
    if event is None:
        return
    await reply_to_callback(callback)(
        _("What would you like to change?"), ekb.edit_fields(event.id)
    )


async def cb_edit_field(
    callback: CallbackQuery,
    callback_data: EditFieldCD,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
) -> None:
    event = await _pending_event_of_mine(session, places, callback_data.event_id)
    if event is None or callback_data.field not in EDITABLE:
        await callback.answer(staff_only(), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Review.value)
    await state.update_data(event_id=event.id, field=callback_data.field)
    prompts = {
        "title": _("The new title?"),
        "description": _("The new description?"),
        "starts_at": _("The new day and time, like <code>24.12 18:00</code>?"),
        "location": _("The new place or address?"),
        "capacity": _("How many participants at most? (a number)"),
    }
    await reply_to_callback(callback)(prompts[callback_data.field], None)


async def _parsed(
    message: Message, field: str, now: datetime, timezone: str
) -> tuple[bool, object]:
    """The typed value for `field`, or (False, None) after saying what is wrong."""
    if field in TEXT_LIMITS:
        value = await typed_text(message, TEXT_LIMITS[field])
        return value is not None, value
    if field == "starts_at":
        moment = parse_moment(message.text or "", now, timezone)
        if moment is None:
            await message.answer(
                _("Please type a day and time still ahead, like <code>24.12 18:00</code>.")
            )
        return moment is not None, moment
    try:
        return True, parse_capacity(message.text or "")
    except InvalidCapacity:
        await message.answer(
            _("Please type a number from 1 to {limit}.").format(limit=MAX_CAPACITY)
        )
        return False, None


async def msg_value(
    message: Message,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    event = await _pending_event_of_mine(session, places, int(data["event_id"]))
    if event is None or event.status != EventStatus.PENDING:
        await state.clear()
        await message.answer(_("This idea was already decided."))
        return
    place = await get_place(session, event.place_id)
    if place is None:
        return
    field = str(data["field"])
    ok, value = await _parsed(message, field, clock(), place.timezone)
    if not ok:
        return
    await state.clear()
    event = await events.edit_pending(session, event.id, field, value)
    await message.answer(
        _("Changed. The idea now reads:") + "\n\n" + await stored_summary(session, event, place),
        reply_markup=ekb.review(event.id),
    )


async def msg_comment(
    message: Message,
    session: AsyncSession,
    user: Person | None,
    places: list[int],
    state: FSMContext,
    clock: Clock,
) -> None:
    comment = await typed_text(message, COMMENT_LIMIT)
    if comment is None:
        return
    data = await state.get_data()
    await state.clear()
    event = await _pending_event_of_mine(session, places, int(data["event_id"]))
    if (
        event is None
        or user is None
        or not await events.reject(session, event.id, user, comment, clock())
    ):
        await message.answer(_("This idea was already decided."))
        return
    await message.answer(_("Rejected. The person who proposed it gets your comment."))
