"""My requests (residents): where each stands, cancel one, and confirm and thank once
the volunteer is done, with the chat's own rules and service calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web
from markupsafe import Markup

from bot.db.statuses import RequestStatus
from bot.services.centres.places import district_name
from bot.services.helping import tasks
from bot.services.helping.requests import RequestNotFound, cancel_request, requests_of
from bot.services.plain import RequestInfo
from bot.views.requests import status, summary
from bot.web.visits import NotYours, Visit, Visits


@dataclass(frozen=True)
class Asked:
    request: RequestInfo
    text: Markup
    status: str
    cancel: bool
    close: bool
    rate: bool


async def _asked(visit: Visit, request: RequestInfo) -> Asked:
    district = await district_name(visit.session, request.district_id)
    matched = request.status == RequestStatus.MATCHED
    close = request.status == RequestStatus.DONE or (
        matched and await tasks.time_has_passed(visit.session, request, visit.now)
    )
    return Asked(
        request,
        # The chat's summary, where every user text is escaped (`views.requests`).
        Markup(summary(request, district, address=True, requester=True)),
        status(request),
        cancel=request.status in (RequestStatus.OPEN, RequestStatus.MATCHED),
        close=close,
        rate=request.status == RequestStatus.CLOSED and request.rating is None,
    )


async def mine(visit: Visit) -> tuple[str, dict[str, Any]]:
    asked = [
        await _asked(visit, request)
        for request in await requests_of(visit.session, visit.person.id)
    ]
    return "requests.html", {"tab": "requests", "asked": asked, "ratings": tasks.RATINGS}


async def cancel(visit: Visit) -> tuple[str, dict[str, Any]]:
    try:
        await cancel_request(visit.session, visit.int_of("request_id"), visit.person.id, visit.now)
    except RequestNotFound:
        raise NotYours from None
    visit.note = _("Your request was cancelled.")
    return await mine(visit)


async def confirm(visit: Visit) -> tuple[str, dict[str, Any]]:
    """ "❤️ Yes, thank you!", with a rating or without; the volunteer hears it once."""
    value = visit.request.query.get("rating")
    try:
        rating = int(value) if value else None
        await tasks.confirm_done(
            visit.session, visit.int_of("request_id"), visit.person.id, visit.now, rating
        )
    except RequestNotFound:
        raise NotYours from None
    except ValueError:
        raise web.HTTPNotFound() from None
    visit.note = (
        _("Thank you for your rating!")
        if rating
        else _("❤️ Thank you! How was it? (you may skip this)")
    )
    return await mine(visit)


def add_routes(app: web.Application, visits: Visits) -> None:
    app.router.add_get("/api/page/requests", visits.serve(mine))
    app.router.add_post("/api/request/{request_id}/cancel", visits.serve(cancel))
    app.router.add_post("/api/request/{request_id}/confirm", visits.serve(confirm))
