"""Offers and tasks: accept or decline, done, confirmed and rated, not happened, handed
back, messages through the bot, and /tasks."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.models import User
from bot.filters import HasConsented, Rule, shortcut
from bot.keyboards import volunteering as vkb
from bot.keyboards.callbacks import OfferAction, OfferCD, TaskAction, TaskCD
from bot.notify.delivery import deliver, send_notice
from bot.services import tasks, turning_up
from bot.services.notifier import Notifier
from bot.services.offers import AcceptOutcome, accept_offer, decline_offer
from bot.services.places import district_name, timezone_of
from bot.services.requests import RequestNotFound
from bot.services.statuses import RequestStatus
from bot.states import Relay
from bot.views.formatting import decimal
from bot.views.replies import drop_buttons, reply_to_callback
from bot.views.requests import status, summary
from bot.views.texts import stale_button, typed_text

RELAY_LIMIT = 1000


def build_router() -> Router:
    router = Router(name=__name__)
    consented = HasConsented()
    router.callback_query.register(
        cb_accept, consented, OfferCD.filter(F.action == OfferAction.ACCEPT)
    )
    router.callback_query.register(
        cb_decline, consented, OfferCD.filter(F.action == OfferAction.DECLINE)
    )
    router.callback_query.register(cb_done, consented, TaskCD.filter(F.action == TaskAction.DONE))
    router.callback_query.register(cb_hours, consented, TaskCD.filter(F.action == TaskAction.HOURS))
    router.callback_query.register(
        cb_coming, consented, TaskCD.filter(F.action == TaskAction.COMING)
    )
    router.callback_query.register(
        cb_give_back,
        consented,
        TaskCD.filter(F.action.in_({TaskAction.HAND_BACK, TaskAction.NOT_MET})),
    )
    router.callback_query.register(
        cb_confirm, consented, TaskCD.filter(F.action.in_({TaskAction.CONFIRM, TaskAction.RATE}))
    )
    router.callback_query.register(
        cb_no_show, consented, TaskCD.filter(F.action == TaskAction.NO_SHOW)
    )
    router.callback_query.register(
        cb_ask_no_show,
        consented,
        TaskCD.filter(F.action.in_({TaskAction.ASK_NO_SHOW, TaskAction.ASK_DONE})),
    )
    router.callback_query.register(cb_write, consented, TaskCD.filter(F.action == TaskAction.WRITE))
    router.message.register(msg_relay, StateFilter(Relay.text), Rule(F.text))
    router.message.register(cmd_tasks, shortcut("tasks"), consented)
    return router


async def cb_accept(
    callback: CallbackQuery,
    callback_data: OfferCD,
    session: AsyncSession,
    user: User,
    clock: Clock,
    notifier: Notifier,
) -> None:
    outcome, request = await accept_offer(
        session, callback_data.offer_id, user.id, clock(), notifier
    )
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
    user: User,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
) -> None:
    outcome = await decline_offer(
        session, callback_data.offer_id, user.id, clock(), settings.matching()
    )
    await deliver(i18n, session, clock, outcome, settings.default_language)
    await callback.answer()
    await reply_to_callback(callback)(_("Thank you for answering. Maybe next time!"), None)


async def cb_done(callback: CallbackQuery, callback_data: TaskCD) -> None:
    await callback.answer()
    await reply_to_callback(callback)(
        _("Thank you! How long did it take?"), vkb.hours(callback_data.request_id)
    )


async def cb_hours(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: User,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
    notifier: Notifier,
) -> None:
    try:
        request, freed = await tasks.finish_task(
            session,
            callback_data.request_id,
            user,
            callback_data.value / 2,
            clock(),
            settings.matching(),
            notifier,
        )
    except (RequestNotFound, ValueError):
        await callback.answer(stale_button(), show_alert=True)
        return
    await deliver(i18n, session, clock, freed, settings.default_language)
    await callback.answer()
    await reply_to_callback(callback)(
        _("✅ Recorded: {hours} h. Thank you for helping a neighbour!").format(
            hours=decimal(request.hours)
        ),
        None,
    )


async def cb_confirm(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: User,
    clock: Clock,
    notifier: Notifier,
) -> None:
    rating = callback_data.value if callback_data.action == TaskAction.RATE else None
    try:
        request = await tasks.confirm_done(
            session, callback_data.request_id, user.id, clock(), rating, notifier
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


async def cb_no_show(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: User,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
    notifier: Notifier,
) -> None:
    try:
        outcome = await tasks.report_no_show(
            session, callback_data.request_id, user.id, clock(), settings.matching(), notifier
        )
    except RequestNotFound:
        await callback.answer(stale_button(), show_alert=True)
        return
    await deliver(i18n, session, clock, outcome, settings.default_language)
    await callback.answer()
    await reply_to_callback(callback)(
        _("I am sorry. I am looking for another neighbour to help you."), None
    )


async def cb_ask_no_show(
    callback: CallbackQuery, callback_data: TaskCD, session: AsyncSession, user: User, clock: Clock
) -> None:
    """ "It did not happen" asks once more; "No, it happened" brings back the first choice.
    Only the resident of a task called done, or whose time has passed, gets either."""
    try:
        request = await tasks.task_to_close(session, callback_data.request_id, user.id, clock())
    except RequestNotFound:
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer()
    if callback_data.action == TaskAction.ASK_NO_SHOW:
        text = _("Did the volunteer not come at all? I will tell them, and look for someone else.")
        markup = vkb.resident_no_show_check(request.id)
    else:
        text = _("Good. Did it go well?")
        markup = vkb.resident_confirm(request.id)
    await reply_to_callback(callback)(text, markup)


async def cb_coming(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: User,
    clock: Clock,
) -> None:
    """ "Yes, I'll be there": the task is settled; standbys asked meanwhile are not needed."""
    if not await turning_up.confirm_coming(session, callback_data.request_id, user.id, clock()):
        await callback.answer(_("This task is no longer yours."), show_alert=True)
        await drop_buttons(callback)
        return
    await callback.answer(_("Thank you! The neighbour is counting on you."), show_alert=True)
    await drop_buttons(callback)


async def cb_give_back(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: User,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
    notifier: Notifier,
) -> None:
    """The volunteer returns the task: they cannot do it, or nobody was there."""
    not_met = callback_data.action == TaskAction.NOT_MET
    give_back = tasks.report_not_met if not_met else tasks.hand_back
    try:
        outcome = await give_back(
            session, callback_data.request_id, user.id, clock(), settings.matching(), notifier
        )
    except RequestNotFound:
        await callback.answer(stale_button(), show_alert=True)
        return
    await deliver(i18n, session, clock, outcome, settings.default_language)
    await callback.answer()
    await reply_to_callback(callback)(
        _("Thank you for letting us know. I will find someone else."), None
    )


async def cb_write(
    callback: CallbackQuery,
    callback_data: TaskCD,
    session: AsyncSession,
    user: User,
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
    await callback.bot.send_message(user.telegram_id, _("Write your message; I will pass it on:"))


async def msg_relay(
    message: Message,
    session: AsyncSession,
    user: User,
    state: FSMContext,
    clock: Clock,
    i18n: I18n,
) -> None:
    request_id = (await state.get_data()).get("request_id", 0)
    text = await typed_text(message, RELAY_LIMIT)
    if text is None:
        return
    await state.clear()
    try:
        partner = await tasks.relay_partner(session, request_id, user.id)
    except RequestNotFound:
        await message.answer(_("This conversation has ended."))
        return
    name = escape(user.first_name or "")
    with i18n.use_locale(partner.language or "pl"):
        body = _("✉️ {name} writes about your task:").format(name=name) + "\n\n" + escape(text)
        markup = vkb.reply_to(request_id)
    await send_notice(session, clock, partner.telegram_id, body, markup, kind="relay")
    await message.answer(_("Sent."))


async def cmd_tasks(
    message: Message, session: AsyncSession, user: User, clock: Clock, settings: Settings
) -> None:
    mine = await tasks.tasks_of(session, user.id)
    timezone = await timezone_of(session, user.place_id, settings.timezone)
    hours = await tasks.hours_this_month(session, user.id, clock(), timezone)
    if mine:
        await message.answer(
            _("Hours given this month: {hours}").format(hours=decimal(hours)),
            reply_markup=vkb.certificate_button(),
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
