"""One page request of a signed-in person, handled like an update in chat: one unit of
work (what the services record is told in the same commit), the person as plain data,
and a page rendered in their language once the change is committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.unit_of_work import unit_of_work
from bot.i18n import guess_language
from bot.notify.teller import teller
from bot.services.defaults import language_of
from bot.services.errors import ServiceError
from bot.services.people.users import person_with_telegram_id
from bot.services.plain import Person
from bot.web.api import SIGNED_IN, MiniApp
from bot.web.rendering import Pages


@dataclass
class Visit:
    """What a page works with. `note` is said above the page after an action ("✅ You
    are signed up"); pages run in the reader's language, so it is worded there."""

    request: web.Request
    session: AsyncSession
    person: Person
    now: datetime
    settings: Settings
    note: str | None = None

    def int_of(self, name: str) -> int:
        """A number from the path; anything else is a page that does not exist."""
        try:
            return int(self.request.match_info[name])
        except (KeyError, ValueError):
            raise web.HTTPNotFound() from None

    async def form(self) -> dict[str, str]:
        data = await self.request.post()
        return {key: value for key, value in data.items() if isinstance(value, str)}


# What a page does: reads (and for an action, changes) through services, and returns
# the template to render with what it shows.
Page = Callable[[Visit], Awaitable[tuple[str, dict[str, Any]]]]


class NotYours(ServiceError):
    """Someone else's task, request or page: 403, and nothing changed."""


class Visits:
    """Serves pages: sign-in was checked by `MiniApp.signed_in_only`; here the person
    must have agreed in the chat (403 otherwise, as the chat shows nothing before)."""

    def __init__(self, mini_app: MiniApp, pages: Pages) -> None:
        self.mini_app = mini_app
        self.pages = pages

    def serve(self, page: Page) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            return await self._visit(request, page)

        return handler

    async def _visit(self, request: web.Request, page: Page) -> web.Response:
        app = self.mini_app
        signed = request[SIGNED_IN]
        now = app.clock()
        language: str = guess_language(signed.language_code, app.settings.default_language)
        visit: Visit | None = None
        try:
            async with unit_of_work(
                app.session_factory, teller(app.i18n, app.clock, app.settings)
            ) as session:
                person = await person_with_telegram_id(session, signed.telegram_id)
                if person is None or not person.has_consented:
                    return self._html("refused.html", language, now, 403, {})
                language = language_of(person)
                visit = Visit(request, session, person, now, app.settings)
                with self.pages.speaking(language, now):
                    template, context = await page(visit)
        except NotYours:
            return self._html("refused.html", language, now, 403, {"known": True})
        return self._html(template, language, now, 200, {**context, "note": visit.note})

    def _html(
        self, template: str, language: str, now: datetime, status: int, context: dict[str, Any]
    ) -> web.Response:
        body = self.pages.render(template, language, now, **({"note": None} | context))
        return web.Response(text=body, status=status, content_type="text/html")
