"""Keyboards of the volunteer profile, help requests, offers and tasks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.keyboards.builders import cancel_button
from bot.keyboards.callbacks import (
    CandidatesCD,
    CapCD,
    CategoryCD,
    CertAskCD,
    DistrictCD,
    EscalationAction,
    EscalationCD,
    MyRequestAction,
    MyRequestCD,
    OfferAction,
    OfferCD,
    PartCD,
    PauseCD,
    ProfileCD,
    ProfileSection,
    RequestAction,
    RequestCD,
    ServeCD,
    SlotCD,
    SpokenCD,
    TalentCD,
    TaskAction,
    TaskCD,
    VetHoldCD,
    WhenCD,
)
from bot.keyboards.grid import InlineGrid, column
from bot.services.helping.tasks import HOURS_CHOICES, RATINGS
from bot.services.people.profiles import WEEKLY_CAPS, ProfileView
from bot.services.people.talents import DAYS, PARTS, SPOKEN_LANGUAGES, TALENTS, slot
from bot.services.people.verification import HOLD_MONTHS, UNTIL_REVOKED
from bot.services.plain import DistrictInfo
from bot.views.formatting import decimal
from bot.views.labels import (
    PART_LABELS,
    PART_WORDS,
    chosen,
    language_name,
    long_date,
    rating_label,
    talent,
    weekday_short,
)

ANY = -1
DAYS_AHEAD = 7


def _done(builder: InlineGrid) -> None:
    builder.button(
        text=_("⬅️ Back to the profile"), callback_data=ProfileCD(section=ProfileSection.SUMMARY)
    )


PAUSE_DAYS = (7, 14, 30)


def profile_menu(
    view: ProfileView, *, paused: bool, web_url: str | None = None
) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("🧰 Talents"), callback_data=ProfileCD(section=ProfileSection.TALENTS))
    builder.button(
        text=_("🗓 When I can help"), callback_data=ProfileCD(section=ProfileSection.SLOTS)
    )
    builder.button(
        text=_("📍 Districts"), callback_data=ProfileCD(section=ProfileSection.DISTRICTS)
    )
    builder.button(text=_("🗣 Languages"), callback_data=ProfileCD(section=ProfileSection.LANGUAGES))
    builder.button(text=_("🔢 Tasks per week"), callback_data=ProfileCD(section=ProfileSection.CAP))
    if not view.completed:
        builder.button(
            text=_("✅ Ready to help"), callback_data=ProfileCD(section=ProfileSection.READY)
        )
    elif paused:
        builder.button(
            text=_("▶️ I am back"), callback_data=ProfileCD(section=ProfileSection.RESUME)
        )
    else:
        builder.button(
            text=_("⏸ Take a break"), callback_data=ProfileCD(section=ProfileSection.PAUSE)
        )
    builder.page(text=_("🗓 My week"), web_url=web_url, page="week")
    return builder.adjust(2, 2, 1, 1).as_markup()


def pause_lengths() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("One week"), callback_data=PauseCD(days=7))
    builder.button(text=_("Two weeks"), callback_data=PauseCD(days=14))
    builder.button(text=_("A month"), callback_data=PauseCD(days=30))
    builder.button(text=_("Until I am back"), callback_data=PauseCD(days=0))
    _done(builder)
    return builder.adjust(3, 1, 1).as_markup()


def back_from_pause() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    _done(builder)
    return builder.as_markup()


def talents(view: ProfileView) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for code in TALENTS:
        builder.button(
            text=chosen(talent(code), code in view.talents),
            callback_data=TalentCD(code=code, chosen=code not in view.talents),
        )
    builder.button(
        text=_("✏️ Something else (write it)"), callback_data=ProfileCD(section=ProfileSection.OTHER)
    )
    _done(builder)
    return builder.adjust(1).as_markup()


def back_to_talents() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("⬅️ Back"), callback_data=ProfileCD(section=ProfileSection.TALENTS))
    return builder.as_markup()


def slots(view: ProfileView) -> InlineKeyboardMarkup:
    """A 7 × 3 grid: one row a day, morning / afternoon / evening."""
    language = get_i18n().current_locale
    builder = InlineGrid()
    for weekday in range(DAYS):
        for part in PARTS:
            code = slot(weekday, part)
            label = f"{weekday_short(weekday, language)} {PART_WORDS[part]}"
            builder.button(
                text=chosen(label, code in view.slots),
                callback_data=SlotCD(slot=code, chosen=code not in view.slots),
            )
    _done(builder)
    return builder.adjust(*([len(PARTS)] * DAYS), 1).as_markup()


def serve_districts(view: ProfileView, districts: Iterable[DistrictInfo]) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for district in districts:
        builder.button(
            text=chosen(district.name, district.id in view.district_ids),
            callback_data=ServeCD(
                district_id=district.id, chosen=district.id not in view.district_ids
            ),
        )
    _done(builder)
    return builder.adjust(1).as_markup()


def spoken(view: ProfileView) -> InlineKeyboardMarkup:
    language = get_i18n().current_locale
    builder = InlineGrid()
    for code in SPOKEN_LANGUAGES:
        builder.button(
            text=chosen(language_name(code, language), code in view.languages),
            callback_data=SpokenCD(language=code, chosen=code not in view.languages),
        )
    _done(builder)
    return builder.adjust(2).as_markup()


def caps(view: ProfileView) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for cap in WEEKLY_CAPS:
        builder.button(
            text=chosen(str(cap), cap == view.max_tasks_per_week), callback_data=CapCD(cap=cap)
        )
    _done(builder)
    return builder.adjust(len(WEEKLY_CAPS), 1).as_markup()


def categories() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for code in TALENTS:
        builder.button(text=talent(code), callback_data=CategoryCD(code=code))
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def days(today: date) -> InlineKeyboardMarkup:
    language = get_i18n().current_locale
    builder = InlineGrid()
    builder.button(text=_("Today"), callback_data=WhenCD(offset=0))
    builder.button(text=_("Tomorrow"), callback_data=WhenCD(offset=1))
    for offset in range(2, DAYS_AHEAD):
        builder.button(
            text=long_date(today + timedelta(days=offset), language),
            callback_data=WhenCD(offset=offset),
        )
    builder.button(text=_("Any day, I am flexible"), callback_data=WhenCD(offset=ANY))
    cancel_button(builder)
    return builder.adjust(2, 1).as_markup()


def parts() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for part in PARTS:
        builder.button(text=str(PART_LABELS[part]), callback_data=PartCD(part=part))
    builder.button(text=_("Any time"), callback_data=PartCD(part=ANY))
    cancel_button(builder)
    return builder.adjust(3, 1, 1).as_markup()


def request_districts(districts: Iterable[DistrictInfo], home: int | None) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for district in districts:
        label = (
            _("📍 {district} (where you live)").format(district=district.name)
            if district.id == home
            else district.name
        )
        builder.button(text=label, callback_data=DistrictCD(district_id=district.id))
    cancel_button(builder)
    return builder.adjust(2).as_markup()


def skip_address() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(
        text=_("Skip: the volunteer will ask"),
        callback_data=RequestCD(action=RequestAction.NO_ADDRESS),
    )
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def request_summary() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(
        text=_("📨 Send the request"), callback_data=RequestCD(action=RequestAction.SUBMIT)
    )
    builder.button(text=_("✏️ Change it"), callback_data=RequestCD(action=RequestAction.EDIT))
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def my_request(
    request_id: int, *, write: bool, close: bool, cancel: bool
) -> InlineKeyboardMarkup | None:
    """Under a resident's own request: write to the volunteer once someone has accepted;
    confirm or say it did not happen once it is done or its time has passed."""
    if not (write or close or cancel):
        return None
    builder = InlineGrid()
    if write:
        _write_to_volunteer(builder, request_id)
    if close:
        _confirm_buttons(builder, request_id)
    if cancel:
        builder.button(
            text=_("✖️ Cancel this request"),
            callback_data=MyRequestCD(action=MyRequestAction.CANCEL, request_id=request_id),
        )
    return builder.adjust(1).as_markup()


def offer(offer_id: int) -> InlineKeyboardMarkup:
    return column(
        (_("✅ I will help"), OfferCD(action=OfferAction.ACCEPT, offer_id=offer_id)),
        (_("Not this time"), OfferCD(action=OfferAction.DECLINE, offer_id=offer_id)),
    )


def _write(builder: InlineGrid, request_id: int) -> None:
    builder.button(
        text=_("✉️ Write a message"),
        callback_data=TaskCD(action=TaskAction.WRITE, request_id=request_id),
    )


def reply_to(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    _write(builder, request_id)
    return builder.as_markup()


def volunteer_task(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(
        text=_("✅ Done"), callback_data=TaskCD(action=TaskAction.DONE, request_id=request_id)
    )
    _write(builder, request_id)
    builder.button(
        text=_("↩️ I cannot do it after all"),
        callback_data=TaskCD(action=TaskAction.HAND_BACK, request_id=request_id),
    )
    builder.button(
        text=_("🚪 I came, nobody was there"),
        callback_data=TaskCD(action=TaskAction.NOT_MET, request_id=request_id),
    )
    return builder.adjust(1).as_markup()


def still_coming(request_id: int) -> InlineKeyboardMarkup:
    """The two answers to "are you still coming?"; "I can't" is the hand-back."""
    return column(
        (_("✅ Yes, I'll be there"), TaskCD(action=TaskAction.COMING, request_id=request_id)),
        (_("🙁 I can't after all"), TaskCD(action=TaskAction.HAND_BACK, request_id=request_id)),
    )


def hours(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for value in HOURS_CHOICES:
        label = _("{hours} h").format(hours=decimal(value))
        builder.button(
            text=label,
            callback_data=TaskCD(
                action=TaskAction.HOURS, request_id=request_id, value=int(value * 2)
            ),
        )
    cancel_button(builder)
    return builder.adjust(len(HOURS_CHOICES), 1).as_markup()


def _write_to_volunteer(builder: InlineGrid, request_id: int) -> None:
    builder.button(
        text=_("✉️ Write to the volunteer"),
        callback_data=TaskCD(action=TaskAction.WRITE, request_id=request_id),
    )


def resident_accepted(request_id: int) -> InlineKeyboardMarkup:
    """Under the good news: the resident may write first; nothing to confirm yet."""
    builder = InlineGrid()
    _write_to_volunteer(builder, request_id)
    return builder.as_markup()


def _confirm_buttons(builder: InlineGrid, request_id: int) -> None:
    builder.button(
        text=_("❤️ Yes, thank you!"),
        callback_data=TaskCD(action=TaskAction.CONFIRM, request_id=request_id),
    )
    builder.button(
        text=_("It did not happen"),
        callback_data=TaskCD(action=TaskAction.ASK_NO_SHOW, request_id=request_id),
    )


def resident_confirm(request_id: int) -> InlineKeyboardMarkup:
    """After the volunteer says it is done: confirm, or say it did not happen (asked again)."""
    builder = InlineGrid()
    _confirm_buttons(builder, request_id)
    return builder.adjust(1).as_markup()


def resident_no_show_check(request_id: int) -> InlineKeyboardMarkup:
    """A slip on "did not happen" would give the volunteer a no-show: ask once more."""
    return column(
        (_("Yes, nobody came"), TaskCD(action=TaskAction.NO_SHOW, request_id=request_id)),
        (_("⬅️ No, it happened"), TaskCD(action=TaskAction.ASK_DONE, request_id=request_id)),
    )


def ratings(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for stars in RATINGS:
        builder.button(
            text=rating_label(stars),
            callback_data=TaskCD(action=TaskAction.RATE, request_id=request_id, value=stars),
        )
    cancel_button(builder)
    return builder.adjust(len(RATINGS), 1).as_markup()


def candidates(request_id: int) -> InlineKeyboardMarkup:
    return column(
        (_("👥 Who could help, and why"), CandidatesCD(request_id=request_id)),
        (
            _("📅 Change the date"),
            EscalationCD(action=EscalationAction.DATE, request_id=request_id),
        ),
        (
            _("✖️ Close with a message"),
            EscalationCD(action=EscalationAction.CLOSE, request_id=request_id),
        ),
    )


def verification_lengths(user_id: int) -> InlineKeyboardMarkup:
    """6, 12 or 24 months, or until the animator revokes it."""
    builder = InlineGrid()
    for months in HOLD_MONTHS:
        builder.button(
            text=ngettext("{count} month", "{count} months", months).format(count=months),
            callback_data=VetHoldCD(user_id=user_id, months=months),
        )
    builder.button(
        text=_("Until revoked"), callback_data=VetHoldCD(user_id=user_id, months=UNTIL_REVOKED)
    )
    return builder.adjust(len(HOLD_MONTHS), 1).as_markup()


def certificate_button(web_url: str | None = None) -> InlineKeyboardMarkup:
    """Opens the choice of period for a certificate (and, where served, the week page)."""
    builder = InlineGrid()
    builder.button(text=_("📄 Certificate"), callback_data=CertAskCD())
    builder.page(text=_("🗓 My week"), web_url=web_url, page="week")
    return builder.adjust(1).as_markup()
