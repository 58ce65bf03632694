"""Calendar feeds at their addresses: `/feed/<token>.ics` (a person's tasks and
sign-ups; the token is the only key, so it is 128 random bits and renewable) and
`/feed/place/<slug>.ics` (a centre's public events). Calendars fetch these without
Telegram, so nothing else here is signed in; an unknown or renewed address is 404."""

from __future__ import annotations

from datetime import timedelta

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.db.statuses import RequestStatus
from bot.db.unit_of_work import unit_of_work
from bot.services.across.feeds import FeedTask, feed_owner, personal_feed, place_feed
from bot.services.defaults import language_of
from bot.services.helping.offers import start_in
from bot.services.initiatives.calendar import Entry, calendar_file, event_entry
from bot.views.labels import talent
from bot.web.api import MiniApp
from bot.web.rendering import Pages

# A task's time in a calendar: its part of the day starts it; an hour is a fair guess.
TASK_LENGTH = timedelta(hours=1)
ICS = "text/calendar"


def public_base(request: web.Request, web_url: str | None) -> str:
    """Where calendars reach us: the deployment's public address, else this request's."""
    return (web_url or str(request.url.origin())).rstrip("/")


def task_entry(task: FeedTask) -> Entry:
    request = task.request
    assert request.day is not None
    start = start_in(request.day, request.part, task.timezone)
    lines = [f"«{request.description}»"]
    if request.address:
        lines.append(_("Address: {address}").format(address=request.address))
    place = request.address or task.district or ""
    return Entry(
        uid=f"request-{request.id}@sasiad",
        start=start,
        end=start + TASK_LENGTH,
        summary=talent(request.category),
        description="\n".join(lines),
        location=place,
        status="CANCELLED" if request.status == RequestStatus.CANCELLED else "CONFIRMED",
    )


def add_routes(app: web.Application, mini_app: MiniApp, pages: Pages) -> None:
    async def personal(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        now = mini_app.clock()
        async with unit_of_work(mini_app.session_factory) as session:
            person = await feed_owner(session, token)
            if person is None:
                raise web.HTTPNotFound()
            tasks, dates = await personal_feed(session, person.id, now)
        with pages.speaking(language_of(person), now):
            entries = [task_entry(task) for task in tasks]
            entries += [
                event_entry(d.item.event, d.item.occurrence, d.place, tentative=d.waiting)
                for d in dates
            ]
            name = _("Sąsiad: my tasks and events")
        return web.Response(body=calendar_file(entries, now, name), content_type=ICS)

    async def public(request: web.Request) -> web.Response:
        now = mini_app.clock()
        async with unit_of_work(mini_app.session_factory) as session:
            found = await place_feed(session, request.match_info["slug"], now)
        if found is None:
            raise web.HTTPNotFound()
        place, dates = found
        entries = [event_entry(item.event, item.occurrence, place) for item in dates]
        return web.Response(body=calendar_file(entries, now, place.name), content_type=ICS)

    app.router.add_get("/feed/place/{slug}.ics", public)
    app.router.add_get("/feed/{token}.ics", personal)
