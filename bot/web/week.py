"""My week: the availability grid, a break, the weekly limit, and what the coming weeks
hold (tasks with their address, event sign-ups). Every change is the chat's own
service call, so the chat profile shows the same at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.services.across.feeds import feed_token, renew_feed_token
from bot.services.centres.places import district_name, timezone_of
from bot.services.defaults import TIMEZONE, language_of
from bot.services.helping import tasks
from bot.services.helping.offers import back_from_a_break
from bot.services.helping.requests import RequestNotFound
from bot.services.initiatives.agenda import Dated, my_upcoming
from bot.services.people import profiles
from bot.services.people.talents import DAYS, PARTS, slot
from bot.services.plain import RequestInfo
from bot.views.formatting import decimal
from bot.views.labels import PART_LABELS, PART_WORDS, long_date
from bot.views.requests import when
from bot.views.texts import too_long
from bot.web.feeds import public_base
from bot.web.visits import NotYours, Visit, Visits


@dataclass(frozen=True)
class Cell:
    slot: int
    weekday: int
    part: int
    chosen: bool


@dataclass(frozen=True)
class Task:
    request: RequestInfo
    district: str | None
    when: str


async def _timezone(visit: Visit) -> str:
    return await timezone_of(visit.session, visit.person.place_id, TIMEZONE)


async def week(visit: Visit) -> tuple[str, dict[str, Any]]:
    person, session = visit.person, visit.session
    view = await profiles.get_profile(session, person.id)
    timezone = await _timezone(visit)
    signups: list[Dated] = await my_upcoming(session, person.id, visit.now)
    context: dict[str, Any] = {
        "tab": "week",
        "view": view,
        "timezone": timezone,
        "signups": signups,
        "parts": PARTS,
        "days": range(DAYS),
        "part_labels": PART_LABELS,
        "part_words": PART_WORDS,
        "caps": profiles.WEEKLY_CAPS,
        "hours_choices": tasks.HOURS_CHOICES,
        "relay_limit": tasks.RELAY_LIMIT,
        "tasks": [],
        "grid": [],
        "paused": False,
    }
    token = await feed_token(session, person.id, visit.now)
    context["feed"] = f"{public_base(visit.request, visit.settings.web_url)}/feed/{token}.ics"
    if view is not None:
        context["grid"] = [
            [Cell(slot(day, part), day, part, slot(day, part) in view.slots) for day in range(DAYS)]
            for part in PARTS
        ]
        context["paused"] = view.is_paused(visit.now)
        context["tasks"] = [
            Task(request, await district_name(session, request.district_id), when(request))
            for request in await tasks.active_tasks(session, person.id)
        ]
    return "week.html", context


async def _profile_or_refuse(visit: Visit) -> profiles.ProfileView:
    view = await profiles.get_profile(visit.session, visit.person.id)
    if view is None:
        raise NotYours
    return view


async def toggle_slot(visit: Visit) -> tuple[str, dict[str, Any]]:
    """A cell pressed: it carries the state wanted, so a second tap changes nothing."""
    await _profile_or_refuse(visit)
    chosen = visit.request.query.get("on") == "1"
    try:
        await profiles.choose_slot(visit.session, visit.person.id, visit.int_of("slot"), chosen)
    except ValueError:
        raise web.HTTPNotFound() from None
    return await week(visit)


async def set_cap(visit: Visit) -> tuple[str, dict[str, Any]]:
    await _profile_or_refuse(visit)
    try:
        await profiles.set_weekly_cap(visit.session, visit.person.id, visit.int_of("cap"))
    except ValueError:
        raise web.HTTPNotFound() from None
    return await week(visit)


async def pause(visit: Visit) -> tuple[str, dict[str, Any]]:
    """Until a day chosen in the form (empty: until I say I am back)."""
    await _profile_or_refuse(visit)
    until = (await visit.form()).get("until", "").strip()
    end = profiles.pause_end(until, visit.now, await _timezone(visit)) if until else None
    if until and end is None:
        visit.note = _("Please choose a day within the coming year.")
        return await week(visit)
    await profiles.pause(visit.session, visit.person.id, end)
    visit.note = paused_text(end, language_of(visit.person))
    return await week(visit)


def paused_text(end: datetime | None, language: str) -> str:
    if end is None:
        return _("⏸ Paused until you are back. Rest well!")
    return _("⏸ Paused until {date}. Rest well!").format(date=long_date(end.date(), language))


async def resume(visit: Visit) -> tuple[str, dict[str, Any]]:
    await _profile_or_refuse(visit)
    await back_from_a_break(visit.session, visit.person, visit.now, visit.settings.matching())
    visit.note = _("▶️ Welcome back! Requests that fit you will come here again.")
    return await week(visit)


async def done(visit: Visit) -> tuple[str, dict[str, Any]]:
    """Done, with the hours it took: as in chat, then the open requests that fit."""
    try:
        hours = float((await visit.form()).get("hours", ""))
    except ValueError:
        raise web.HTTPNotFound() from None
    try:
        await tasks.finish_task(
            visit.session,
            visit.int_of("request_id"),
            visit.person,
            hours,
            visit.now,
            visit.settings.matching(),
        )
    except RequestNotFound:
        raise NotYours from None
    except ValueError:
        raise web.HTTPNotFound() from None
    visit.note = _("✅ Recorded: {hours} h. Thank you for helping a neighbour!").format(
        hours=decimal(hours)
    )
    return await week(visit)


async def hand_back(visit: Visit) -> tuple[str, dict[str, Any]]:
    try:
        await tasks.hand_back(
            visit.session,
            visit.int_of("request_id"),
            visit.person.id,
            visit.now,
            visit.settings.matching(),
        )
    except RequestNotFound:
        raise NotYours from None
    visit.note = _("Thank you for letting us know. I will find someone else.")
    return await week(visit)


async def write(visit: Visit) -> tuple[str, dict[str, Any]]:
    """A message to the other side of the task, through the bot (neither sees the
    other's handle), as "✉️ Write" does in chat."""
    text = (await visit.form()).get("text", "").strip()
    if not text:
        visit.note = _("Please write some text.")
        return await week(visit)
    if len(text) > tasks.RELAY_LIMIT:
        visit.note = too_long(len(text), tasks.RELAY_LIMIT)
        return await week(visit)
    try:
        await tasks.relay_message(visit.session, visit.int_of("request_id"), visit.person, text)
    except RequestNotFound:
        raise NotYours from None
    visit.note = _("Sent.")
    return await week(visit)


async def new_feed_address(visit: Visit) -> tuple[str, dict[str, Any]]:
    await renew_feed_token(visit.session, visit.person.id, visit.now)
    visit.note = _("A new address is ready; the old one no longer works.")
    return await week(visit)


def add_routes(app: web.Application, visits: Visits) -> None:
    app.router.add_post("/api/feed/renew", visits.serve(new_feed_address))
    app.router.add_get("/api/page/week", visits.serve(week))
    app.router.add_post("/api/week/slot/{slot}", visits.serve(toggle_slot))
    app.router.add_post("/api/week/cap/{cap}", visits.serve(set_cap))
    app.router.add_post("/api/week/pause", visits.serve(pause))
    app.router.add_post("/api/week/resume", visits.serve(resume))
    app.router.add_post("/api/task/{request_id}/done", visits.serve(done))
    app.router.add_post("/api/task/{request_id}/back", visits.serve(hand_back))
    app.router.add_post("/api/task/{request_id}/write", visits.serve(write))
