"""Announcements: /announce (or the panel) → text or a photo with a caption → audience
(whole place, districts, volunteers or residents, interest groups, a language; the
exact number is always shown) → optional translations → preview exactly as recipients
will see it → Send now, or Schedule with day and hour buttons. /announcements lists the
scheduled ones with a cancel button. Every button re-checks the place on the server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, local_today
from bot.config import Settings
from bot.filters import Asks, Rule
from bot.handlers.day_buttons import day_pressed, days_shown, kept_day
from bot.handlers.staff import main_place
from bot.keyboards.builders import LANGUAGE_NAMES
from bot.keyboards.callbacks import AnnAction, AnnCD
from bot.keyboards.grid import InlineGrid
from bot.middlewares.staff import STAFF
from bot.notify.announcements import start_due
from bot.services.centres.places import get_place
from bot.services.defaults import TIMEZONE
from bot.services.errors import TooLong
from bot.services.initiatives.events import groups_of
from bot.services.messaging import announcements as ann
from bot.services.messaging.announcements import Audience, get_announcement
from bot.services.messaging.quiet import QuietHours
from bot.services.plain import AnnouncementInfo, Person, PlaceInfo, PlaceWithDistricts
from bot.states import Announce
from bot.views.events import when_text
from bot.views.formatting import clock_time
from bot.views.labels import chosen, long_date
from bot.views.replies import Reply, reply_to_callback, reply_to_message
from bot.views.texts import staff_only, too_long

LANGUAGES = tuple(LANGUAGE_NAMES)
AUDIENCE_LANGUAGES: tuple[str | None, ...] = (None, *LANGUAGES)
HOURS = (8, 10, 12, 15, 18, 20)
DAYS_AHEAD = 7


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_announce, Asks("announce"), flags=STAFF)
    router.message.register(cmd_scheduled, Asks("announcements"), flags=STAFF)
    router.message.register(
        msg_content, StateFilter(Announce.text), Rule(F.text | F.photo), flags=STAFF
    )
    router.message.register(
        msg_translation, StateFilter(Announce.translation), Rule(F.text), flags=STAFF
    )
    router.callback_query.register(cb_step, AnnCD.filter(), flags=STAFF)
    return router


async def cmd_announce(
    message: Message, user: Person | None, places: list[int], state: FSMContext
) -> None:
    place_id = main_place(user, places)
    await state.clear()
    await state.set_state(Announce.text)
    await state.update_data(place_id=place_id)
    await message.answer(
        _(
            "📣 Send the announcement: a text (bold, italics and links are kept) or a photo "
            "with a caption. /cancel stops."
        )
    )


async def msg_content(
    message: Message,
    session: AsyncSession,
    user: Person,
    places: list[int],
    state: FSMContext,
    clock: Clock,
) -> None:
    """Telegram's own formatting comes back as safe HTML (`html_text` escapes the rest)."""
    place_id = int((await state.get_data())["place_id"])
    if place_id not in places:
        await state.clear()
        await message.answer(staff_only())
        return
    photo = message.photo[-1].file_id if message.photo else None
    text = message.html_text if (message.text or message.caption) else ""
    if not text.strip():
        await message.answer(_("Please add some text (for a photo: a caption)."))
        return
    try:
        draft = await ann.create_draft(session, user, place_id, text, photo, clock())
    except TooLong as error:
        await message.answer(too_long(error.length, error.limit))
        return
    await state.clear()
    await _show_audience(reply_to_message(message), session, draft)


