"""My hours: this year's hours per month (a chart with its numbers beside it, so a
screen reader reads the same), tasks done and event dates attended."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.services.across.my_year import my_year
from bot.services.centres.places import timezone_of
from bot.services.defaults import TIMEZONE
from bot.web.visits import Visit, Visits


async def hours(visit: Visit) -> tuple[str, dict[str, Any]]:
    timezone = await timezone_of(visit.session, visit.person.place_id, TIMEZONE)
    year = await my_year(visit.session, visit.person.id, visit.now, timezone)
    most = max((value for _month, value in year.months), default=0.0)
    return "hours.html", {"tab": "hours", "year": year, "most": max(most, 1.0)}


def add_routes(app: web.Application, visits: Visits) -> None:
    app.router.add_get("/api/page/hours", visits.serve(hours))
