"""The volunteer profile: "🤝 Volunteering", /profile, /pause, /resume."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.filters import Asks, HasConsented, Rule
from bot.keyboards import volunteering as vkb
from bot.keyboards.callbacks import (
    CapCD,
    PauseCD,
    ProfileCD,
    ProfileSection,
    ServeCD,
    SlotCD,
    SpokenCD,
    TalentCD,
)
from bot.services.centres.places import get_place, timezone_of
from bot.services.defaults import language_of
from bot.services.errors import DistrictNotInPlace, ServiceError, TooLong
from bot.services.helping.offers import back_from_a_break, reverse_match
from bot.services.people import profiles
from bot.services.plain import Person
from bot.states import ProfileEdit
from bot.views.labels import language_name, long_date, talent
from bot.views.replies import Reply, reply_below, reply_to_callback, reply_to_message
from bot.views.texts import stale_button, too_long

MISSING = {
    "talents": lambda: _("talents"),
    "availability": lambda: _("when you can help"),
    "districts": lambda: _("districts"),
    "languages": lambda: _("languages"),
}


def build_router() -> Router:
    router = Router(name=__name__)
    consented = HasConsented()
    router.message.register(cmd_profile, Asks("profile"), consented)
    router.message.register(cmd_pause, Command("pause"), consented)
    router.message.register(cmd_resume, Command("resume"), consented)
    router.callback_query.register(cb_section, consented, ProfileCD.filter())
    for button in TOGGLES:
        router.callback_query.register(cb_toggle, consented, button.filter())
    router.callback_query.register(cb_pause, consented, PauseCD.filter())
    router.message.register(msg_other_talents, StateFilter(ProfileEdit.other_talents), Rule(F.text))
    return router


async def render_summary(
    reply: Reply,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    web_url: str | None = None,
) -> None:
    """The profile and its buttons; `web_url` adds "🗓 My week" where the Mini App is served."""
    view = await profiles.ensure_profile(session, user, clock())
    place = await get_place(session, user.place_id) if user.place_id else None
    districts = [d.name for d in place.districts if d.id in view.district_ids] if place else []
    language = language_of(user)
    talents = [escape(talent(code)) for code in sorted(view.talents)]
    if view.other_talents:
        talents.append(escape(view.other_talents))
    times = len(view.slots)
    lines = [
        _("🤝 <b>Your volunteer profile</b>"),
        _("Talents: {talents}").format(talents=", ".join(talents) or "—"),
        ngettext("When: {count} time a week", "When: {count} times a week", times).format(
            count=times
        ),
        _("Districts: {districts}").format(districts=escape(", ".join(districts)) or "—"),
        _("Languages: {languages}").format(
            languages=", ".join(
                language_name(code, language, mid_sentence=True) for code in sorted(view.languages)
            )
        ),
        ngettext(
            "At most {count} task a week", "At most {count} tasks a week", view.max_tasks_per_week
        ).format(count=view.max_tasks_per_week),
    ]
    missing = profiles.missing_parts(view, bool(place and place.districts))
    if view.is_paused(clock()):
        lines.append(_("⏸ Paused. Send /resume when you are back."))
    elif view.completed:
        lines.append(_("✅ Ready: you will get requests that fit you."))
    elif missing:
        lines.append(
            _("Still missing: {parts}.").format(parts=", ".join(MISSING[m]() for m in missing))
        )
    markup = vkb.profile_menu(view, paused=view.is_paused(clock()), web_url=web_url)
    await reply("\n".join(lines), markup)


async def cmd_profile(
    message: Message, session: AsyncSession, user: Person, clock: Clock, web_url: str | None
) -> None:
    await render_summary(reply_to_message(message), session, user, clock, web_url)


@dataclass(frozen=True)
class SectionPress:
    """What opening any section of the profile works with."""

    callback: CallbackQuery
    session: AsyncSession
    user: Person
    state: FSMContext
    clock: Clock
    settings: Settings
    view: profiles.ProfileView

    @property
    def reply(self) -> Reply:
        return reply_to_callback(self.callback)


async def cb_section(
    callback: CallbackQuery,
    callback_data: ProfileCD,
    session: AsyncSession,
    user: Person,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    await callback.answer()
    view = await profiles.ensure_profile(session, user, clock())
    if await state.get_state() == ProfileEdit.other_talents.state:
        await state.clear()  # ⬅️ Back from writing, or another section: nothing is written
    press = SectionPress(callback, session, user, state, clock, settings, view)
    await SECTIONS[callback_data.section](press)


async def _summary(press: SectionPress) -> None:
    await render_summary(press.reply, press.session, press.user, press.clock)


async def _talents(press: SectionPress) -> None:
    await press.reply(_("Tap what you can do (tap again to remove):"), vkb.talents(press.view))


async def _other(press: SectionPress) -> None:
    await press.state.set_state(ProfileEdit.other_talents)
    await press.reply(
        _("Write your other talents in a few words (at most 200 characters):"),
        vkb.back_to_talents(),
    )


async def _slots(press: SectionPress) -> None:
    await press.reply(_("When can you usually help? Tap the times:"), vkb.slots(press.view))


async def _districts(press: SectionPress) -> None:
    user = press.user
    place = await get_place(press.session, user.place_id) if user.place_id else None
    if place is None or not place.districts:
        await press.reply(
            _("Your place has no districts: you help in the whole neighbourhood."), None
        )
        return
    await press.reply(
        _("Where can you help? Tap the districts:"),
        vkb.serve_districts(press.view, place.districts),
    )


async def _languages(press: SectionPress) -> None:
    await press.reply(_("Which languages do you speak?"), vkb.spoken(press.view))


async def _cap(press: SectionPress) -> None:
    await press.reply(_("At most how many tasks a week?"), vkb.caps(press.view))


async def _ready_pressed(press: SectionPress) -> None:
    await _ready(press.callback, press.session, press.user, press.clock, press.settings)


async def _pause_lengths(press: SectionPress) -> None:
    await press.reply(_("A break from requests: for how long?"), vkb.pause_lengths())


async def _resume_pressed(press: SectionPress) -> None:
    await _resume(press.reply, press.session, press.user, press.clock, press.settings)


SECTIONS: dict[ProfileSection, Callable[[SectionPress], Awaitable[None]]] = {
    ProfileSection.SUMMARY: _summary,
    ProfileSection.TALENTS: _talents,
    ProfileSection.OTHER: _other,
    ProfileSection.SLOTS: _slots,
    ProfileSection.DISTRICTS: _districts,
    ProfileSection.LANGUAGES: _languages,
    ProfileSection.CAP: _cap,
    ProfileSection.READY: _ready_pressed,
    ProfileSection.PAUSE: _pause_lengths,
    ProfileSection.RESUME: _resume_pressed,
}


async def _ready(
    callback: CallbackQuery,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
) -> None:
    place = await get_place(session, user.place_id) if user.place_id else None
    try:
        first = await profiles.complete_profile(
            session, user.id, place_has_districts=bool(place and place.districts), now=clock()
        )
    except profiles.ProfileIncomplete as incomplete:
        parts = ", ".join(MISSING[m]() for m in incomplete.missing)
        await reply_below(callback)(_("Still missing: {parts}.").format(parts=parts), None)
        return
    if first:
        await reverse_match(session, user, clock(), settings.matching())
    await render_summary(reply_to_callback(callback), session, user, clock)
    if first:
        await reply_below(callback)(_("🎉 Thank you! Requests that fit you will come here."), None)


Change = Callable[[AsyncSession, Person, Any], Awaitable[None]]

# Each profile button: the section whose buttons it re-draws, and the change it makes.
TOGGLES: dict[type[CallbackData], tuple[ProfileSection, Change]] = {
    TalentCD: (
        ProfileSection.TALENTS,
        lambda s, user, data: profiles.choose_talent(s, user.id, data.code, data.chosen),
    ),
    SlotCD: (
        ProfileSection.SLOTS,
        lambda s, user, data: profiles.choose_slot(s, user.id, data.slot, data.chosen),
    ),
    ServeCD: (
        ProfileSection.DISTRICTS,
        lambda s, user, data: profiles.choose_district(
            s, user.id, data.district_id, user.place_id, data.chosen
        ),
    ),
    SpokenCD: (
        ProfileSection.LANGUAGES,
        lambda s, user, data: profiles.choose_language(s, user.id, data.language, data.chosen),
    ),
    CapCD: (
        ProfileSection.CAP,
        lambda s, user, data: profiles.set_weekly_cap(s, user.id, data.cap),
    ),
}

SECTION_KEYBOARDS = {
    ProfileSection.TALENTS: vkb.talents,
    ProfileSection.SLOTS: vkb.slots,
    ProfileSection.LANGUAGES: vkb.spoken,
    ProfileSection.CAP: vkb.caps,
}


async def cb_toggle(
    callback: CallbackQuery,
    callback_data: CallbackData,
    session: AsyncSession,
    user: Person,
    clock: Clock,
) -> None:
    """Any profile button: apply its one change and re-draw that section's buttons."""
    section, change = TOGGLES[type(callback_data)]
    await profiles.ensure_profile(session, user, clock())
    try:
        await change(session, user, callback_data)
    except (ValueError, DistrictNotInPlace):
        await callback.answer(stale_button(), show_alert=True)
        return
    view = await profiles.ensure_profile(session, user, clock())
    if section == ProfileSection.DISTRICTS:
        place = await get_place(session, user.place_id) if user.place_id else None
        markup = vkb.serve_districts(view, place.districts if place else [])
    else:
        markup = SECTION_KEYBOARDS[section](view)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=markup)