async def _audience_keyboard(
    session: AsyncSession, draft: AnnouncementInfo, place: PlaceWithDistricts
) -> InlineKeyboardMarkup:
    audience = Audience.of(draft.audience)
    builder = InlineGrid()
    aid = draft.id
    whole = audience == Audience()
    builder.button(
        text=chosen(_("🏠 Whole place"), whole),
        callback_data=AnnCD(action=AnnAction.ALL, ann_id=aid),
    )
    for district in place.districts:
        now_chosen = district.id in audience.districts
        builder.button(
            text=chosen(district.name, now_chosen, unmarked="▫️ "),
            callback_data=AnnCD(
                action=AnnAction.DISTRICT, ann_id=aid, value=district.id, chosen=not now_chosen
            ),
        )
    who = {
        ann.Who.ALL: _("👥 Volunteers and residents"),
        ann.Who.VOLUNTEERS: _("🤝 Only volunteers"),
        ann.Who.RESIDENTS: _("🙋 Only residents"),
    }
    builder.button(
        text=who[audience.who],
        callback_data=AnnCD(action=AnnAction.WHO, ann_id=aid, value=_after(ann.WHO, audience.who)),
    )
    for group in await groups_of(session, place.id):
        now_chosen = group.id in audience.groups
        builder.button(
            text=chosen(group.name, now_chosen, unmarked="▫️ "),
            callback_data=AnnCD(
                action=AnnAction.GROUP, ann_id=aid, value=group.id, chosen=not now_chosen
            ),
        )
    language = LANGUAGE_NAMES[audience.language] if audience.language else _("🌐 All languages")
    builder.button(
        text=language,
        callback_data=AnnCD(
            action=AnnAction.LANGUAGE,
            ann_id=aid,
            value=_after(AUDIENCE_LANGUAGES, audience.language),
        ),
    )
    builder.button(
        text=_("🌍 Add a translation"), callback_data=AnnCD(action=AnnAction.TRANSLATE, ann_id=aid)
    )
    builder.button(text=_("👀 Preview"), callback_data=AnnCD(action=AnnAction.PREVIEW, ann_id=aid))
    _cancel(builder, aid)
    return builder.adjust(1).as_markup()


def _cancel(builder: InlineGrid, ann_id: int) -> None:
    builder.button(text=_("✖️ Cancel"), callback_data=AnnCD(action=AnnAction.CANCEL, ann_id=ann_id))


def _back_and_cancel(builder: InlineGrid, action: AnnAction, ann_id: int) -> InlineGrid:
    """⬅️ Back to the screen before (`action` shows it again) and ✖️ Cancel, which drops the
    draft: an announcement's screens keep it in the database, not in a conversation, so
    their way out is their own rather than the conversation's."""
    builder.button(text=_("⬅️ Back"), callback_data=AnnCD(action=action, ann_id=ann_id))
    _cancel(builder, ann_id)
    return builder


async def _show_audience(reply: Reply, session: AsyncSession, draft: AnnouncementInfo) -> None:
    place = await get_place(session, draft.place_id)
    if place is None:
        return
    count = await ann.count_audience(session, place.id, Audience.of(draft.audience))
    await reply(
        _("Who should get it? Combine the buttons. Recipients now: {count}").format(count=count),
        await _audience_keyboard(session, draft, place),
    )


def _after(values: tuple[object, ...], current: object) -> int:
    """The index of the value after `current`: what one press switches to."""
    return (values.index(current) + 1) % len(values)


@dataclass(frozen=True)
class Step:
    """A press on an announcement that is still a draft and belongs to the presser."""

    callback: CallbackQuery
    press: AnnCD
    bot: Bot
    session: AsyncSession
    state: FSMContext
    clock: Clock
    i18n: I18n
    settings: Settings
    places: list[int]
    draft: AnnouncementInfo

    @property
    def reply(self) -> Reply:
        return reply_to_callback(self.callback)

    @property
    def value(self) -> int:
        return self.press.value


