""" "💡 I have an idea" (/propose) for residents, /newevent for animators: title →
description → when (→ how often) → where → places → helpers → groups → summary →
Submit. Proposals wait for an animator; animators' own events are published at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, local_today
from bot.filters import Asks, HasConsented, Rule
from bot.handlers.day_buttons import day_pressed, days_shown, kept_day
from bot.handlers.staff import main_place
from bot.keyboards import events as ekb
from bot.keyboards.callbacks import DraftAction, DraftCD, DraftGroupCD
from bot.middlewares.staff import STAFF
from bot.services.centres.places import get_place, managed_places
from bot.services.errors import EmptyValue, PlaceNotFound, TooLong
from bot.services.initiatives.events import (
    DESCRIPTION_LIMIT,
    LOCATION_LIMIT,
    MAX_CAPACITY,
    MAX_ROLES,
    TITLE_LIMIT,
    EventDraft,
    InvalidCapacity,
    InvalidRoles,
    RoleDraft,
    groups_of,
    parse_capacity,
    parse_roles,
    proposals_of,
    submit_event,
)
from bot.services.plain import Person, PlaceInfo
from bot.services.when import moment_on, parse_moment, parse_time
from bot.states import Propose
from bot.views.events import draft_summary, proposal_status
from bot.views.replies import Reply, reply_to_callback, reply_to_message
from bot.views.texts import staff_only, typed_text


def build_router() -> Router:
    """Each step of the draft is a state: typed text there, or a press of its buttons."""
    router = Router(name=__name__)
    consented = HasConsented()
    router.message.register(cmd_propose, Asks("propose"), consented)
    router.message.register(cmd_new_event, Asks("newevent"), consented, flags=STAFF)
    router.message.register(cmd_my_ideas, Asks("myideas"), consented)
    typed = (
        (msg_title, Propose.title),
        (msg_description, Propose.description),
        (msg_when, Propose.when),
        (msg_where, Propose.where),
        (msg_capacity, Propose.capacity),
        (msg_roles, Propose.roles),
        (msg_role_count, Propose.role_count),
    )
    for on_text, step in typed:
        router.message.register(on_text, StateFilter(step), Rule(F.text))
    pressed: dict[State, dict[DraftAction, Callable[..., Awaitable[None]]]] = {
        Propose.when: {
            DraftAction.TBA: cb_to_be_agreed,
            DraftAction.DAY: cb_day,
            DraftAction.TIME: cb_time,
        },
        Propose.repeat: {DraftAction.REPEAT: cb_repeat},
        Propose.where: {DraftAction.HERE: cb_here},
        Propose.capacity: {DraftAction.CAPACITY: cb_capacity},
        Propose.roles: {
            DraftAction.NO_ROLES: cb_no_roles,
            DraftAction.ROLE: cb_role,
            DraftAction.ROLES_DONE: cb_roles_done,
        },
        Propose.role_count: {DraftAction.COUNT: cb_role_count},
        Propose.groups: {DraftAction.GROUPS: cb_groups_done},
        Propose.confirm: {DraftAction.EDIT: cb_edit, DraftAction.SUBMIT: cb_submit},
    }
    for step, handlers in pressed.items():
        for action, on_press in handlers.items():
            router.callback_query.register(
                on_press, StateFilter(step), DraftCD.filter(F.action == action)
            )
    router.callback_query.register(
        cb_toggle_group, StateFilter(Propose.groups), DraftGroupCD.filter()
    )
    return router


async def _start(message: Message, state: FSMContext, place_id: int, publish: bool) -> None:
    await state.clear()
    await state.update_data(place_id=place_id, publish=publish)
    await state.set_state(Propose.title)
    await message.answer(
        _("What is your idea called? A short title, at most {limit} characters.").format(
            limit=TITLE_LIMIT
        )
    )


async def cmd_propose(message: Message, user: Person, state: FSMContext) -> None:
    if user.place_id is None:
        await message.answer(
            _("First choose your community centre with «📍 My centre»: ideas go to its animators.")
        )
        return
    await _start(message, state, user.place_id, publish=False)


async def cmd_new_event(
    message: Message, user: Person, places: list[int], state: FSMContext
) -> None:
    """Animators publish directly, at their own place if they run it, else the first."""
    await _start(message, state, main_place(user, places), publish=True)


async def cmd_my_ideas(message: Message, session: AsyncSession, user: Person) -> None:
    ideas = await proposals_of(session, user.id)
    if not ideas:
        await message.answer(_("You have not proposed anything yet. Press «💡 I have an idea»."))
        return
    for idea in ideas:
        place = await get_place(session, idea.place_id)
        if place is None:
            continue
        draft = EventDraft(idea.title, idea.description, idea.starts_at, idea.location, None)
        await message.answer(draft_summary(draft, place, []) + "\n\n" + proposal_status(idea))


async def _place(session: AsyncSession, state: FSMContext) -> PlaceInfo:
    place = await get_place(session, int((await state.get_data())["place_id"]))
    if place is None:
        raise PlaceNotFound
    return place


async def msg_title(message: Message, state: FSMContext) -> None:
    title = await typed_text(message, TITLE_LIMIT)
    if title is None:
        return
    await state.update_data(title=title)
    await state.set_state(Propose.description)
    await message.answer(
        _("Describe it: what will happen, and for whom (at most {limit} characters).").format(
            limit=DESCRIPTION_LIMIT
        )
    )


async def msg_description(
    message: Message, session: AsyncSession, state: FSMContext, clock: Clock
) -> None:
    text = await typed_text(message, DESCRIPTION_LIMIT)
    if text is None:
        return
    await state.update_data(description=text)
    await state.set_state(Propose.when)
    await _ask_days(
        reply_to_message(message),
        session,
        state,
        clock,
        _("When? Choose the day (or type it with the time, like <code>24.12 18:00</code>):"),
    )


async def _ask_days(
    reply: Reply, session: AsyncSession, state: FSMContext, clock: Clock, question: str
) -> None:
    today = local_today(clock, (await _place(session, state)).timezone)
    await days_shown(state, today)
    await reply(question, ekb.event_days(today))


async def cb_day(
    callback: CallbackQuery,
    callback_data: DraftCD,
    session: AsyncSession,
    state: FSMContext,
    clock: Clock,
) -> None:
    """A day pressed, kept as a date: the hour comes next, as buttons or typed."""
    await callback.answer()
    if not 0 <= callback_data.value < ekb.EVENT_DAYS_AHEAD:
        return
    today = local_today(clock, (await _place(session, state)).timezone)
    day = await day_pressed(state, callback_data.value, today)
    await state.update_data(day=day.isoformat())
    await reply_to_callback(callback)(
        _("At what time? Choose, or type it like <code>18:30</code>:"), ekb.event_times()
    )


async def cb_time(
    callback: CallbackQuery,
    callback_data: DraftCD,
    session: AsyncSession,
    state: FSMContext,
    clock: Clock,
) -> None:
    await callback.answer()
    minutes = callback_data.value
    if minutes not in ekb.EVENT_TIMES:
        return
    await _set_moment(
        reply_to_callback(callback), session, state, clock, time(*divmod(minutes, 60))
    )


async def _set_moment(
    reply: Reply, session: AsyncSession, state: FSMContext, clock: Clock, at: time
) -> None:
    place = await _place(session, state)
    day = kept_day((await state.get_data()).get("day"), local_today(clock, place.timezone))
    moment = moment_on(day, at, clock(), place.timezone) if day is not None else None
    if moment is None:
        await _ask_days(
            reply,
            session,
            state,
            clock,
            _("That time has already passed. Please choose a later day or time:"),
        )
        return
    await state.update_data(starts_at=moment.isoformat())
    await state.set_state(Propose.repeat)
    await reply(_("How often?"), ekb.repeats())


async def msg_when(
    message: Message, session: AsyncSession, state: FSMContext, clock: Clock
) -> None:
    place = await _place(session, state)
    typed_time = parse_time(message.text or "")
    if typed_time is not None and (await state.get_data()).get("day") is not None:
        await _set_moment(reply_to_message(message), session, state, clock, typed_time)
        return
    moment = parse_moment(message.text or "", clock(), place.timezone)
    if moment is None:
        await message.answer(
            _(
                "I could not read that as a day and time still ahead. Please type it like "
                "<code>24.12 18:00</code> (day.month hour:minutes)."
            ),
            reply_markup=ekb.to_be_agreed(),
        )
        return
    await state.update_data(starts_at=moment.isoformat())
    await state.set_state(Propose.repeat)
    await message.answer(_("How often?"), reply_markup=ekb.repeats())


async def cb_to_be_agreed(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(starts_at=None, repeat=0)
    await _ask_where(reply_to_callback(callback), state)


async def cb_repeat(callback: CallbackQuery, callback_data: DraftCD, state: FSMContext) -> None:
    await callback.answer()
    if callback_data.value not in ekb.REPEAT_CHOICES:
        return
    await state.update_data(repeat=callback_data.value)
    await _ask_where(reply_to_callback(callback), state)


async def _ask_where(reply: Reply, state: FSMContext) -> None:
    await state.set_state(Propose.where)
    await reply(_("Where? Type the place or address, or press the button."), ekb.at_the_centre())


async def msg_where(message: Message, state: FSMContext) -> None:
    text = await typed_text(message, LOCATION_LIMIT)
    if text is None:
        return
    await state.update_data(location=text)
    await _ask_capacity(reply_to_message(message), state)


async def cb_here(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(location=None)
    await _ask_capacity(reply_to_callback(callback), state)


async def _ask_capacity(reply: Reply, state: FSMContext) -> None:
    await state.set_state(Propose.capacity)
    await reply(_("How many participants at most? Type a number or choose."), ekb.capacities())


async def _typed_count(message: Message, choices: InlineKeyboardMarkup) -> int | None:
    """A typed number of people, or None after saying what is expected (with the choices)."""
    try:
        return parse_capacity(message.text or "")
    except InvalidCapacity:
        await message.answer(
            _("Please type a number from 1 to {limit}, or choose.").format(limit=MAX_CAPACITY),
            reply_markup=choices,
        )
        return None


async def msg_capacity(message: Message, state: FSMContext) -> None:
    capacity = await _typed_count(message, ekb.capacities())
    if capacity is None:
        return
    await state.update_data(capacity=capacity)
    await _ask_roles(reply_to_message(message), state)


async def cb_capacity(callback: CallbackQuery, callback_data: DraftCD, state: FSMContext) -> None:
    await callback.answer()
    if callback_data.value not in (*ekb.CAPACITY_CHOICES, ekb.NO_LIMIT):
        return
    await state.update_data(capacity=callback_data.value or None)
    await _ask_roles(reply_to_callback(callback), state)


def _chosen_roles(data: dict[str, Any]) -> dict[str, int]:
    return {name: count for name, count in data.get("roles", [])}


async def _keep_roles(state: FSMContext, roles: dict[str, int]) -> None:
    await state.update_data(roles=[[name, count] for name, count in roles.items()])


async def _ask_roles(reply: Reply, state: FSMContext) -> None:
    await state.set_state(Propose.roles)
    chosen = _chosen_roles(await state.get_data())
    text = _(
        "What help is needed? Choose a role, then how many people. You can also type roles "
        "with how many people each, for example <code>set-up ×3, cooking ×2</code>."
    )
    if chosen:
        listed = ", ".join(f"{escape(name)} ×{count}" for name, count in chosen.items())
        text += "\n\n" + _("🙋 Helpers needed: {roles}").format(roles=listed)
    await reply(text, ekb.helper_roles(chosen))


async def msg_roles(message: Message, session: AsyncSession, state: FSMContext) -> None:
    """Typed roles join the ones chosen by buttons (a typed count replaces a chosen one)."""
    roles = _chosen_roles(await state.get_data())
    try:
        roles |= {role.name: role.capacity for role in parse_roles(message.text or "")}
        if len(roles) > MAX_ROLES:
            raise InvalidRoles
    except InvalidRoles:
        await message.answer(
            _(
                "I could not read that. Please write up to 8 roles separated by commas, "
                "each with a number, for example <code>set-up ×3, cooking ×2</code>."
            ),
            reply_markup=ekb.helper_roles(_chosen_roles(await state.get_data())),
        )
        return
    await _keep_roles(state, roles)
    await _ask_groups(reply_to_message(message), session, state)


async def cb_role(callback: CallbackQuery, callback_data: DraftCD, state: FSMContext) -> None:
    await callback.answer()
    if not 0 <= callback_data.value < len(ekb.COMMON_ROLES):
        return
    await state.update_data(role_asked=callback_data.value)
    await _ask_role_count(reply_to_callback(callback), state)


async def _ask_role_count(reply: Reply, state: FSMContext) -> None:
    await state.set_state(Propose.role_count)
    role = ekb.COMMON_ROLES[int((await state.get_data())["role_asked"])]
    await reply(
        _("How many people for «{role}»? Choose or type a number.").format(role=role),
        ekb.role_counts(),
    )


async def _count_chosen(reply: Reply, state: FSMContext, count: int) -> None:
    """Set (or with 0 remove) the asked role's count and show the roles again."""
    data = await state.get_data()
    roles = _chosen_roles(data)
    name = str(ekb.COMMON_ROLES[int(data["role_asked"])])
    roles.pop(name, None)
    if count and len(roles) < MAX_ROLES:
        roles[name] = count
    await _keep_roles(state, roles)
    await _ask_roles(reply, state)


