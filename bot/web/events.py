"""Events: the place's month as a calendar and a list, and a date's card with what the
viewer can do. The card's words and buttons are the chat's own (`views.events`,
`keyboards.events`), turned into page buttons, so the two never disagree."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiohttp import web
from markupsafe import Markup

from bot.db.unit_of_work import record
from bot.keyboards import events as ekb
from bot.keyboards.callbacks import EventAction, EventCD
from bot.services.centres.places import place_info
from bot.services.happened import SignedUpOnPage
from bot.services.initiatives import signups
from bot.services.initiatives.agenda import Dated, month_at_place
from bot.services.initiatives.cards import card_for, public_date
from bot.services.initiatives.signups import SignupOutcome
from bot.services.plain import PlaceInfo
from bot.views.events import (
    event_card,
    leave_answer,
    series_answer,
    series_left_answer,
    signup_answer,
)
from bot.web.feeds import public_base
from bot.web.visits import NotYours, Visit, Visits

# What a page may do with each of the chat's event buttons; the rest are for the
# chat (the .ics file) or the team's desk.
ACTIONS = {EventAction.JOIN, EventAction.SERIES, EventAction.LEAVE, EventAction.UNSERIES}
ON_PAGE = {EventAction.OPEN, *ACTIONS}


@dataclass(frozen=True)
class Button:
    text: str
    opens: str | None = None
    posts: str | None = None


@dataclass(frozen=True)
class Day:
    day: date
    dates: list[Dated]


def _month_of(text: str | None, today: date) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _weeks(first: date, by_day: dict[date, list[Dated]]) -> Iterator[list[Day | None]]:
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        yield [Day(day, by_day.get(day, [])) if day.month == first.month else None for day in week]


async def month(visit: Visit) -> tuple[str, dict[str, Any]]:
    place = await place_info(visit.session, visit.person.place_id)
    context: dict[str, Any] = {"tab": "events", "place": place}
    if place is None:
        return "events.html", context
    zone = ZoneInfo(place.timezone)
    first = _month_of(visit.request.query.get("month"), visit.now.astimezone(zone).date())
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(_shift(first, 1), datetime.min.time(), tzinfo=zone)
    by_day: dict[date, list[Dated]] = {}
    for item in await month_at_place(visit.session, place.id, start, end):
        if item.occurrence.starts_at is not None:
            by_day.setdefault(item.occurrence.starts_at.astimezone(zone).date(), []).append(item)
    base = public_base(visit.request, visit.settings.web_url)
    context.update(
        feed=f"{base}/feed/place/{place.slug}.ics",
        first=first,
        weeks=list(_weeks(first, by_day)),
        days=[Day(day, items) for day, items in sorted(by_day.items())],
        earlier=_shift(first, -1),
        later=_shift(first, 1),
    )
    return "events.html", context


async def _visible(visit: Visit) -> tuple[Dated, PlaceInfo]:
    """A public date, as in chat: a proposal is not public before approval."""
    found = await public_date(visit.session, visit.int_of("occurrence_id"))
    if found is None:
        raise NotYours
    return found


def _buttons(markup: InlineKeyboardMarkup) -> list[Button]:
    """The chat card's buttons that a page can press, each as a page action."""
    buttons = []
    for row in markup.inline_keyboard:
        for button in row:
            press = EventCD.unpack(button.callback_data or "")
            if press.action not in ON_PAGE:
                continue
            if press.action == EventAction.OPEN:
                buttons.append(Button(button.text, opens=f"/api/page/event/{press.occurrence_id}"))
                continue
            path = f"/api/event/{press.occurrence_id}/{press.action.value}"
            buttons.append(Button(button.text, posts=f"{path}?role={press.role_id}"))
    return buttons


async def card(visit: Visit) -> tuple[str, dict[str, Any]]:
    item, place = await _visible(visit)
    card = await card_for(visit.session, item, visit.person.id, visit.now)
    # The card's text is the chat's, where every user text is escaped (`views.events`).
    text = Markup(event_card(item, place, card))
    buttons = _buttons(ekb.event_card(item, card, staff=False))
    context = {"title": item.event.title, "text": text, "buttons": buttons}
    return "event.html", context


async def act(visit: Visit) -> tuple[str, dict[str, Any]]:
    """A card's button: the chat's own service call; a sign-up made on the page is also
    confirmed in the chat, where the person will look for it later."""
    try:
        action = EventAction(visit.request.match_info["action"])
        role_id = int(visit.request.query.get("role", "0"))
    except ValueError:
        raise web.HTTPNotFound() from None
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    item, _place = await _visible(visit)
    session, user_id, now = visit.session, visit.person.id, visit.now
    occurrence_id, event_id = item.occurrence.id, item.event.id
    if action == EventAction.JOIN:
        result = await signups.sign_up(session, occurrence_id, role_id, user_id, now)
        if result.outcome in (SignupOutcome.CONFIRMED, SignupOutcome.WAITING):
            record(session, SignedUpOnPage(user_id, occurrence_id, result.outcome, result.position))
        visit.note = signup_answer(result)
    elif action == EventAction.SERIES and item.event.repeat_weeks:
        results = await signups.join_series(session, event_id, role_id, user_id, now)
        visit.note = series_answer(results)
    elif action == EventAction.LEAVE:
        cancelled, _moved_up = await signups.cancel_signup(session, occurrence_id, user_id, now)
        visit.note = leave_answer(cancelled)
    elif action == EventAction.UNSERIES:
        await signups.leave_series(session, event_id, user_id, now)
        visit.note = series_left_answer()
    return await card(visit)


def add_routes(app: web.Application, visits: Visits) -> None:
    app.router.add_get("/api/page/events", visits.serve(month))
    app.router.add_get("/api/page/event/{occurrence_id}", visits.serve(card))
    app.router.add_post("/api/event/{occurrence_id}/{action}", visits.serve(act))
