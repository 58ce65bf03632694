"""Per-update plumbing, in the order `bot.runtime.app` registers it: session, user, i18n,
throttling; on the Bot's own calls, `api_calls`."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import TelegramObject

# What an update middleware calls next, and the data it passes along.
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