async def msg_other_talents(
    message: Message, session: AsyncSession, user: Person, state: FSMContext, clock: Clock
) -> None:
    await profiles.ensure_profile(session, user, clock())
    try:
        await profiles.set_other_talents(session, user.id, message.text or "")
    except TooLong as error:
        await message.answer(too_long(error.length, error.limit))
        return
    except ServiceError:
        await message.answer(_("Please write some text."))
        return
    await state.clear()
    await render_summary(reply_to_message(message), session, user, clock)


async def cmd_pause(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
) -> None:
    """/pause stops offers until /resume; /pause 14 or /pause 24.12 until that day."""
    await _pause(reply_to_message(message), session, user, clock, settings, command.args or "")


async def cb_pause(
    callback: CallbackQuery,
    callback_data: PauseCD,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
) -> None:
    """⏸ Take a break, for one of the lengths offered (0: until ▶️ I am back)."""
    await callback.answer()
    if callback_data.days not in (*vkb.PAUSE_DAYS, 0):
        return
    days = str(callback_data.days) if callback_data.days else ""
    await _pause(reply_to_callback(callback), session, user, clock, settings, days)


async def _pause(
    reply: Reply, session: AsyncSession, user: Person, clock: Clock, settings: Settings, until: str
) -> None:
    await profiles.ensure_profile(session, user, clock())
    timezone = await timezone_of(session, user.place_id, settings.timezone)
    end = profiles.pause_end(until, clock(), timezone)
    await profiles.pause(session, user.id, end)
    if end is not None:
        text = _("⏸ Paused until {date}. Rest well!").format(
            date=long_date(end.date(), user.language or settings.default_language)
        )
    else:
        text = (
            _("⏸ Paused: you will get no requests until you send /resume. Rest well!")
            + "\n"
            + _("Tip: /pause 14 pauses for fourteen days, /pause 24.12 until 24 December.")
        )
    await reply(text, vkb.back_from_pause())


async def cmd_resume(
    message: Message,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
) -> None:
    await _resume(reply_to_message(message), session, user, clock, settings)


async def _resume(
    reply: Reply,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    settings: Settings,
) -> None:
    await profiles.ensure_profile(session, user, clock())
    await back_from_a_break(session, user, clock(), settings.matching())
    await reply(_("▶️ Welcome back! Requests that fit you will come here again."), None)
