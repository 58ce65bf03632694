"""Command menus (`setMyCommands`) per language and per role.

A self-hosted or test Bot API may not offer these methods, so every failure is
logged and the bot keeps running.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy
from aiohttp import ClientError

from bot.config import LANGUAGES

log = logging.getLogger(__name__)

RESIDENT_COMMANDS: list[tuple[str, LazyProxy]] = [
    ("start", __("Start or show the menu")),
    ("request", __("Ask neighbours for help")),
    ("requests", __("Your requests")),
    ("profile", __("Your volunteer profile")),
    ("tasks", __("Tasks you took on")),
    ("certificate", __("A certificate of your volunteering")),
    ("events", __("What is coming up at your place")),
    ("myevents", __("Events you signed up for")),
    ("propose", __("Propose an idea")),
    ("myideas", __("Your ideas")),
    ("groups", __("Interest groups")),
    ("pause", __("Pause volunteering")),
    ("resume", __("Resume volunteering")),
    ("settings", __("Reminders and digest on or off")),
    ("help", __("What I can do")),
    ("language", __("Change language")),
    ("privacy", __("What data is kept")),
    ("export", __("Get your data")),
    ("forget", __("Delete your data")),
    ("cancel", __("Stop what you are doing")),
]
ANIMATOR_COMMANDS = [
    *RESIDENT_COMMANDS,
    ("panel", __("Animator panel")),
    ("intake", __("Request for someone without Telegram")),
    ("newevent", __("Publish an event")),
    ("announce", __("Send an announcement")),
    ("announcements", __("Scheduled announcements")),
    ("managegroups", __("Edit interest groups")),
    ("stats", __("Statistics and CSV")),
    ("poster", __("A poster with a QR code")),
    ("myplaces", __("Places you run")),
    ("certificates", __("Certificates issued at your centres")),
]
ADMIN_COMMANDS = [
    *ANIMATOR_COMMANDS,
    ("places", __("All centres")),
    ("addplace", __("Add a place")),
    ("invite", __("Invite an animator")),
]


def _translated(i18n: I18n, commands: list[tuple[str, LazyProxy]], lang: str) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(lang):
        return [BotCommand(command=name, description=str(text)) for name, text in commands]


async def publish_default_commands(bot: Bot, i18n: I18n, default_language: str) -> None:
    try:
        await bot.set_my_commands(
            _translated(i18n, RESIDENT_COMMANDS, default_language), scope=BotCommandScopeDefault()
        )
        for lang in LANGUAGES:
            await bot.set_my_commands(
                _translated(i18n, RESIDENT_COMMANDS, lang),
                scope=BotCommandScopeDefault(),
                language_code=lang,
            )
    except (TelegramAPIError, ClientError) as exc:
        log.warning("could not set the command menus: %s", exc)


async def publish_chat_commands(
    bot: Bot, i18n: I18n, chat_id: int, *, admin: bool, language: str
) -> None:
    """The extended menu in one staff member's chat, in the language they chose in the bot.

    A chat-scoped menu wins over the per-language default menus, so one call is enough.
    """
    commands = ADMIN_COMMANDS if admin else ANIMATOR_COMMANDS
    try:
        await bot.set_my_commands(
            _translated(i18n, commands, language), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except (TelegramAPIError, ClientError) as exc:
        log.warning("could not set the staff command menu for chat %s: %s", chat_id, exc)


MENU_BUTTON = __("🗓 Open")


async def publish_menu_button(bot: Bot, i18n: I18n, web_url: str, language: str) -> None:
    """The button beside the message field opens the Mini App, where it is served.
    Telegram keeps one default button for everyone, so it speaks the default language."""
    with i18n.context(), i18n.use_locale(language):
        text = str(MENU_BUTTON)
    button = MenuButtonWebApp(text=text, web_app=WebAppInfo(url=f"{web_url.rstrip('/')}/app/"))
    try:
        await bot.set_chat_menu_button(menu_button=button)
    except (TelegramAPIError, ClientError) as exc:
        log.warning("could not set the menu button: %s", exc)
