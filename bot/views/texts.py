"""Longer messages used in more than one place."""

from __future__ import annotations

from html import escape

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.centres.places import PlaceStats
from bot.services.errors import (
    EmptyValue,
    InvalidSlug,
    ServiceError,
    SlugTaken,
    TooLong,
    TooManyDistricts,
    UnknownTimezone,
)
from bot.services.plain import PlaceWithDistricts
from bot.services.text import clean_text


def privacy_notice() -> str:
    return _(
        "🔒 <b>Your data in Sąsiad</b>\n\n"
        "<b>What I keep:</b> your Telegram id, your first name, the language you chose, "
        "your community centre and district, and what you tell me (for example "
        "a request for help).\n"
        "<b>Who sees it:</b> the team of your community centre. Other residents and "
        "volunteers see only your first name, and an address only when you share it for "
        "a task.\n"
        "<b>What I never do:</b> show your phone number or Telegram username to anyone, "
        "or give your data to anyone else.\n"
        "<b>Your rights:</b> under 🔒 My data (in ☰ More) you can download all your data "
        "or delete it, at any time."
    )


def privacy_short() -> str:
    """The notice in three lines, for the consent question; the rest is one tap away."""
    return _(
        "🔒 <b>Your data</b>: I keep your first name, language, community centre and "
        "district, and what you tell me. Other neighbours see only your first name; "
        "your centre's team sees more. Nobody sees your phone number, and your data "
        "goes to nobody else."
    )


def place_card(place: PlaceWithDistricts, stats: PlaceStats, poster_link: str) -> str:
    districts = ", ".join(escape(d.name) for d in place.districts) or _("none")
    residents = ngettext("{count} resident", "{count} residents", stats.residents).format(
        count=stats.residents
    )
    animators = ngettext("{count} animator", "{count} animators", stats.animators).format(
        count=stats.animators
    )
    return _(
        "<b>{name}</b>\n"
        "Link name: <code>{slug}</code>\n"
        "Time zone: {timezone}\n"
        "Districts: {districts}\n"
        "{residents}, {animators}\n"
        "Poster link: {link}"
    ).format(
        name=escape(place.name),
        slug=place.slug,
        timezone=place.timezone,
        districts=districts,
        residents=residents,
        animators=animators,
        link=poster_link,
    )


def too_long(length: int, limit: int) -> str:
    return _("That is too long ({length} characters; at most {limit}). Please shorten it.").format(
        length=length, limit=limit
    )


async def typed_text(message: Message, limit: int) -> str | None:
    """The typed text, trimmed; or None after telling the person what is wrong with it."""
    try:
        return clean_text(message.text or "", limit=limit)
    except TooLong as error:
        await message.answer(too_long(error.length, error.limit))
    except EmptyValue:
        await message.answer(_("Please write some text."))
    return None


def staff_only() -> str:
    return _("Sorry, this is only for the animators of that place.")


def stale_button() -> str:
    """The answer to a press on a button whose question is settled or never existed."""
    return _("This button is no longer active.")


def input_problem(error: ServiceError) -> str:
    """What went wrong with typed input, in words one can act on (the admin in chat,
    the operator at the command line)."""
    if isinstance(error, TooLong):
        return too_long(error.length, error.limit)
    if isinstance(error, InvalidSlug):
        return _(
            "Please use only small letters a–z, digits and hyphens (at most 40), "
            "for example: mal-zoliborz."
        )
    if isinstance(error, SlugTaken):
        return _("Another place already uses that link name. Please choose a different one.")
    if isinstance(error, UnknownTimezone):
        return _("I do not know that time zone. Please write it like Europe/Warsaw.")
    if isinstance(error, TooManyDistricts):
        return _("That is too many districts (at most {limit}).").format(limit=error.limit)
    if isinstance(error, EmptyValue):
        return _("Please write some text.")
    return _("That did not work. Please try again.")
