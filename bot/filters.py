"""Permission filters. They read what the middlewares loaded, never the client's claims."""

from typing import Any, cast

from aiogram import F
from aiogram.filters import Command, Filter, or_f
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from bot.db.models import User
from bot.keyboards import menus


class IsAdmin(Filter):
    async def __call__(self, event: TelegramObject, is_admin: bool = False) -> bool:
        return is_admin


class HasConsented(Filter):
    async def __call__(self, event: TelegramObject, user: User | None = None) -> bool:
        return user is not None and user.has_consented


class Rule(Filter):
    """An `F` rule checked on the event loop.

    aiogram runs a bare `F` rule (and a bare `State`) in a worker thread, one thread hop
    per check for every update that passes by; wrapped here it costs a function call.
    tests/test_routing.py fails when a bare one slips in.
    """

    def __init__(self, rule: MagicFilter) -> None:
        self.rule = rule

    async def __call__(self, event: TelegramObject) -> bool | dict[str, Any]:
        return cast(bool | dict[str, Any], self.rule.resolve(event))


def shortcut(command: str) -> Filter:
    """The command, or a tap on the menu button that stands for it (`menus.SHORTCUTS`):
    one registration answers both, so a button and its command never drift apart."""
    return or_f(Command(command), Rule(F.text == menus.SHORTCUTS[command]))
