"""The Mini App's pages over a real aiohttp server, the real database and the chat's
services: what a page changes, the chat shows; what is not yours is refused (403) and
nothing changes. The same pages in a real browser: tests/test_browser.py."""

from __future__ import annotations

import re
from datetime import timedelta

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, OutboxMessage, Signup, VolunteerSlot
from bot.db.statuses import RequestStatus, SignupStatus
from tests.harness import START, Harness, drain, joined
from tests.helpers import add_place
from tests.pages import Browser, published_event
from tests.test_help_flow import (
    EWA,
    MAREK,
    ZOFIA,
    ask_for_shopping,
    english_volunteer,
    marek_takes_zofias_shopping,
    sign_up,
)


async def slots_of(db: AsyncSession, user_id: int) -> set[int]:
    return set(await db.scalars(select(VolunteerSlot.slot).where(VolunteerSlot.user_id == user_id)))


async def test_a_cell_of_the_week_is_the_chat_profiles_time_and_a_second_tap_changes_nothing(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    helper = await english_volunteer(db, MAREK, place_id, slots=(0, 1))
    page = Browser(web_server, harness, MAREK)
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
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    page = Browser(web_server, harness, MAREK)
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
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await marek_takes_zofias_shopping(harness, db)
    request = await db.scalar(select(HelpRequest))
    page = Browser(web_server, harness, MAREK)
    _status, html = await page.get("/api/page/week")
    assert "ul. Krasińskiego 1 &lt;m. 2&gt;" in html, "the address, escaped, only to them"

    stranger = Browser(web_server, harness, EWA)
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
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await sign_up(harness, EWA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    request = await db.scalar(select(HelpRequest))
    status, _html = await Browser(web_server, harness, EWA).post(
        f"/api/request/{request.id}/cancel"
    )
    assert status == 403
    page = Browser(web_server, harness, ZOFIA)
    _status, html = await page.get("/api/page/requests")
    assert "Bread &amp; milk" in html
    assert "looking for a volunteer" in html
    status, html = await page.post(f"/api/request/{request.id}/cancel")
    assert status == 200
    assert "Your request was cancelled." in html
    await db.refresh(request)
    assert request.status == RequestStatus.CANCELLED


async def test_a_sign_up_on_the_page_is_told_in_the_chat_once(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    occurrence_id = await published_event(db, place_id, MAREK, START + timedelta(days=3))
    page = Browser(web_server, harness, MAREK)
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


async def test_nobody_before_consent_sees_a_page(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await harness.send(MAREK, "/start")
    status, html = await Browser(web_server, harness, MAREK).get("/api/page/week")
    assert status == 403
    assert "/start" in html
    await harness.press(MAREK, "English")
    await harness.press(MAREK, "I agree")
    status, _html = await Browser(web_server, harness, MAREK).get("/api/page/nothing-here")
    assert status == 404


async def test_the_certificate_from_my_hours_is_the_chats_paper(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await marek_takes_zofias_shopping(harness, db)
    await harness.press(MAREK, "Done")
    await harness.press(MAREK, "2 h")
    page = Browser(web_server, harness, MAREK)
    _status, html = await page.get("/api/page/hours")
    assert "This year: 2 h, 1 task, 0 event dates." in html
    _status, html = await page.post("/api/hours/certificate?period=this")
    address = re.search(r'href="(/certificate/[\w-]+\.pdf)"', html)
    assert address is not None
    _status, again = await page.post("/api/hours/certificate?period=this")
    assert address.group(1) in again, "asking twice gives the same paper"
    async with (
        ClientSession() as client,
        client.get(web_server.make_url(address.group(1))) as response,
    ):
        assert response.status == 200
        assert response.content_type == "application/pdf"
        assert (await response.read()).startswith(b"%PDF")
        assert "attachment" in response.headers["Content-Disposition"]
    unknown = web_server.make_url("/certificate/not-a-code.pdf")
    async with ClientSession() as client, client.get(unknown) as response:
        assert response.status == 404
    status, html = await Browser(web_server, harness, ZOFIA).post(
        "/api/hours/certificate?period=this"
    )
    assert status == 200
    assert "nothing to certify" in html, "a resident with no tasks gets no paper"


async def test_a_message_to_the_resident_from_the_page_goes_through_the_bot(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await marek_takes_zofias_shopping(harness, db)
    request = await db.scalar(select(HelpRequest))
    page = Browser(web_server, harness, MAREK)
    _status, html = await page.post(f"/api/task/{request.id}/write", {"text": "x" * 1001})
    assert "That is too long (1001 characters; at most 1000)." in html
    before = len(harness.session.requests)
    _status, html = await page.post(f"/api/task/{request.id}/write", {"text": "At 3 <pm>"})
    assert "Sent." in html
    await drain(harness.sender)
    to_zofia = joined([c for c in harness.session.requests[before:] if c.chat_id == ZOFIA.id])
    assert "Marek writes about your task" in to_zofia
    assert "At 3 &lt;pm&gt;" in to_zofia