async def cb_step(
    callback: CallbackQuery,
    callback_data: AnnCD,
    bot: Bot,
    session: AsyncSession,
    places: list[int],
    state: FSMContext,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Checks who presses and that the draft can still change, then runs the step."""
    if callback_data.action == AnnAction.UNSCHEDULE:
        cancelled = await ann.cancel(session, callback_data.ann_id, places)
        await callback.answer(
            _("The announcement is cancelled; nobody will get it.") if cancelled else staff_only(),
            show_alert=True,
        )
        return
    draft = await ann.editable(session, callback_data.ann_id, places)
    if draft is None:
        known = await get_announcement(session, callback_data.ann_id)
        mine = known is not None and known.place_id in places
        await callback.answer(
            _("This announcement can no longer be changed.") if mine else staff_only(),
            show_alert=True,
        )
        return
    await callback.answer()
    step = Step(callback, callback_data, bot, session, state, clock, i18n, settings, places, draft)
    await STEPS[callback_data.action](step)


async def _audience_step(step: Step) -> None:
    draft = step.draft
    changed = _changed(Audience.of(draft.audience), step.press)
    if changed is not None:
        draft = await ann.set_audience(step.session, draft, changed)
    await _show_audience(step.reply, step.session, draft)


async def _back_to_audience(step: Step) -> None:
    if await step.state.get_state() == Announce.translation.state:
        await step.state.clear()
    await _show_audience(step.reply, step.session, step.draft)


async def _translate(step: Step) -> None:
    await _ask_translation_language(step.reply, step.draft)


async def _translation_language(step: Step) -> None:
    if not 0 <= step.value < len(LANGUAGES):
        return
    language = LANGUAGES[step.value]
    await step.state.set_state(Announce.translation)
    await step.state.update_data(ann_id=step.draft.id, language=language)
    await step.reply(
        _("Send the text in {language}.").format(language=LANGUAGE_NAMES[language]),
        _back_and_cancel(InlineGrid(), AnnAction.AUDIENCE, step.draft.id).adjust(2).as_markup(),
    )


async def _preview_step(step: Step) -> None:
    await _preview(step.callback, step.bot, step.session, step.draft)


async def _now(step: Step) -> None:
    """At night, asked once more: neighbours may be asleep (one quiet-hours rule for all)."""
    place = await get_place(step.session, step.draft.place_id)
    quiet = step.settings.quiet()
    if place is not None and quiet.is_quiet(step.clock(), place.timezone):
        await _ask_about_the_night(step, place, quiet, step.clock(), hour=0)
        return
    await _now_anyway(step)


async def _now_anyway(step: Step) -> None:
    await _launch(step.bot, step.i18n, step.session, step.draft, step.places, step.clock)


async def _ask_about_the_night(
    step: Step, place: PlaceInfo, quiet: QuietHours, moment: datetime, *, hour: int
) -> None:
    """`moment` (now, or the hour chosen: `hour`) is in quiet hours: when they end, or
    then anyway?"""
    morning = quiet.next_allowed(moment, place.timezone)
    night = {"start": clock_time(quiet.start), "end": clock_time(quiet.end)}
    builder = InlineGrid()
    morning_at = clock_time(morning.astimezone(ZoneInfo(place.timezone)).time())
    builder.button(
        text=_("🌅 Send at {time}").format(time=morning_at),
        callback_data=AnnCD(action=AnnAction.MORNING, ann_id=step.draft.id, value=hour),
    )
    if hour:
        text = _(
            "🌙 {when} is in the quiet hours ({start}–{end}), when neighbours may be asleep. "
            "Send it at {morning} instead?"
        ).format(when=when_text(moment, place.timezone), morning=morning_at, **night)
        anyway = _("🕒 Keep {time}").format(time=clock_time(time(hour)))
        action = AnnAction.HOUR_ANYWAY
    else:
        text = _(
            "🌙 It is the quiet hours now ({start}–{end}): neighbours may be asleep. "
            "Send it at {morning}, or now anyway?"
        ).format(morning=morning_at, **night)
        anyway = _("📨 Send now anyway")
        action = AnnAction.NOW_ANYWAY
    builder.button(
        text=anyway, callback_data=AnnCD(action=action, ann_id=step.draft.id, value=hour)
    )
    _back_and_cancel(builder, AnnAction.PREVIEW, step.draft.id)
    await step.reply(text, builder.adjust(1, 1, 2).as_markup())


async def _morning(step: Step) -> None:
    """When the quiet hours end: after now, or after the hour first chosen."""
    place = await get_place(step.session, step.draft.place_id)
    if place is None:
        return
    moment = step.clock()
    if step.value in HOURS:
        chosen = await _chosen_moment(step.state, place, step.clock, step.value)
        moment = chosen if chosen is not None else moment
    morning = step.settings.quiet().next_allowed(moment, place.timezone)
    if morning <= step.clock():
        await _now_anyway(step)
        return
    await _scheduled(step, place, morning)


async def _which_day(step: Step) -> None:
    await step.reply(_("Which day?"), await _days(step.session, step.state, step.draft, step.clock))


async def _day(step: Step) -> None:
    if not 0 <= step.value < DAYS_AHEAD:
        return
    today = await _place_today(step.session, step.draft, step.clock)
    day = await day_pressed(step.state, step.value, today)
    await step.state.update_data(day=day.isoformat())
    await step.reply(_("At what time?"), _hours(step.draft.id))


async def _hour(step: Step) -> None:
    await _schedule(step, anyway=False)


async def _hour_anyway(step: Step) -> None:
    await _schedule(step, anyway=True)


async def _cancel_draft(step: Step) -> None:
    await ann.cancel(step.session, step.draft.id, step.places)
    await step.reply(_("Nothing was sent."), None)


STEPS: dict[AnnAction, Callable[[Step], Awaitable[None]]] = {
    **{
        action: _audience_step
        for action in (
            AnnAction.ALL,
            AnnAction.DISTRICT,
            AnnAction.WHO,
            AnnAction.GROUP,
            AnnAction.LANGUAGE,
        )
    },
    AnnAction.AUDIENCE: _back_to_audience,
    AnnAction.TRANSLATE: _translate,
    AnnAction.LANG: _translation_language,
    AnnAction.PREVIEW: _preview_step,
    AnnAction.NOW: _now,
    AnnAction.SCHEDULE: _which_day,
    AnnAction.DAY: _day,
    AnnAction.HOUR: _hour,
    AnnAction.HOUR_ANYWAY: _hour_anyway,
    AnnAction.NOW_ANYWAY: _now_anyway,
    AnnAction.MORNING: _morning,
    AnnAction.CANCEL: _cancel_draft,
}


def _changed(audience: Audience, press: AnnCD) -> Audience | None:
    """The audience the press asks for; None for a forged value."""
    value = press.value
    if press.action == AnnAction.ALL:
        return Audience()
    if press.action == AnnAction.DISTRICT:
        return audience.with_district(value, press.chosen)
    if press.action == AnnAction.GROUP:
        return audience.with_group(value, press.chosen)
    if press.action == AnnAction.WHO:
        return replace(audience, who=ann.WHO[value]) if value < len(ann.WHO) else None
    if value >= len(AUDIENCE_LANGUAGES):
        return None
    return replace(audience, language=AUDIENCE_LANGUAGES[value])


async def _ask_translation_language(reply: Reply, draft: AnnouncementInfo) -> None:
    builder = InlineGrid()
    choices = 0
    for index, code in enumerate(LANGUAGES):
        if code != draft.language:
            builder.button(
                text=LANGUAGE_NAMES[code],
                callback_data=AnnCD(action=AnnAction.LANG, ann_id=draft.id, value=index),
            )
            choices += 1
    _back_and_cancel(builder, AnnAction.AUDIENCE, draft.id)
    await reply(_("Which language?"), builder.adjust(*([1] * choices), 2).as_markup())


async def msg_translation(
    message: Message, session: AsyncSession, places: list[int], state: FSMContext
) -> None:
    data = await state.get_data()
    draft = await ann.editable(session, int(data["ann_id"]), places)
    await state.clear()
    if draft is None:
        await message.answer(_("This announcement can no longer be changed."))
        return
    try:
        draft = await ann.add_translation(session, draft, str(data["language"]), message.html_text)
    except TooLong as error:
        await message.answer(too_long(error.length, error.limit))
        return
    await message.answer(_("Translation saved."))
    await _show_audience(reply_to_message(message), session, draft)


async def _preview(
    callback: CallbackQuery, bot: Bot, session: AsyncSession, draft: AnnouncementInfo
) -> None:
    """The very message recipients get, then the count and the ways on."""
    chat = callback.from_user.id
    if draft.photo:
        await bot.send_photo(chat, draft.photo, caption=draft.text)
    else:
        await bot.send_message(chat, draft.text)
    count = await ann.count_audience(session, draft.place_id, Audience.of(draft.audience))
    builder = InlineGrid()
    builder.button(
        text=_("📨 Send now"), callback_data=AnnCD(action=AnnAction.NOW, ann_id=draft.id)
    )
    builder.button(
        text=_("🕒 Schedule"), callback_data=AnnCD(action=AnnAction.SCHEDULE, ann_id=draft.id)
    )
    builder.button(
        text=_("👥 Change the audience"),
        callback_data=AnnCD(action=AnnAction.AUDIENCE, ann_id=draft.id),
    )
    _cancel(builder, draft.id)
    await bot.send_message(
        chat,
        ngettext(
            "☝️ This is how it looks. It goes to {count} person.",
            "☝️ This is how it looks. It goes to {count} people.",
            count,
        ).format(count=count),
        reply_markup=builder.adjust(1).as_markup(),
    )


async def _launch(
    bot: Bot,
    i18n: I18n,
    session: AsyncSession,
    draft: AnnouncementInfo,
    places: list[int],
    clock: Clock,
) -> None:
    if await ann.schedule(session, draft.id, places, clock()):
        await start_due(bot, i18n, session, clock)


async def _place_today(session: AsyncSession, draft: AnnouncementInfo, clock: Clock) -> date:
    place = await get_place(session, draft.place_id)
    return local_today(clock, place.timezone if place else TIMEZONE)


async def _days(
    session: AsyncSession, state: FSMContext, draft: AnnouncementInfo, clock: Clock
) -> InlineKeyboardMarkup:
    today = await _place_today(session, draft, clock)
    await days_shown(state, today)
    language = get_i18n().current_locale
    builder = InlineGrid()
    names = {0: _("Today"), 1: _("Tomorrow")}
    for offset in range(DAYS_AHEAD):
        builder.button(
            text=names.get(offset) or long_date(today + timedelta(days=offset), language),
            callback_data=AnnCD(action=AnnAction.DAY, ann_id=draft.id, value=offset),
        )
    return _back_and_cancel(builder, AnnAction.PREVIEW, draft.id).adjust(2, 2, 2, 1, 2).as_markup()


def _hours(ann_id: int) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for hour in HOURS:
        builder.button(
            text=f"{hour:02d}:00",
            callback_data=AnnCD(action=AnnAction.HOUR, ann_id=ann_id, value=hour),
        )
    return _back_and_cancel(builder, AnnAction.SCHEDULE, ann_id).adjust(3, 3, 2).as_markup()


async def _chosen_moment(
    state: FSMContext, place: PlaceInfo, clock: Clock, hour: int
) -> datetime | None:
    """The day chosen a step before (as it was shown) at `hour`, in the place's zone."""
    day = kept_day((await state.get_data()).get("day"), local_today(clock, place.timezone))
    if day is None:
        return None
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(place.timezone))


