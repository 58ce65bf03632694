"""Keyboards. Many users are seniors: one column of big buttons, a way out on every screen."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards.callbacks import (
    BackCD,
    CancelCD,
    ConsentCD,
    DistrictCD,
    ForgetCD,
    IntentCD,
    LanguageCD,
    NewPlaceAction,
    NewPlaceCD,
    PlaceCD,
    PlacePageCD,
    PlacePurpose,
    PrivacyAction,
    PrivacyCD,
    ResumeCD,
)
from bot.keyboards.grid import InlineGrid, column
from bot.services.centres.places import PlacePage
from bot.services.people.users import Intent
from bot.services.plain import DistrictInfo, PlaceInfo

LANGUAGE_NAMES = {"pl": "🇵🇱 Polski", "en": "🇬🇧 English", "uk": "🇺🇦 Українська"}

NO_DISTRICT = 0


def cancel_button(builder: InlineGrid) -> None:
    builder.button(text=_("✖️ Cancel"), callback_data=CancelCD())


def _is_way_out(data: str | None) -> bool:
    return data is not None and (
        data == CancelCD().pack() or data.startswith(BackCD.__prefix__ + BackCD.__separator__)
    )


def with_way_out(markup: InlineKeyboardMarkup | None, depth: int) -> InlineKeyboardMarkup:
    """The same buttons with one last row: ⬅️ Back (when there is a step before, `depth`
    being the conversation's number of steps) and ✖️ Cancel. A Cancel or Back the keyboard
    had already moves into that row, so the way out is always in the same place."""
    rows = [
        kept
        for row in (markup.inline_keyboard if markup is not None else [])
        if (kept := [button for button in row if not _is_way_out(button.callback_data)])
    ]
    builder = InlineGrid()
    if depth > 1:
        builder.button(text=_("⬅️ Back"), callback_data=BackCD(depth=depth))
    cancel_button(builder)
    return InlineKeyboardMarkup(inline_keyboard=[*rows, *builder.as_markup().inline_keyboard])


def resume_offer() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("↩️ Continue"), callback_data=ResumeCD(keep=True))
    builder.button(text=_("✖️ Discard it"), callback_data=ResumeCD(keep=False))
    return builder.adjust(2).as_markup()


def languages(first: str) -> InlineKeyboardMarkup:
    """The guessed language first, so the likely choice is the top button."""
    builder = InlineGrid()
    for code in sorted(LANGUAGE_NAMES, key=lambda code: code != first):
        builder.button(text=LANGUAGE_NAMES[code], callback_data=LanguageCD(code=code))
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def consent() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("✅ I agree"), callback_data=ConsentCD(agree=True))
    builder.button(text=_("No, thank you"), callback_data=ConsentCD(agree=False))
    builder.button(text=_("📖 Read more"), callback_data=PrivacyCD(action=PrivacyAction.MORE))
    return builder.adjust(1).as_markup()


def my_data() -> InlineKeyboardMarkup:
    return column(
        (_("📦 Download my data"), PrivacyCD(action=PrivacyAction.EXPORT)),
        (_("🗑 Delete my data"), PrivacyCD(action=PrivacyAction.FORGET)),
    )


def intents() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("🙋 I need help"), callback_data=IntentCD(intent=Intent.NEED_HELP))
    builder.button(text=_("🤝 I want to help"), callback_data=IntentCD(intent=Intent.WANT_TO_HELP))
    builder.button(
        text=_("📰 Just keep me informed"), callback_data=IntentCD(intent=Intent.STAY_INFORMED)
    )
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def places(page: PlacePage, purpose: PlacePurpose) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for place in page.places:
        builder.button(text=place.name, callback_data=PlaceCD(purpose=purpose, place_id=place.id))
    widths = [1] * len(page.places)
    if page.pages > 1:
        nav = 0
        if page.page > 0:
            builder.button(
                text=_("◀️ Back"), callback_data=PlacePageCD(purpose=purpose, page=page.page - 1)
            )
            nav += 1
        if page.page < page.pages - 1:
            builder.button(
                text=_("More ▶️"), callback_data=PlacePageCD(purpose=purpose, page=page.page + 1)
            )
            nav += 1
        widths.append(nav)
    cancel_button(builder)
    return builder.adjust(*widths, 1).as_markup()


def single_place(place: PlaceInfo) -> InlineKeyboardMarkup:
    """The place from a poster, plus a way to keep things as they are."""
    builder = InlineGrid()
    builder.button(
        text=_("✅ Yes, {place}").format(place=place.name),
        callback_data=PlaceCD(purpose=PlacePurpose.HOME, place_id=place.id),
    )
    builder.button(text=_("No, keep my place"), callback_data=CancelCD())
    return builder.adjust(1).as_markup()


def districts(items: Sequence[DistrictInfo]) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for district in items:
        builder.button(text=district.name, callback_data=DistrictCD(district_id=district.id))
    builder.button(text=_("I don't know / skip"), callback_data=DistrictCD(district_id=NO_DISTRICT))
    cancel_button(builder)
    return builder.adjust(2).as_markup()


def change_place() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(
        text=_("Change place"), callback_data=PlacePageCD(purpose=PlacePurpose.HOME, page=0)
    )
    return builder.as_markup()


def forget_confirm() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=_("🗑 Yes, delete my data"), callback_data=ForgetCD(confirm=True))
    builder.button(text=_("No, keep it"), callback_data=ForgetCD(confirm=False))
    return builder.adjust(1).as_markup()


def new_place_step(*options: tuple[str, NewPlaceAction]) -> InlineKeyboardMarkup:
    """Shortcut buttons for one step of adding a place, then Cancel."""
    builder = InlineGrid()
    for text, action in options:
        builder.button(text=text, callback_data=NewPlaceCD(action=action))
    cancel_button(builder)
    return builder.adjust(1).as_markup()


def invite_for(place: PlaceInfo) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(
        text=_("Invite an animator"),
        callback_data=PlaceCD(purpose=PlacePurpose.INVITE, place_id=place.id),
    )
    return builder.as_markup()
