"""Permission filters. They read what the middlewares loaded, never the client's claims."""

from typing import Any, cast

from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n.lazy_proxy import LazyProxy
from magic_filter import MagicFilter

from bot.keyboards import menus
from bot.services.plain import Person


class IsAdmin(Filter):
    async def __call__(self, event: TelegramObject, is_admin: bool = False) -> bool:
        return is_admin


class HasConsented(Filter):
    async def __call__(self, event: TelegramObject, user: Person | None = None) -> bool:
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


class Asks(Filter):
    """The message asks for this command: typed, or by the menu button that stands for
    it (`menus.SHORTCUTS`), so a button and its command never drift apart. What the
    message says is read once, by `NavigationMiddleware`, not by each of the ~30 such
    filters a message passes on its way through the routers."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.button = menus.SHORTCUTS.get(command)

    async def __call__(self, message: Message, said: menus.Said | None = None) -> bool:
        said = said or menus.read(message.text, message.caption)
        return said.command == self.command or (
            self.button is not None and said.button is self.button
        )


class Tapped(Filter):
    """A tap on this menu button (one with no command of its own)."""

    def __init__(self, button: LazyProxy) -> None:
        self.button = button

    async def __call__(self, message: Message, said: menus.Said | None = None) -> bool:
        said = said or menus.read(message.text)
        return said.button is self.button