async def _schedule(step: Step, *, anyway: bool) -> None:
    place = await get_place(step.session, step.draft.place_id)
    if place is None or step.value not in HOURS:
        return
    send_at = await _chosen_moment(step.state, place, step.clock, step.value)
    if send_at is None:
        return
    if send_at <= step.clock():
        await step.reply(
            _("That time has passed. Which day?"),
            await _days(step.session, step.state, step.draft, step.clock),
        )
        return
    quiet = step.settings.quiet()
    if not anyway and quiet.is_quiet(send_at, place.timezone):
        await _ask_about_the_night(step, place, quiet, send_at, hour=step.value)
        return
    await _scheduled(step, place, send_at)


async def _scheduled(step: Step, place: PlaceInfo, send_at: datetime) -> None:
    await step.state.clear()
    await ann.schedule(step.session, step.draft.id, step.places, send_at)
    await step.reply(
        _("🕒 Scheduled for {when}. /announcements lists and cancels scheduled ones.").format(
            when=when_text(send_at, place.timezone)
        ),
        None,
    )


async def cmd_scheduled(message: Message, session: AsyncSession, places: list[int]) -> None:
    waiting = await ann.scheduled_at(session, places)
    if not waiting:
        await message.answer(_("No announcements are scheduled."))
        return
    for item in waiting:
        place = await get_place(session, item.place_id)
        builder = InlineGrid()
        builder.button(
            text=_("🚫 Cancel it"), callback_data=AnnCD(action=AnnAction.UNSCHEDULE, ann_id=item.id)
        )
        when = when_text(item.send_at, place.timezone if place else TIMEZONE)
        await message.answer(f"🕒 {when}\n\n{item.text}", reply_markup=builder.as_markup())