async def msg_role_count(message: Message, state: FSMContext) -> None:
    count = await _typed_count(message, ekb.role_counts())
    if count is None:
        return
    await _count_chosen(reply_to_message(message), state, count)


async def cb_role_count(callback: CallbackQuery, callback_data: DraftCD, state: FSMContext) -> None:
    await callback.answer()
    if callback_data.value not in (0, *ekb.ROLE_COUNTS):
        return
    await _count_chosen(reply_to_callback(callback), state, callback_data.value)


async def cb_roles_done(callback: CallbackQuery, session: AsyncSession, state: FSMContext) -> None:
    await callback.answer()
    await _ask_groups(reply_to_callback(callback), session, state)


async def cb_no_roles(callback: CallbackQuery, session: AsyncSession, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(roles=[])
    await _ask_groups(reply_to_callback(callback), session, state)


async def _ask_groups(reply: Reply, session: AsyncSession, state: FSMContext) -> None:
    place = await _place(session, state)
    groups = await groups_of(session, place.id)
    if not groups:
        await _show_summary(reply, session, state)
        return
    await state.set_state(Propose.groups)
    chosen = set((await state.get_data()).get("groups", []))
    await reply(
        _("Who is it for? Choose interest groups (their members will hear about it), or go on."),
        ekb.draft_groups(groups, chosen),
    )


async def cb_toggle_group(
    callback: CallbackQuery, callback_data: DraftGroupCD, session: AsyncSession, state: FSMContext
) -> None:
    await callback.answer()
    place = await _place(session, state)
    groups = await groups_of(session, place.id)
    if callback_data.group_id not in {group.id for group in groups}:
        return
    chosen = set((await state.get_data()).get("groups", [])) ^ {callback_data.group_id}
    await state.update_data(groups=sorted(chosen))
    await _ask_groups(reply_to_callback(callback), session, state)


async def cb_groups_done(callback: CallbackQuery, session: AsyncSession, state: FSMContext) -> None:
    await callback.answer()
    await _show_summary(reply_to_callback(callback), session, state)


def _draft(data: dict[str, Any]) -> EventDraft:
    starts_at = data.get("starts_at")
    return EventDraft(
        title=data["title"],
        description=data["description"],
        starts_at=datetime.fromisoformat(starts_at) if starts_at else None,
        location=data.get("location"),
        capacity=data.get("capacity"),
        repeat_weeks=int(data.get("repeat", 0)),
        roles=[RoleDraft(name, count) for name, count in data.get("roles", [])],
        group_ids=list(data.get("groups", [])),
    )


async def _show_summary(reply: Reply, session: AsyncSession, state: FSMContext) -> None:
    place = await _place(session, state)
    draft = _draft(await state.get_data())
    names = [g.name for g in await groups_of(session, place.id) if g.id in draft.group_ids]
    await state.set_state(Propose.confirm)
    text = _("Please check your idea:") + "\n\n" + draft_summary(draft, place, names)
    await reply(text, ekb.draft_confirm())


async def cb_edit(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    data = await state.get_data()
    await state.set_data({"place_id": data["place_id"], "publish": data["publish"]})
    await state.set_state(Propose.title)
    await reply_to_callback(callback)(
        _("Let us go through it again. What is your idea called?"), None
    )


async def cb_submit(
    callback: CallbackQuery,
    session: AsyncSession,
    user: Person,
    is_admin: bool,
    state: FSMContext,
    clock: Clock,
) -> None:
    await callback.answer()
    data = await state.get_data()
    await state.clear()
    place_id = int(data["place_id"])
    publish = bool(data["publish"])
    if publish and place_id not in await managed_places(session, user, is_admin):
        await reply_to_callback(callback)(staff_only(), None)
        return
    try:
        await submit_event(session, user, place_id, _draft(data), clock(), publish=publish)
    except (PlaceNotFound, TooLong, EmptyValue, InvalidRoles, InvalidCapacity, ValueError):
        await reply_to_callback(callback)(_("That did not work. Please try again."), None)
        return
    if publish:
        await reply_to_callback(callback)(_("✅ Published. It is in /events now."), None)
        return
    await reply_to_callback(callback)(
        _(
            "📨 Thank you! Your idea went to the animators. You will hear from them; "
            "/myideas shows where it stands."
        ),
        None,
    )
