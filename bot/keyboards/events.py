"""Buttons for proposing, browsing and running events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.dates import format_date

from bot.db.statuses import EventStatus, OccurrenceStatus, SignupStatus
from bot.keyboards.builders import cancel_button
from bot.keyboards.callbacks import (
    AttendCD,
    CancelCD,
    DraftAction,
    DraftCD,
    DraftGroupCD,
    EditFieldCD,
    EventAction,
    EventCD,
    EventsPageCD,
    PeoplePageCD,
    RateCD,
    ReviewAction,
    ReviewCD,
)
from bot.keyboards.grid import InlineGrid
from bot.services.initiatives.agenda import AgendaPage, Dated
from bot.services.initiatives.cards import Card
from bot.services.initiatives.event_followup import RATINGS
from bot.services.initiatives.signups import SeatView
from bot.services.plain import EventInfo, GroupInfo, OccurrenceInfo, SignupInfo
from bot.views.events import repeat_text
from bot.views.labels import attendance_label, rating_label
from bot.views.labels import chosen as chosen_label

CAPACITY_CHOICES = (10, 20, 30, 50)
EVENT_DAYS_AHEAD = 14
# Minutes after midnight, in the place's zone.
EVENT_TIMES = tuple(hour * 60 for hour in (9, 10, 11, 12, 15, 16, 17, 18))
REPEAT_CHOICES = (0, 1, 2)
NO_LIMIT = 0
# The helpers most events at a centre need, so a role is chosen, not typed.
COMMON_ROLES = (
    __("Setting up the room"),
    __("Welcoming guests"),
    __("Refreshments"),
    __("Cleaning up"),
    __("Games for children"),
    __("Photos"),
)
ROLE_COUNTS = (1, 2, 3, 4, 5, 6)


def _single(action: DraftAction, label: str) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=label, callback_data=DraftCD(action=action))
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def to_be_agreed() -> InlineKeyboardMarkup:
    return _single(DraftAction.TBA, _("🤝 Date to be agreed"))


def event_days(today: date) -> InlineKeyboardMarkup:
    """The next two weeks as buttons ("sob., 5 gru"), so nobody has to type a date format."""
    language = get_i18n().current_locale
    builder = InlineGrid()
    builder.button(text=_("Today"), callback_data=DraftCD(action=DraftAction.DAY, value=0))
    builder.button(text=_("Tomorrow"), callback_data=DraftCD(action=DraftAction.DAY, value=1))
    for offset in range(2, EVENT_DAYS_AHEAD):
        label = format_date(today + timedelta(days=offset), format="EEE, d MMM", locale=language)
        builder.button(text=label, callback_data=DraftCD(action=DraftAction.DAY, value=offset))
    builder.button(text=_("🤝 Date to be agreed"), callback_data=DraftCD(action=DraftAction.TBA))
    cancel_button(builder)
    return builder.adjust(2, 2, 2, 2, 2, 2, 2, 1).as_markup()


def event_times() -> InlineKeyboardMarkup:
    """Common starting hours; another one can be typed."""
    builder = InlineGrid()
    for minutes in EVENT_TIMES:
        label = f"{minutes // 60:02d}:{minutes % 60:02d}"
        builder.button(text=label, callback_data=DraftCD(action=DraftAction.TIME, value=minutes))
    cancel_button(builder)
    return builder.adjust(4, 4, 1).as_markup()


def at_the_centre() -> InlineKeyboardMarkup:
    """The centre's own rooms; its name is not on the button, where a long name would
    not fit and a preposition would need its case ("w Dom Sąsiedzki")."""
    return _single(DraftAction.HERE, _("📍 At the centre"))


def helper_roles(chosen: dict[str, int]) -> InlineKeyboardMarkup:
    """The common roles (a chosen one shows its count), then "Done" once something is
    chosen, or "No helpers needed" while nothing is."""
    builder = InlineGrid()
    for index, role in enumerate(COMMON_ROLES):
        name = str(role)
        label = chosen_label(f"{name} ×{chosen[name]}", True) if name in chosen else name
        builder.button(text=label, callback_data=DraftCD(action=DraftAction.ROLE, value=index))
    if chosen:
        builder.button(text=_("➡️ Next"), callback_data=DraftCD(action=DraftAction.ROLES_DONE))
    else:
        builder.button(
            text=_("No helpers needed"), callback_data=DraftCD(action=DraftAction.NO_ROLES)
        )
    cancel_button(builder)
    return builder.adjust(2, 2, 2, 1).as_markup()


def role_counts() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for count in ROLE_COUNTS:
        builder.button(
            text=str(count), callback_data=DraftCD(action=DraftAction.COUNT, value=count)
        )
    builder.button(text=_("✖️ Not needed"), callback_data=DraftCD(action=DraftAction.COUNT, value=0))
    cancel_button(builder)
    return builder.adjust(len(ROLE_COUNTS), 1).as_markup()


def repeats() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for weeks in REPEAT_CHOICES:
        builder.button(
            text=repeat_text(weeks), callback_data=DraftCD(action=DraftAction.REPEAT, value=weeks)
        )
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def capacities() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for count in CAPACITY_CHOICES:
        builder.button(
            text=str(count), callback_data=DraftCD(action=DraftAction.CAPACITY, value=count)
        )
    builder.button(
        text=_("No limit"), callback_data=DraftCD(action=DraftAction.CAPACITY, value=NO_LIMIT)
    )
    cancel_button(builder)
    return builder.adjust(len(CAPACITY_CHOICES), 1, 1).as_markup()


def draft_groups(groups: Sequence[GroupInfo], chosen: set[int]) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for group in groups:
        builder.button(
            text=chosen_label(group.name, group.id in chosen),
            callback_data=DraftGroupCD(group_id=group.id),
        )
    builder.button(text=_("➡️ Next"), callback_data=DraftCD(action=DraftAction.GROUPS))
    return builder.adjust(1).as_markup()


def draft_confirm() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("📨 Submit"), callback_data=DraftCD(action=DraftAction.SUBMIT))
    builder.button(text=_("✏️ Edit"), callback_data=DraftCD(action=DraftAction.EDIT))
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def review(event_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(
        text=_("✅ Approve"), callback_data=ReviewCD(action=ReviewAction.APPROVE, event_id=event_id)
    )
    builder.button(
        text=_("✏️ Edit"), callback_data=ReviewCD(action=ReviewAction.EDIT, event_id=event_id)
    )
    builder.button(
        text=_("❌ Reject"), callback_data=ReviewCD(action=ReviewAction.REJECT, event_id=event_id)
    )
    return builder.adjust(1).as_markup()


def edit_fields(event_id: int) -> InlineKeyboardMarkup:
    labels = {
        "title": _("Title"),
        "description": _("Description"),
        "starts_at": _("When"),
        "location": _("Where"),
        "capacity": _("Number of places"),
    }
    builder = InlineGrid()
    for name, label in labels.items():
        builder.button(text=label, callback_data=EditFieldCD(event_id=event_id, field=name))
    return builder.adjust(2).as_markup()


def agenda(page: AgendaPage, web_url: str | None = None) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for number, item in enumerate(page.items, start=page.page * 5 + 1):
        builder.button(
            text=f"{number}. {item.event.title}",
            callback_data=EventCD(action=EventAction.OPEN, occurrence_id=item.occurrence.id),
        )
    widths = [1] * len(page.items)
    widths += _pager(builder, page.page, page.pages, lambda to: EventsPageCD(page=to))
    builder.page(text=_("📅 Calendar"), web_url=web_url, page="events")
    return builder.adjust(*widths, 1).as_markup()


def _pager(
    builder: InlineGrid, page: int, pages: int, to_page: Callable[[int], CallbackData]
) -> list[int]:
    """◀️ Back and More ▶️ on one row, where there is a page before or after; the row's
    width for `adjust` (none when there is one page)."""
    nav = 0
    if page > 0:
        builder.button(text=_("◀️ Back"), callback_data=to_page(page - 1))
        nav += 1
    if page < pages - 1:
        builder.button(text=_("More ▶️"), callback_data=to_page(page + 1))
        nav += 1
    return [nav] if nav else []


def open_buttons(items: Sequence[tuple[OccurrenceInfo, EventInfo]]) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for occurrence, event in items:
        builder.button(
            text=event.title,
            callback_data=EventCD(action=EventAction.OPEN, occurrence_id=occurrence.id),
        )
    return builder.adjust(1).as_markup()


def _join_label(seat: SeatView) -> str:
    if seat.role.name is None:
        return _("⏳ Join the waiting list") if seat.full else _("✅ Sign up")
    if seat.full:
        return _("⏳ Wait to help: {role}").format(role=seat.role.name)
    return _("🙋 Help: {role}").format(role=seat.role.name)


def event_card(item: Dated, card: Card, *, staff: bool) -> InlineKeyboardMarkup:
    """What the viewer can do with this date; staff also get the animator's buttons."""
    event, occurrence, seats, mine = item.event, item.occurrence, card.seats, card.mine
    series_member, neighbours = card.series_member, card.neighbours
    builder = InlineGrid()
    oid = occurrence.id
    live = occurrence.status == OccurrenceStatus.SCHEDULED and event.status == EventStatus.PUBLISHED
    if live and mine is None:
        for seat in seats:
            builder.button(
                text=_join_label(seat),
                callback_data=EventCD(
                    action=EventAction.JOIN, occurrence_id=oid, role_id=seat.role.id
                ),
            )
        if event.repeat_weeks and not series_member:
            participants = next((s for s in seats if s.role.name is None), None)
            if participants is not None:
                builder.button(
                    text=_("🔁 Sign up for every date"),
                    callback_data=EventCD(
                        action=EventAction.SERIES, occurrence_id=oid, role_id=participants.role.id
                    ),
                )
    if live and mine is not None:
        label = (
            _("❌ Cancel my sign-up")
            if mine.status == SignupStatus.CONFIRMED
            else _("❌ Leave the waiting list")
        )
        builder.button(
            text=label, callback_data=EventCD(action=EventAction.LEAVE, occurrence_id=oid)
        )
    if live and series_member:
        builder.button(
            text=_("❌ Stop coming to every date"),
            callback_data=EventCD(action=EventAction.UNSERIES, occurrence_id=oid),
        )
    if occurrence.starts_at is not None:
        builder.button(
            text=_("📅 Add to my calendar"),
            callback_data=EventCD(action=EventAction.ICS, occurrence_id=oid),
        )
    earlier, later = neighbours
    if earlier is not None:
        builder.button(
            text=_("◀️ Earlier date"),
            callback_data=EventCD(action=EventAction.OPEN, occurrence_id=earlier),
        )
    if later is not None:
        builder.button(
            text=_("Later date ▶️"),
            callback_data=EventCD(action=EventAction.OPEN, occurrence_id=later),
        )
    if staff:
        builder.button(
            text=_("👥 Participants"),
            callback_data=EventCD(action=EventAction.PEOPLE, occurrence_id=oid),
        )
        if live:
            builder.button(
                text=_("🚫 Cancel this date"),
                callback_data=EventCD(action=EventAction.CANCEL, occurrence_id=oid),
            )
            if event.repeat_weeks:
                builder.button(
                    text=_("🚫 Cancel the whole series"),
                    callback_data=EventCD(action=EventAction.CANCEL_ALL, occurrence_id=oid),
                )
    return builder.adjust(1).as_markup()


