"""/events, /myevents and everything on an event card: sign up, waiting list, every
date of a series, cancel, the calendar file; for animators of the place also the
participant list with attendance and cancelling a date or a series. Every press is
checked on the server (state of the date, the role, who presses)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.statuses import SignupStatus
from bot.filters import Asks, HasConsented, Rule
from bot.keyboards import events as ekb
from bot.keyboards.callbacks import (
    AttendCD,
    EventAction,
    EventCD,
    EventsPageCD,
    PeoplePageCD,
    RateCD,
)
from bot.services.centres.invites import runs_place
from bot.services.centres.places import place_info
from bot.services.initiatives import signups
from bot.services.initiatives.agenda import (
    Dated,
    my_upcoming,
    upcoming_at_place,
)
from bot.services.initiatives.calendar import ics_for
from bot.services.initiatives.cards import card_for, public_date
from bot.services.initiatives.event_followup import (
    FEEDBACK_COMMENT_LIMIT,
    FeedbackNotAllowed,
    save_comment,
    save_rating,
)
from bot.services.initiatives.events import cancel_occurrence, cancel_series
from bot.services.plain import Person, PlaceInfo, SignupInfo
from bot.states import Feedback
from bot.views.events import (
    agenda_line,
    event_card,
    leave_answer,
    places_text,
    series_answer,
    series_left_answer,
    signup_answer,
    when_text,
)
from bot.views.labels import rating_label
from bot.views.replies import bot_of, edit_or_send, reply_to_callback
from bot.views.texts import staff_only, typed_text

STAFF_ACTIONS = {EventAction.PEOPLE, EventAction.CANCEL, EventAction.CANCEL_ALL}


@dataclass(frozen=True)
class EventPress:
    """What every press on an event card works with, loaded once by its filter."""

    session: AsyncSession
    user: Person
    is_admin: bool
    clock: Clock
    i18n: I18n
    settings: Settings
    item: Dated
    place: PlaceInfo
    role_id: int

    @property
    def occurrence_id(self) -> int:
        return self.item.occurrence.id

    async def render(self, callback: CallbackQuery) -> None:
        """The card again, as it stands after the press."""
        await _render(
            callback, self.session, self.user, self.is_admin, self.clock, self.occurrence_id
        )

    async def alert_and_render(self, callback: CallbackQuery, text: str) -> None:
        await callback.answer(text, show_alert=True)
        await self.render(callback)


class VisibleEvent(Filter):
    """Passes when the pressed date is public (published or cancelled) and hands the
    handler an `EventPress`; a proposal is not public before approval."""

    staff_only = False

    async def __call__(
        self,
        callback: CallbackQuery,
        callback_data: EventCD | PeoplePageCD,
        session: AsyncSession,
        user: Person,
        clock: Clock,
        i18n: I18n,
        settings: Settings,
        is_admin: bool = False,
    ) -> bool | dict[str, Any]:
        found = await public_date(session, callback_data.occurrence_id)
        if found is None:
            return False
        item, place = found
        if self.staff_only and not await _is_staff(session, user, is_admin, place.id):
            return False
        press = EventPress(
            session,
            user,
            is_admin,
            clock,
            i18n,
            settings,
            item,
            place,
            callback_data.role_id if isinstance(callback_data, EventCD) else 0,
        )
        return {"press": press}


class StaffOfEvent(VisibleEvent):
    """As `VisibleEvent`, and the presser runs the event's place (or is an admin)."""

    staff_only = True


def _on(action: EventAction) -> Filter:
    return EventCD.filter(F.action == action)


def build_router() -> Router:
    """One handler per press. Staff presses first (anyone else is told it is for staff),
    then the public ones; a press on a date that is no longer public is told so."""
    router = Router(name=__name__)
    consented = HasConsented()
    router.message.register(cmd_events, Asks("events"), consented)
    router.message.register(cmd_my_events, Asks("myevents"), consented)
    router.callback_query.register(cb_page, consented, EventsPageCD.filter())
    staff = StaffOfEvent()
    router.callback_query.register(cb_people, consented, _on(EventAction.PEOPLE), staff)
    router.callback_query.register(cb_cancel_date, consented, _on(EventAction.CANCEL), staff)
    router.callback_query.register(cb_cancel_all, consented, _on(EventAction.CANCEL_ALL), staff)
    router.callback_query.register(cb_people_page, consented, PeoplePageCD.filter(), staff)
    router.callback_query.register(
        cb_not_staff,
        consented,
        or_f(EventCD.filter(F.action.in_(STAFF_ACTIONS)), PeoplePageCD.filter()),
    )
    visible = VisibleEvent()
    router.callback_query.register(cb_open, consented, _on(EventAction.OPEN), visible)
    router.callback_query.register(cb_join, consented, _on(EventAction.JOIN), visible)
    router.callback_query.register(cb_series, consented, _on(EventAction.SERIES), visible)
    router.callback_query.register(cb_leave, consented, _on(EventAction.LEAVE), visible)
    router.callback_query.register(cb_unseries, consented, _on(EventAction.UNSERIES), visible)
    router.callback_query.register(cb_calendar, consented, _on(EventAction.ICS), visible)
    router.callback_query.register(cb_gone, consented, EventCD.filter())
    router.callback_query.register(cb_attend, consented, AttendCD.filter())
    router.callback_query.register(cb_rate, consented, RateCD.filter())
    router.message.register(msg_comment, StateFilter(Feedback.comment), Rule(F.text))
    return router


