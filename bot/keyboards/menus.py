"""The menus at the bottom of the chat: every feature is a button away, commands are
shortcuts.

Seniors first: the main menu has six big buttons (the four things people come for,
"☰ More" and "❓ Help"); "☰ More" holds everything else a resident or volunteer needs,
and for the centre's team one more button opens their tools. They are reply keyboards,
so a tap sends the button's text and the same handler as the command answers it
(`bot.filters.Asks`); a tap in the middle of a step is navigation, never the
answer (`bot.middlewares.navigation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy

from bot.services.plain import Person

MENU_NEED_HELP = __("🙋 I need help")
MENU_VOLUNTEER = __("🤝 Volunteering")
MENU_EVENTS = __("📅 Events")
MENU_IDEA = __("💡 I have an idea")
MENU_MORE = __("☰ More")
MENU_HELP = __("❓ Help")

MENU_MY_REQUESTS = __("📨 My requests")
MENU_MY_TASKS = __("📋 My tasks")
MENU_MY_EVENTS = __("🎟 My sign-ups")
MENU_MY_IDEAS = __("🗂 My initiatives")
MENU_GROUPS = __("👥 Groups")
MENU_MY_PLACE = __("📍 My centre")
MENU_SETTINGS = __("🔔 Reminders")
MENU_LANGUAGE = __("🌐 Language")
MENU_PRIVACY = __("🔒 My data")
MENU_STAFF = __("🧭 Team tools")
MENU_MAIN = __("⬅️ Main menu")

MENU_PANEL = __("📥 Waiting for you")
MENU_STATS = __("📊 Statistics")
MENU_ANNOUNCE = __("📣 Announcement")
MENU_SCHEDULED = __("🕒 Scheduled announcements")
MENU_NEW_EVENT = __("🗓 New event")
MENU_MANAGE_GROUPS = __("🛠 Edit groups")
MENU_INTAKE = __("✍️ Request for someone")
MENU_POSTER = __("🖼 Poster with a QR code")
MENU_MY_PLACES = __("🏠 Centres I run")
MENU_CERTIFICATES = __("📄 Certificates issued")
MENU_PLACES = __("🏢 All centres")
MENU_ADD_PLACE = __("➕ Add a centre")
MENU_INVITE = __("✉️ Invite to a team")

# The command each button stands for; the handler registered for the command answers
# the button too.
SHORTCUTS: dict[str, LazyProxy] = {
    "request": MENU_NEED_HELP,
    "profile": MENU_VOLUNTEER,
    "events": MENU_EVENTS,
    "propose": MENU_IDEA,
    "help": MENU_HELP,
    "requests": MENU_MY_REQUESTS,
    "tasks": MENU_MY_TASKS,
    "myevents": MENU_MY_EVENTS,
    "myideas": MENU_MY_IDEAS,
    "groups": MENU_GROUPS,
    "settings": MENU_SETTINGS,
    "language": MENU_LANGUAGE,
    "privacy": MENU_PRIVACY,
    "panel": MENU_PANEL,
    "stats": MENU_STATS,
    "announce": MENU_ANNOUNCE,
    "announcements": MENU_SCHEDULED,
    "newevent": MENU_NEW_EVENT,
    "managegroups": MENU_MANAGE_GROUPS,
    "intake": MENU_INTAKE,
    "poster": MENU_POSTER,
    "myplaces": MENU_MY_PLACES,
    "certificates": MENU_CERTIFICATES,
    "places": MENU_PLACES,
    "addplace": MENU_ADD_PLACE,
    "invite": MENU_INVITE,
}

_MAIN = ((MENU_NEED_HELP, MENU_VOLUNTEER), (MENU_EVENTS, MENU_IDEA), (MENU_MORE, MENU_HELP))
_MORE = (
    (MENU_MY_REQUESTS, MENU_MY_TASKS),
    (MENU_MY_EVENTS, MENU_MY_IDEAS),
    (MENU_GROUPS, MENU_MY_PLACE),
    (MENU_SETTINGS, MENU_LANGUAGE),
    (MENU_PRIVACY, MENU_MAIN),
)
_STAFF = (
    (MENU_PANEL, MENU_STATS),
    (MENU_ANNOUNCE, MENU_SCHEDULED),
    (MENU_NEW_EVENT, MENU_MANAGE_GROUPS),
    (MENU_INTAKE, MENU_POSTER),
    (MENU_MY_PLACES, MENU_CERTIFICATES),
    (MENU_MAIN,),
)
_ADMIN = ((MENU_PLACES, MENU_ADD_PLACE, MENU_INVITE),)

MENU_LABELS: tuple[LazyProxy, ...] = tuple(
    label
    for rows in (_MAIN, _MORE, _STAFF, _ADMIN, ((MENU_STAFF,),))
    for row in rows
    for label in row
)


@dataclass(frozen=True, slots=True)
class Said:
    """What a message asks for, read once per message (`read`) rather than by every
    filter it passes: a typed command ("events" for "/events@bot 3"), or the menu
    button it is the label of, in the sender's language."""

    command: str | None = None
    button: LazyProxy | None = None


NOTHING = Said()


def read(text: str | None, caption: str | None = None) -> Said:
    """A command may also stand in a photo's caption, as aiogram's `Command` reads it;
    a button only ever sends text."""
    typed = text or caption
    if typed and typed.startswith("/") and len(typed) > 1:
        word = typed.split(maxsplit=1)[0][1:]
        return Said(command=word.split("@", 1)[0].lower())
    if not text:
        return NOTHING
    button = _labels(get_i18n().current_locale).get(text)
    return NOTHING if button is None else Said(button=button)


@cache
def _labels(locale: str) -> dict[str, LazyProxy]:
    """The labels' texts in this language → the label; built once per language (it is
    called while that language is the current one)."""
    return {str(label): label for label in MENU_LABELS}


def _keyboard(rows: Sequence[Sequence[LazyProxy]]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=str(label)) for label in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )


def main_menu() -> ReplyKeyboardMarkup:
    return _main_menu(get_i18n().current_locale)


@cache
def _main_menu(locale: str) -> ReplyKeyboardMarkup:
    """Built once per language: it goes out with most replies and never changes."""
    return _keyboard(_MAIN)


def menu_for(user: Person | None) -> ReplyKeyboardMarkup | None:
    """The main menu, for people who finished signing up; nothing for the others."""
    return main_menu() if user is not None and user.has_consented else None


def more_menu(*, staff: bool) -> ReplyKeyboardMarkup:
    return _keyboard([*_MORE, *(((MENU_STAFF,),) if staff else ())])


def staff_menu(*, admin: bool) -> ReplyKeyboardMarkup:
    return _keyboard([*_STAFF, *(_ADMIN if admin else ())])
