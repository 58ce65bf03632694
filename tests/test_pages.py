"""The Mini App's pages over a real aiohttp server, the real database and the chat's
services: what a page changes, the chat shows; what is not yours is refused (403) and
nothing changes. The same pages in a real browser: tests/test_browser.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from aiogram.utils.i18n import I18n
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import HelpRequest, Occurrence, OutboxMessage, Signup, VolunteerSlot
from bot.db.statuses import RequestStatus, SignupStatus
from bot.services.initiatives.events import EventDraft, submit_event
from bot.web.api import MiniApp
from bot.web.routes import add_mini_app
from tests.conftest import TOKEN
from tests.fakes.webapp import init_data
from tests.harness import START, Harness, Person, drain, joined
from tests.helpers import add_place, stored
from tests.test_help_flow import EWA, MAREK, ZOFIA, ask_for_shopping, english_volunteer, sign_up


@pytest.fixture
async def server(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    harness: Harness,
) -> AsyncIterator[TestServer]:
    app = web.Application()
    add_mini_app(app, MiniApp(settings, session_factory, i18n, harness.clock))
    async with TestServer(app, host="127.0.0.1") as test_server:
        yield test_server


class Browser:
    """Calls the pages as the Mini App's script does, signed in as one person."""

    def __init__(self, server: TestServer, harness: Harness, person: Person) -> None:
        self.server, self.harness, self.person = server, harness, person

    def _headers(self) -> dict[str, str]:
        signed = init_data(
            TOKEN,
            user_id=self.person.id,
            first_name=self.person.first_name,
            signed_at=self.harness.clock(),
        )
        return {"Authorization": f"tma {signed}"}

    async def get(self, path: str) -> tuple[int, str]:
        async with (
            ClientSession() as client,
            client.get(self.server.make_url(path), headers=self._headers()) as response,
        ):
            return response.status, await response.text()

    async def post(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        async with (
            ClientSession() as client,
            client.post(
                self.server.make_url(path), headers=self._headers(), data=form or {}
            ) as response,
        ):
            return response.status, await response.text()


async def slots_of(db: AsyncSession, user_id: int) -> set[int]:
    return set(await db.scalars(select(VolunteerSlot.slot).where(VolunteerSlot.user_id == user_id)))


async def test_a_cell_of_the_week_is_the_chat_profiles_time_and_a_second_tap_changes_nothing(
    server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    helper = await english_volunteer(db, MAREK, place_id, slots=(0, 1))
    page = Browser(server, harness, MAREK)
    status, html = await page.get("/api/page/week")
    assert status == 200
    assert 'aria-pressed="true"' in html
    assert "/api/week/slot/2?on=1" in html
    for _twice in range(2):
        status, html = await page.post("/api/week/slot/2?on=1")
        assert status == 200
    assert await slots_of(db, helper.id) == {0, 1, 2}
    await page.post("/api/week/slot/0?on=0")
    assert await slots_of(db, helper.id) == {1, 2}
    calls = await harness.send(MAREK, "🤝 Volunteering")
    assert "Available: 2 time slots a week" in joined(calls), "the chat profile shows the same"


async def test_a_break_until_a_day_and_back(
    server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    page = Browser(server, harness, MAREK)
    _status, html = await page.post("/api/week/pause", {"until": "2020-01-01"})
    assert "Please choose a day within the coming year." in html
    day = (harness.clock() + timedelta(days=10)).date().isoformat()
    _status, html = await page.post("/api/week/pause", {"until": day})
    assert "Paused until" in html
    assert "/api/week/resume" in html
    calls = await harness.send(MAREK, "🤝 Volunteering")
    assert "Paused" in joined(calls)
    _status, html = await page.post("/api/week/resume")
    assert "Welcome back" in html
    assert "/api/week/pause" in html


async def test_a_task_on_the_week_with_its_address_done_from_the_page(
    server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    await harness.press(MAREK, "I will help")
    request = await db.scalar(select(HelpRequest))
    page = Browser(server, harness, MAREK)
    _status, html = await page.get("/api/page/week")
    assert "ul. Krasińskiego 1 &lt;m. 2&gt;" in html, "the address, escaped, only to them"

    stranger = Browser(server, harness, EWA)
    await sign_up(harness, EWA, "I want to help")
    status, html = await stranger.post(f"/api/task/{request.id}/done", {"hours": "2"})
    assert status == 403
    await db.refresh(request)
    assert request.status == RequestStatus.MATCHED, "someone else's task is not touched"

    before = len(harness.session.requests)
    status, html = await page.post(f"/api/task/{request.id}/done", {"hours": "2"})
    assert status == 200
    assert "Recorded: 2 h" in html
    await drain(harness.sender)
    to_zofia = [c for c in harness.session.requests[before:] if c.chat_id == ZOFIA.id]
    assert "Marek says the task is done" in joined(to_zofia)


async def test_a_resident_cancels_a_request_and_nobody_else_can(
    server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await sign_up(harness, EWA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    request = await db.scalar(select(HelpRequest))
    status, _html = await Browser(server, harness, EWA).post(f"/api/request/{request.id}/cancel")
    assert status == 403
    page = Browser(server, harness, ZOFIA)
    _status, html = await page.get("/api/page/requests")
    assert "Bread &amp; milk" in html
    assert "looking for a volunteer" in html
    status, html = await page.post(f"/api/request/{request.id}/cancel")
    assert status == 200
    assert "Your request was cancelled." in html
    await db.refresh(request)
    assert request.status == RequestStatus.CANCELLED


async def test_a_sign_up_on_the_page_is_told_in_the_chat_once(
    server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    occurrence_id = await published_event(db, place_id, MAREK, START + timedelta(days=3))
    page = Browser(server, harness, MAREK)
    _status, html = await page.get(f"/api/page/events?month={START:%Y-%m}")
    assert f"/api/page/event/{occurrence_id}" in html
    _status, html = await page.get(f"/api/page/event/{occurrence_id}")
    join = html.split('data-post="')[1].split('"')[0]
    before = len(harness.session.requests)
    for _twice in range(2):
        status, html = await page.post(join.replace("&amp;", "&"))
        assert status == 200
    assert "You are already signed up for this date." in html
    await drain(harness.sender)
    told = [c for c in harness.session.requests[before:] if c.chat_id == MAREK.id]
    assert len(told) == 1
    assert "You are signed up. See you there!" in joined(told)
    signup = await db.scalar(select(Signup))
    assert signup.status == SignupStatus.CONFIRMED
    assert await db.scalar(select(OutboxMessage.kind).where(OutboxMessage.kind == "page_signup"))


async def published_event(
    db: AsyncSession, place_id: int, author: Person, starts_at: datetime
) -> int:
    """A one-off event for 10 at the place, published; its date's id."""
    row = await stored(db, author)
    assert row is not None
    draft = EventDraft("Board games", "Bring a friend <3", starts_at, None, capacity=10)
    event = await submit_event(db, row, place_id, draft, START, publish=True)
    await db.commit()
    occurrence = await db.scalar(select(Occurrence.id).where(Occurrence.event_id == event.id))
    assert occurrence is not None
    return occurrence


async def test_nobody_before_consent_sees_a_page(
    server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await harness.send(MAREK, "/start")
    status, html = await Browser(server, harness, MAREK).get("/api/page/week")
    assert status == 403
    assert "/start" in html
    await harness.press(MAREK, "English")
    await harness.press(MAREK, "I agree")
    status, _html = await Browser(server, harness, MAREK).get("/api/page/nothing-here")
    assert status == 404
