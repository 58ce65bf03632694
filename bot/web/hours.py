"""My hours: this year's hours per month (a chart with its numbers beside it, so a
screen reader reads the same), tasks done and event dates attended, and the
certificate: issued by the chat's own service, handed over as a file to download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.db.unit_of_work import unit_of_work
from bot.services.across.my_year import my_year
from bot.services.centres.places import timezone_of
from bot.services.defaults import TIMEZONE, language_of
from bot.services.people import certificates
from bot.services.people.certificates import CERT_PREFIX, Period
from bot.services.people.users import get_person
from bot.services.printed.certificate_pdf import certificate_pdf
from bot.views.certificates import certificate_text, file_name, which_period
from bot.views.replies import deep_link
from bot.web.api import MiniApp
from bot.web.rendering import Pages
from bot.web.visits import Visit, Visits


@dataclass(frozen=True)
class Paper:
    """A certificate just issued: where to download it, and what it says in short."""

    place: str
    hours: float
    address: str
    file_name: str


async def hours(visit: Visit) -> tuple[str, dict[str, Any]]:
    timezone = await timezone_of(visit.session, visit.person.place_id, TIMEZONE)
    year = await my_year(visit.session, visit.person.id, visit.now, timezone)
    most = max((value for _month, value in year.months), default=0.0)
    context = {"tab": "hours", "year": year, "most": max(most, 1.0), "papers": []}
    return "hours.html", context | {"which_period": which_period()}


async def certificate(visit: Visit) -> tuple[str, dict[str, Any]]:
    """One certificate per centre where the volunteer finished tasks in the period, as
    "📄 Certificate" gives in chat; asking again gives the same papers back."""
    try:
        period = Period(visit.request.query.get("period", ""))
    except ValueError:
        raise web.HTTPNotFound() from None
    works = await certificates.work_by_place(visit.session, visit.person.id, period, visit.now)
    papers = []
    for place, work in works:
        issued = await certificates.issue(visit.session, visit.person, place, work, visit.now)
        papers.append(
            Paper(place.name, work.hours, f"/certificate/{issued.code}.pdf", file_name(issued))
        )
    if not papers:
        visit.note = _(
            "You have no finished tasks in this period yet, so there is nothing to certify."
        )
    template, context = await hours(visit)
    return template, context | {"papers": papers}


def add_routes(app: web.Application, visits: Visits, mini_app: MiniApp, pages: Pages) -> None:
    async def pdf(request: web.Request) -> web.Response:
        """The paper again, by its code: as private as the code printed on it (128 bits)."""
        now = mini_app.clock()
        async with unit_of_work(mini_app.session_factory) as session:
            found = await certificates.as_printed(session, request.match_info["code"])
            owner = found[0].user_id if found else None
            person = await get_person(session, owner) if owner else None
        if found is None or mini_app.bot is None:
            raise web.HTTPNotFound()
        issued, place, work = found
        link = await deep_link(mini_app.bot, CERT_PREFIX + issued.code)
        with pages.speaking(language_of(person), now):
            text = certificate_text(issued, place, work, link, language_of(person))
        body = certificate_pdf(text)
        disposition = f'attachment; filename="{file_name(issued)}"'
        return web.Response(
            body=body, content_type="application/pdf", headers={"Content-Disposition": disposition}
        )

    app.router.add_get("/api/page/hours", visits.serve(hours))
    app.router.add_post("/api/hours/certificate", visits.serve(certificate))
    app.router.add_get("/certificate/{code}.pdf", pdf)