def _calendar_and_details(builder: InlineGrid, occurrence_id: int) -> None:
    builder.button(
        text=_("📅 Add to my calendar"),
        callback_data=EventCD(action=EventAction.ICS, occurrence_id=occurrence_id),
    )
    builder.button(
        text=_("ℹ️ Details"),
        callback_data=EventCD(action=EventAction.OPEN, occurrence_id=occurrence_id),
    )


def calendar_only(occurrence_id: int) -> InlineKeyboardMarkup:
    """Under notices about a date: the calendar file (also for a cancelled date, so the
    phone's calendar can mark it cancelled) and the card."""
    builder = InlineGrid()
    _calendar_and_details(builder, occurrence_id)
    return builder.adjust(1).as_markup()


def invitation(occurrence_id: int, role_id: int, helper: bool = True) -> InlineKeyboardMarkup:
    """Under an invitation to a helper's role, or (not `helper`) to a participant's place."""
    builder = InlineGrid()
    builder.button(
        text=_("🙋 I will help") if helper else _("✅ I will come"),
        callback_data=EventCD(
            action=EventAction.JOIN, occurrence_id=occurrence_id, role_id=role_id
        ),
    )
    _calendar_and_details(builder, occurrence_id)
    return builder.adjust(1).as_markup()


# Participants shown on one page of the list: 20 lines and 20 buttons fit any phone,
# and Telegram's limits (4,096 characters, 100 buttons) with room to spare.
PEOPLE_PAGE = 20


def attendance(
    occurrence_id: int, people: Sequence[tuple[SignupInfo, str]], page: int = 0, pages: int = 1
) -> InlineKeyboardMarkup:
    """A button per participant with a place on this page of the list, then the pager."""
    builder = InlineGrid()
    for signup, name in people:
        builder.button(
            text=attendance_label(name, signup.attended),
            callback_data=AttendCD(
                occurrence_id=occurrence_id,
                signup_id=signup.id,
                attended=signup.attended is not True,
            ),
        )
    widths = [1] * len(people)
    widths += _pager(
        builder, page, pages, lambda to: PeoplePageCD(occurrence_id=occurrence_id, page=to)
    )
    return builder.adjust(*widths).as_markup()


def ratings(occurrence_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for rating in RATINGS:
        builder.button(
            text=rating_label(rating),
            callback_data=RateCD(occurrence_id=occurrence_id, rating=rating),
        )
    return builder.adjust(1).as_markup()


def skip_comment() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("No comment"), callback_data=CancelCD())
    return builder.as_markup()
