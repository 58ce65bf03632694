"""Offers and tasks: accept or decline, done, confirmed and rated, not happened, handed
back, messages through the bot, and /tasks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.statuses import RequestStatus
from bot.filters import Asks, HasConsented, Rule
from bot.keyboards import volunteering as vkb
from bot.keyboards.callbacks import OfferAction, OfferCD, TaskAction, TaskCD
from bot.services.centres.places import district_name, timezone_of
from bot.services.helping import tasks, turning_up
from bot.services.helping.offers import (
    AcceptOutcome,
    MatchingConfig,
    accept_offer,
    decline_offer,
)
from bot.services.helping.requests import RequestNotFound
from bot.services.plain import Person
from bot.states import Relay
from bot.views.formatting import decimal
from bot.views.replies import bot_of, drop_buttons, reply_to_callback
from bot.views.requests import status, summary
from bot.views.texts import stale_button, typed_text

TaskService = Callable[[AsyncSession, int, int, datetime, MatchingConfig], Awaitable[object]]


@dataclass(frozen=True)
class TaskPress:
    """What every press on a task works with, handed over by `OnTask`."""

    session: AsyncSession
    user: Person
    clock: Clock
    i18n: I18n
    settings: Settings
    data: TaskCD

    @property
    def request_id(self) -> int:
        return self.data.request_id

    def run(self, service: TaskService) -> Callable[[], Awaitable[object]]:
        """A service that ends a task for this presser and may restart matching."""
        return lambda: service(
            self.session, self.request_id, self.user.id, self.clock(), self.settings.matching()
        )

    async def rematch(
        self,
        callback: CallbackQuery,
        run: Callable[[], Awaitable[object]],
        thanks: Callable[[], str],
    ) -> None:
        """Run the service (the offers it starts are told by the unit of work) and thank
        the presser; a task that is not theirs (any more) gets the stale-button answer."""
        try:
            await run()
        except (RequestNotFound, ValueError):
            await callback.answer(stale_button(), show_alert=True)
            return
        await callback.answer()
        await reply_to_callback(callback)(thanks(), None)


class Pressing(Filter):
    """Hands a task press's handler a `TaskPress` (each service checks on the server
    that the task is the presser's)."""

    async def __call__(
        self,
        callback: CallbackQuery,
        callback_data: TaskCD,
        session: AsyncSession,
        user: Person,
        clock: Clock,
        i18n: I18n,
        settings: Settings,
    ) -> dict[str, Any]:
        return {"press": TaskPress(session, user, clock, i18n, settings, callback_data)}


def build_router() -> Router:
    router = Router(name=__name__)
    consented = HasConsented()
    router.callback_query.register(
        cb_accept, consented, OfferCD.filter(F.action == OfferAction.ACCEPT)
    )
    router.callback_query.register(
        cb_decline, consented, OfferCD.filter(F.action == OfferAction.DECLINE)
    )
    presses: dict[Callable[..., Awaitable[None]], set[TaskAction]] = {
        cb_done: {TaskAction.DONE},
        cb_hours: {TaskAction.HOURS},
        cb_coming: {TaskAction.COMING},
        cb_give_back: {TaskAction.HAND_BACK, TaskAction.NOT_MET},
        cb_confirm: {TaskAction.CONFIRM, TaskAction.RATE},
        cb_no_show: {TaskAction.NO_SHOW},
        cb_ask_no_show: {TaskAction.ASK_NO_SHOW, TaskAction.ASK_DONE},
    }
    pressing = Pressing()
    for handler, actions in presses.items():
        router.callback_query.register(
            handler, consented, TaskCD.filter(F.action.in_(actions)), pressing
        )
    router.callback_query.register(cb_write, consented, TaskCD.filter(F.action == TaskAction.WRITE))
    router.message.register(msg_relay, StateFilter(Relay.text), Rule(F.text))
    router.message.register(cmd_tasks, Asks("tasks"), consented)
    return router


async def cb_accept(
    callback: CallbackQuery,
    callback_data: OfferCD,
    session: AsyncSession,
    user: Person,
    clock: Clock,
) -> None:
    outcome, request = await accept_offer(session, callback_data.offer_id, user.id, clock())
    if outcome == AcceptOutcome.NOT_YOURS:
        await callback.answer(_("This button is not for you."), show_alert=True)
        return
    if outcome == AcceptOutcome.OVER_CAP:
        await callback.answer(
            _("You have reached your limit of tasks this week. Thank you for all you do!"),
            show_alert=True,
        )
        return
    if outcome == AcceptOutcome.ALREADY_YOURS:
        await callback.answer(_("✅ This task is already yours. Thank you!"), show_alert=True)
        return
    if outcome == AcceptOutcome.TOO_LATE or request is None:
        await callback.answer(
            _("Someone was faster. Thank you for wanting to help!"), show_alert=True
        )
        await drop_buttons(callback)
        return
    await callback.answer()
    details = summary(request, await district_name(session, request.district_id), address=True)
    await reply_to_callback(callback)(
        _("🤝 Thank you! The task is yours.")
        + "\n\n"
        + details
        + "\n\n"
        + _("You can write to the resident through me; they do not see your number or username."),
        vkb.volunteer_task(request.id),
    )


