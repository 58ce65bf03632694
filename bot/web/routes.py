"""Every route of the Mini App, on an application of its own (polling mode) or on the
webhook's: the shell and its files, the signed-in API, the pages."""

from __future__ import annotations

from aiohttp import web

from bot.web import events, feeds, hours, my_requests, shell, week
from bot.web.api import MiniApp
from bot.web.rendering import Pages
from bot.web.visits import Visits


def add_mini_app(app: web.Application, mini_app: MiniApp) -> None:
    pages = Pages(mini_app.i18n)
    visits = Visits(mini_app, pages)
    app.middlewares.append(mini_app.signed_in_only)
    app.router.add_get("/api/me", mini_app.me)
    shell.add_routes(app, mini_app, pages)
    feeds.add_routes(app, mini_app, pages)
    for area in (week, events, my_requests):
        area.add_routes(app, visits)
    hours.add_routes(app, visits, mini_app, pages)
