"""Interest groups: residents join and leave them ("👥 Groups", /groups); animators add
and remove them (/managegroups) at the place they run."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.filters import Asks, HasConsented, Rule
from bot.handlers.staff import main_place
from bot.keyboards.callbacks import GroupAction, GroupCD
from bot.keyboards.grid import InlineGrid
from bot.middlewares.staff import STAFF
from bot.services.initiatives.events import groups_of
from bot.services.initiatives.groups import (
    GROUP_NAME_LIMIT,
    GroupExists,
    TooManyGroups,
    add_group,
    my_group_ids,
    remove_group,
    toggle_membership,
)
from bot.services.plain import Person
from bot.states import NewGroup
from bot.views.labels import chosen
from bot.views.replies import Reply, reply_to_callback, reply_to_message
from bot.views.texts import staff_only, typed_text


def build_router() -> Router:
    router = Router(name=__name__)
    consented = HasConsented()
    router.message.register(cmd_groups, Asks("groups"), consented)
    router.callback_query.register(
        cb_toggle, consented, GroupCD.filter(F.action == GroupAction.TOGGLE)
    )
    router.message.register(cmd_manage, Asks("managegroups"), consented, flags=STAFF)
    router.callback_query.register(
        cb_add, consented, GroupCD.filter(F.action == GroupAction.ADD), flags=STAFF
    )
    router.callback_query.register(
        cb_remove, consented, GroupCD.filter(F.action == GroupAction.REMOVE), flags=STAFF
    )
    router.message.register(msg_name, StateFilter(NewGroup.name), Rule(F.text), flags=STAFF)
    return router


async def _show_mine(reply: Reply, session: AsyncSession, user: Person) -> None:
    groups = await groups_of(session, user.place_id) if user.place_id else []
    if not groups:
        await reply(_("Your place has no interest groups yet. The animators can add them."), None)
        return
    mine = await my_group_ids(session, user.id)
    builder = InlineGrid()
    for group in groups:
        builder.button(
            text=chosen(group.name, group.id in mine, unmarked="▫️ "),
            callback_data=GroupCD(action=GroupAction.TOGGLE, group_id=group.id),
        )
    await reply(
        _("Interest groups at your place. Tap to join or leave; members hear about new events."),
        builder.adjust(1).as_markup(),
    )


async def cmd_groups(message: Message, session: AsyncSession, user: Person) -> None:
    await _show_mine(reply_to_message(message), session, user)


async def cb_toggle(
    callback: CallbackQuery,
    callback_data: GroupCD,
    session: AsyncSession,
    user: Person,
    clock: Clock,
) -> None:
    try:
        joined = await toggle_membership(session, user, callback_data.group_id, clock())
    except LookupError:
        await callback.answer(_("This group is not at your place."), show_alert=True)
        return
    await callback.answer(_("You joined the group.") if joined else _("You left the group."))
    await _show_mine(reply_to_callback(callback), session, user)


def _manage_keyboard(groups: list) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for group in groups:
        builder.button(
            text=f"🗑 {group.name}",
            callback_data=GroupCD(action=GroupAction.REMOVE, group_id=group.id),
        )
    builder.button(
        text=_("➕ Add a group"), callback_data=GroupCD(action=GroupAction.ADD, group_id=0)
    )
    return builder.adjust(1).as_markup()


async def _show_managed(reply: Reply, session: AsyncSession, place_id: int) -> None:
    groups = await groups_of(session, place_id)
    names = ", ".join(escape(group.name) for group in groups) or _("none yet")
    await reply(
        _("Interest groups: {names}.\nTap 🗑 to remove one (its members are not told).").format(
            names=names
        ),
        _manage_keyboard(groups),
    )


async def cmd_manage(
    message: Message, session: AsyncSession, user: Person, places: list[int]
) -> None:
    await _show_managed(reply_to_message(message), session, main_place(user, places))


async def cb_add(
    callback: CallbackQuery, user: Person, places: list[int], state: FSMContext
) -> None:
    await callback.answer()
    await state.set_state(NewGroup.name)
    await state.update_data(place_id=main_place(user, places))
    await reply_to_callback(callback)(
        _("The name of the new group (at most {limit} characters)?").format(limit=GROUP_NAME_LIMIT),
        None,
    )


async def msg_name(
    message: Message,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
    clock: Clock,
) -> None:
    name = await typed_text(message, GROUP_NAME_LIMIT)
    if name is None:
        return
    place_id = int((await state.get_data())["place_id"])
    await state.clear()
    if place_id not in places:
        await message.answer(staff_only())
        return
    try:
        await add_group(session, place_id, name, clock())
    except GroupExists:
        await message.answer(_("There is already a group with that name."))
    except TooManyGroups:
        await message.answer(_("A place can have at most 20 groups."))
    await _show_managed(reply_to_message(message), session, place_id)


async def cb_remove(
    callback: CallbackQuery,
    callback_data: GroupCD,
    session: AsyncSession,
    user: Person,
    places: list[int],
) -> None:
    if not await remove_group(session, callback_data.group_id, places):
        await callback.answer(staff_only(), show_alert=True)
        return
    await callback.answer(_("Removed."))
    await _show_managed(reply_to_callback(callback), session, main_place(user, places))