async def cb_decline(
    callback: CallbackQuery,
    callback_data: OfferCD,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
) -> None:
    await decline_offer(session, callback_data.offer_id, user.id, clock(), settings.matching())
    await callback.answer()
    await reply_to_callback(callback)(_("Thank you for answering. Maybe next time!"), None)


async def cb_done(callback: CallbackQuery, press: TaskPress) -> None:
    await callback.answer()
    await reply_to_callback(callback)(
        _("Thank you! How long did it take?"), vkb.hours(press.request_id)
    )


async def cb_hours(callback: CallbackQuery, press: TaskPress) -> None:
    hours = press.data.value / 2

    async def finish() -> object:
        return await tasks.finish_task(
            press.session,
            press.request_id,
            press.user,
            hours,
            press.clock(),
            press.settings.matching(),
        )

    await press.rematch(
        callback,
        finish,
        lambda: _("✅ Recorded: {hours} h. Thank you for helping a neighbour!").format(
            hours=decimal(hours)
        ),
    )


async def cb_confirm(callback: CallbackQuery, press: TaskPress) -> None:
    rating = press.data.value if press.data.action == TaskAction.RATE else None
    try:
        request = await tasks.confirm_done(
            press.session, press.request_id, press.user.id, press.clock(), rating
        )
    except (RequestNotFound, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    if rating is not None:
        await reply_to_callback(callback)(_("Thank you for your rating!"), None)
        return
    await reply_to_callback(callback)(
        _("❤️ Thank you! How was it? (you may skip this)"), vkb.ratings(request.id)
    )


async def cb_no_show(callback: CallbackQuery, press: TaskPress) -> None:
    await press.rematch(
        callback,
        press.run(tasks.report_no_show),
        lambda: _("I am sorry. I am looking for another neighbour to help you."),
    )


async def cb_ask_no_show(callback: CallbackQuery, press: TaskPress) -> None:
    """ "It did not happen" asks once more; "No, it happened" brings back the first choice.
    Only the resident of a task called done, or whose time has passed, gets either."""
    try:
        request = await tasks.task_to_close(
            press.session, press.request_id, press.user.id, press.clock()
        )
    except RequestNotFound:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    if press.data.action == TaskAction.ASK_NO_SHOW:
        text = _("Did the volunteer not come at all? I will tell them, and look for someone else.")
        markup = vkb.resident_no_show_check(request.id)
    else:
        text = _("Good. Did it go well?")
        markup = vkb.resident_confirm(request.id)
    await reply_to_callback(callback)(text, markup)


async def cb_coming(callback: CallbackQuery, press: TaskPress) -> None:
    """ "Yes, I'll be there": the task is settled; standbys asked meanwhile are not needed."""
    if await turning_up.confirm_coming(
        press.session, press.request_id, press.user.id, press.clock()
    ):
        await callback.answer(_("Thank you! The neighbour is counting on you."), show_alert=True)
    else:
        await callback.answer(_("This task is no longer yours."), show_alert=True)
    await drop_buttons(callback)


async def cb_give_back(callback: CallbackQuery, press: TaskPress) -> None:
    """The volunteer returns the task: they cannot do it, or nobody was there."""
    not_met = press.data.action == TaskAction.NOT_MET
    await press.rematch(
        callback,
        press.run(partial(tasks.hand_back, nobody_there=not_met)),
        lambda: _("Thank you for letting us know. I will find someone else."),
    )


async def cb_write(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
) -> None:
    try:
        await tasks.relay_partner(session, callback_data.request_id, user.id)
    except RequestNotFound:
        await callback.answer(_("This conversation has ended."), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Relay.text)
    await state.update_data(request_id=callback_data.request_id)
    await bot_of(callback).send_message(
        user.telegram_id, _("Write your message; I will pass it on:")
    )


async def msg_relay(
    message: Message,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
) -> None:
    request_id = (await state.get_data()).get("request_id", 0)
    text = await typed_text(message, tasks.RELAY_LIMIT)
    if text is None:
        return
    await state.clear()
    try:
        await tasks.relay_message(session, request_id, user, text)
    except RequestNotFound:
        await message.answer(_("This conversation has ended."))
        return
    await message.answer(_("Sent."))


async def cmd_tasks(
    message: Message,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
    web_url: str | None,
) -> None:
    mine = await tasks.tasks_of(session, user.id)
    timezone = await timezone_of(session, user.place_id, settings.timezone)
    hours = await tasks.hours_this_month(session, user.id, clock(), timezone)
    if mine:
        await message.answer(
            _("Hours given this month: {hours}").format(hours=decimal(hours)),
            reply_markup=vkb.certificate_button(web_url),
        )
    else:
        await message.answer(_("You have no tasks yet. Requests that fit you will come here."))
    for request in mine:
        markup = vkb.volunteer_task(request.id) if request.status == RequestStatus.MATCHED else None
        await message.answer(
            summary(request, await district_name(session, request.district_id), address=True)
            + "\n"
            + status(request),
            reply_markup=markup,
        )
