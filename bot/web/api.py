"""The Mini App's API: every call signed in (`bot.web.signin`), each in one unit of work
like an update in chat, answering plain data (`services` dataclasses) as JSON."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.db.unit_of_work import unit_of_work
from bot.notify.teller import teller
from bot.services.people.users import signed_in_person
from bot.web.signin import SignedIn, SignInRefused, check_init_data, init_data_of

log = logging.getLogger(__name__)
SIGNED_IN = web.RequestKey("signed_in", SignedIn)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class MiniApp:
    """What the routes work with; one per process."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    i18n: I18n
    clock: Clock
    # For links into the chat (a certificate's check link); None where there is no bot.
    bot: Bot | None = None

    @property
    def max_age(self) -> timedelta:
        return timedelta(hours=self.settings.web_signin_max_age_hours)

    @web.middleware
    async def signed_in_only(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every /api/ call: Telegram's signature checked first, nothing read before."""
        if not request.path.startswith("/api/"):
            return await handler(request)
        try:
            signed = check_init_data(
                init_data_of(request.headers.get("Authorization")),
                self.settings.require_token(),
                now=self.clock(),
                max_age=self.max_age,
            )
        except SignInRefused as refused:
            log.info("mini app sign-in refused: %s", refused.reason)
            return web.json_response({"error": refused.reason}, status=401)
        request[SIGNED_IN] = signed
        return await handler(request)

    async def me(self, request: web.Request) -> web.Response:
        signed = request[SIGNED_IN]
        async with unit_of_work(
            self.session_factory, teller(self.i18n, self.clock, self.settings)
        ) as session:
            person = await signed_in_person(session, signed.telegram_id)
        if person is None:
            return web.json_response(
                {"error": "send /start to the bot and agree first"}, status=403
            )
        return web.json_response(asdict(person))