async def _is_staff(session: AsyncSession, user: Person, is_admin: bool, place_id: int) -> bool:
    return is_admin or await runs_place(session, user.id, place_id)


async def _agenda_text(
    session: AsyncSession, place: PlaceInfo, page: int, clock: Clock, web_url: str | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    agenda = await upcoming_at_place(session, place.id, clock(), page)
    if not agenda.items:
        return (
            _("Nothing is planned at {place} yet. Have an idea? Press «💡 I have an idea».").format(
                place=escape(place.name)
            ),
            None,
        )
    lines = [_("Coming up at {place}:").format(place=escape(place.name))]
    free = await signups.participant_places(session, [i.occurrence.id for i in agenda.items])
    for number, item in enumerate(agenda.items, start=agenda.page * 5 + 1):
        seats = free.get(item.occurrence.id)
        places = f" · {places_text(*seats)}" if seats is not None else ""
        lines.append(f"{number}. {agenda_line(item, place)}{places}")
    return "\n".join(lines), ekb.agenda(agenda, web_url)


async def cmd_events(
    message: Message, session: AsyncSession, user: Person, clock: Clock, web_url: str | None
) -> None:
    place = await place_info(session, user.place_id) if user.place_id else None
    if place is None:
        await message.answer(
            _("First choose your community centre with «📍 My centre» to see its events.")
        )
        return
    text, markup = await _agenda_text(session, place, 0, clock, web_url)
    await message.answer(text, reply_markup=markup)


async def cb_page(
    callback: CallbackQuery,
    callback_data: EventsPageCD,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    web_url: str | None,
) -> None:
    await callback.answer()
    place = await place_info(session, user.place_id) if user.place_id else None
    if place is None:
        return
    text, markup = await _agenda_text(session, place, callback_data.page, clock, web_url)
    await edit_or_send(callback, text, markup)


async def cmd_my_events(
    message: Message, session: AsyncSession, user: Person, clock: Clock
) -> None:
    mine = await my_upcoming(session, user.id, clock())
    if not mine:
        await message.answer(_("You have not signed up for anything yet. See /events."))
        return
    lines = [_("Your events:")]
    for item in mine:
        place = await place_info(session, item.event.place_id)
        if place is not None:
            lines.append(f"• {agenda_line(item, place)}")
    await message.answer(
        "\n".join(lines),
        reply_markup=ekb.open_buttons([(i.occurrence, i.event) for i in mine]),
    )


async def _render(
    callback: CallbackQuery,
    session: AsyncSession,
    user: Person,
    is_admin: bool,
    clock: Clock,
    occurrence_id: int,
) -> None:
    found = await public_date(session, occurrence_id)
    if found is None:
        await reply_to_callback(callback)(_("This event is no longer available."), None)
        return
    item, place = found
    card = await card_for(session, item, user.id, clock())
    text = event_card(item, place, card)
    markup = ekb.event_card(item, card, staff=await _is_staff(session, user, is_admin, place.id))
    await edit_or_send(callback, text, markup)


async def cb_gone(callback: CallbackQuery) -> None:
    await callback.answer(_("This event is no longer available."), show_alert=True)


async def cb_not_staff(callback: CallbackQuery) -> None:
    await callback.answer(staff_only(), show_alert=True)


async def cb_open(callback: CallbackQuery, press: EventPress) -> None:
    await callback.answer()
    await press.render(callback)


async def cb_join(callback: CallbackQuery, press: EventPress) -> None:
    result = await signups.sign_up(
        press.session, press.occurrence_id, press.role_id, press.user.id, press.clock()
    )
    await press.alert_and_render(callback, signup_answer(result))


async def cb_series(callback: CallbackQuery, press: EventPress) -> None:
    if not press.item.event.repeat_weeks:
        await cb_open(callback, press)
        return
    results = await signups.join_series(
        press.session, press.item.event.id, press.role_id, press.user.id, press.clock()
    )
    await press.alert_and_render(callback, series_answer(results))


async def cb_leave(callback: CallbackQuery, press: EventPress) -> None:
    cancelled, _moved_up = await signups.cancel_signup(
        press.session, press.occurrence_id, press.user.id, press.clock()
    )
    await press.alert_and_render(callback, leave_answer(cancelled))


async def cb_unseries(callback: CallbackQuery, press: EventPress) -> None:
    await signups.leave_series(press.session, press.item.event.id, press.user.id, press.clock())
    await press.alert_and_render(callback, series_left_answer())


async def cb_calendar(callback: CallbackQuery, press: EventPress, bot: Bot) -> None:
    item = press.item
    if item.occurrence.starts_at is None:
        await callback.answer(_("This event has no date yet."), show_alert=True)
        return
    await callback.answer()
    data = ics_for(item.event, item.occurrence, press.place, press.clock())
    await bot.send_document(
        callback.from_user.id,
        BufferedInputFile(data, filename=f"event-{item.occurrence.id}.ics"),
        caption=_("Open the file to add «{title}» to your calendar.").format(
            title=escape(item.event.title)
        ),
    )


async def cb_people(callback: CallbackQuery, press: EventPress) -> None:
    await callback.answer()
    text, markup = await _participants(press, page=0)
    await bot_of(callback).send_message(callback.from_user.id, text, reply_markup=markup)


async def cb_people_page(
    callback: CallbackQuery, callback_data: PeoplePageCD, press: EventPress
) -> None:
    await callback.answer()
    text, markup = await _participants(press, page=callback_data.page)
    await edit_or_send(callback, text, markup)


async def cb_cancel_date(callback: CallbackQuery, press: EventPress) -> None:
    await cancel_occurrence(press.session, press.occurrence_id, press.clock())
    await press.alert_and_render(callback, _("Cancelled. Everyone who signed up is told."))


async def cb_cancel_all(callback: CallbackQuery, press: EventPress) -> None:
    await cancel_series(press.session, press.item.event.id, press.clock())
    await press.alert_and_render(callback, _("Cancelled. Everyone who signed up is told."))


async def _participants(press: EventPress, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the date's participants, with a button per person who has a place to
    mark who came: a picnic for 200 would not fit in one message or one keyboard."""
    people = await signups.participants(press.session, press.occurrence_id)
    heading = _("👥 {title}, {when}").format(
        title=escape(press.item.event.title),
        when=when_text(press.item.occurrence.starts_at, press.place.timezone),
    )
    if not people:
        return heading + "\n" + _("Nobody has signed up yet."), None
    shown, page, pages = _page_of(people, page)
    lines = [heading]
    for number, (signup, person) in enumerate(shown, start=page * ekb.PEOPLE_PAGE + 1):
        state = _("waiting") if signup.status == SignupStatus.WAITING else _("has a place")
        lines.append(f"{number}. {escape(person.first_name or '?')} · {state}")
    lines.append(_("Tap a name to mark who came (✅ came, ❌ did not come)."))
    return "\n".join(lines), ekb.attendance(press.occurrence_id, _with_a_place(shown), page, pages)


def _page_of(
    people: list[tuple[SignupInfo, Person]], page: int
) -> tuple[list[tuple[SignupInfo, Person]], int, int]:
    """The people on `page` (kept within the list), that page, and how many there are."""
    pages = max(1, -(-len(people) // ekb.PEOPLE_PAGE))
    page = min(max(page, 0), pages - 1)
    return people[page * ekb.PEOPLE_PAGE : (page + 1) * ekb.PEOPLE_PAGE], page, pages


def _with_a_place(people: list[tuple[SignupInfo, Person]]) -> list[tuple[SignupInfo, str]]:
    return [
        (signup, person.first_name or "?")
        for signup, person in people
        if signup.status == SignupStatus.CONFIRMED
    ]


async def cb_attend(
    callback: CallbackQuery,
    callback_data: AttendCD,
    session: AsyncSession,
    user: Person,
    is_admin: bool,
    clock: Clock,
) -> None:
    found = await public_date(session, callback_data.occurrence_id)
    if found is None or not await _is_staff(session, user, is_admin, found[1].id):
        await callback.answer(staff_only(), show_alert=True)
        return
    marked = await signups.set_attendance(
        session,
        callback_data.occurrence_id,
        callback_data.signup_id,
        callback_data.attended,
        clock(),
    )
    if not marked:
        await callback.answer(_("This person no longer has a place."), show_alert=True)
        return
    await callback.answer(_("Saved."))
    people = await signups.participants(session, callback_data.occurrence_id)
    position = next(
        (n for n, (signup, _person) in enumerate(people) if signup.id == callback_data.signup_id),
        0,
    )
    shown, page, pages = _page_of(people, position // ekb.PEOPLE_PAGE)
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(
            reply_markup=ekb.attendance(
                callback_data.occurrence_id, _with_a_place(shown), page, pages
            )
        )


async def cb_rate(
    callback: CallbackQuery,
    callback_data: RateCD,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
) -> None:
    try:
        await save_rating(
            session, callback_data.occurrence_id, user.id, callback_data.rating, clock()
        )
    except FeedbackNotAllowed:
        await callback.answer(_("Only participants can rate, after the event."), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Feedback.comment)
    await state.update_data(occurrence_id=callback_data.occurrence_id)
    await reply_to_callback(callback)(
        _("Thank you! Anything to add for the animators? Type it, or press «No comment».")
        + "\n"
        + rating_label(callback_data.rating),
        ekb.skip_comment(),
    )


async def msg_comment(
    message: Message, session: AsyncSession, user: Person, state: FSMContext
) -> None:
    comment = await typed_text(message, FEEDBACK_COMMENT_LIMIT)
    if comment is None:
        return
    data = await state.get_data()
    await state.clear()
    with contextlib.suppress(FeedbackNotAllowed):
        await save_comment(session, int(data["occurrence_id"]), user.id, comment)
    await message.answer(_("Thank you, the animators will read it."))
