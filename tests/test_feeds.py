"""Calendar feeds, read back with `icalendar` as a phone's calendar would: a person's
private feed (their tasks with the address, their sign-ups), renewable; a centre's
public feed without personal data; stable UIDs, cancelled dates as CANCELLED."""

from __future__ import annotations

import re
from datetime import timedelta

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest
from bot.services.initiatives import signups
from bot.services.initiatives.events import cancel_occurrence
from tests.harness import START, Harness
from tests.helpers import add_place, tell
from tests.pages import Browser, published_event
from tests.test_help_flow import (
    MAREK,
    english_volunteer,
    marek_takes_zofias_shopping,
)


async def fetch(address: str) -> tuple[int, bytes]:
    async with ClientSession() as client, client.get(address) as response:
        return response.status, await response.read()


def entries(body: bytes) -> dict[str, dict[str, str]]:
    calendar = Calendar.from_ical(body)
    assert calendar.walk("VTIMEZONE"), "times come with their zone"
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "description": str(event["DESCRIPTION"]),
            "status": str(event["STATUS"]),
            "start": event["DTSTART"].dt.isoformat(),
        }
        for event in calendar.walk("VEVENT")
    }


async def my_feed_address(page: Browser) -> str:
    _status, html = await page.get("/api/page/week")
    found = re.search(r'value="(http://[^"]+/feed/[0-9a-f]{32}\.ics)"', html)
    assert found is not None
    return found.group(1)


async def test_my_feed_holds_my_task_with_its_address_and_my_sign_up(
    web_server: TestServer,
    harness: Harness,
    db: AsyncSession,
) -> None:
    place_id, helper = await marek_takes_zofias_shopping(harness, db)
    request = await db.scalar(select(HelpRequest))
    request.day, request.part = (START + timedelta(days=2)).date(), 1
    request_id = request.id
    await db.commit()
    occurrence_id = await published_event(db, place_id, MAREK, START + timedelta(days=3))
    role_id = (await signups.seats_of(db, occurrence_id))[0].role.id
    await signups.sign_up(db, occurrence_id, role_id, helper.id, START)
    await db.commit()

    status, body = await fetch(await my_feed_address(Browser(web_server, harness, MAREK)))
    assert status == 200
    found = entries(body)
    task = found[f"request-{request_id}@sasiad"]
    assert task["summary"] == "🛒 Shopping & errands"
    assert "Address: ul. Krasińskiego 1 <m. 2>" in task["description"]
    assert task["start"] == "2026-11-25T12:00:00+01:00", "the afternoon, in Warsaw's time"
    assert found[f"occurrence-{occurrence_id}@sasiad"]["status"] == "CONFIRMED"

    await cancel_occurrence(db, occurrence_id, START)
    await tell(db)
    await db.commit()
    _status, body = await fetch(await my_feed_address(Browser(web_server, harness, MAREK)))
    assert entries(body)[f"occurrence-{occurrence_id}@sasiad"]["status"] == "CANCELLED"


async def test_a_new_address_stops_the_old_one(
    web_server: TestServer,
    harness: Harness,
    db: AsyncSession,
) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    page = Browser(web_server, harness, MAREK)
    old = await my_feed_address(page)
    assert old == await my_feed_address(page), "the address stays until renewed"
    _status, html = await page.post("/api/feed/renew")
    assert "A new address is ready; the old one no longer works." in html
    new = await my_feed_address(page)
    assert new != old
    assert (await fetch(old))[0] == 404
    assert (await fetch(new))[0] == 200


async def test_the_centres_feed_has_its_events_and_nobody_in_them(
    web_server: TestServer,
    harness: Harness,
    db: AsyncSession,
) -> None:
    place_id = await add_place(db)
    helper = await english_volunteer(db, MAREK, place_id)
    occurrence_id = await published_event(db, place_id, MAREK, START + timedelta(days=3))
    role_id = (await signups.seats_of(db, occurrence_id))[0].role.id
    await signups.sign_up(db, occurrence_id, role_id, helper.id, START)
    await db.commit()
    _status, html = await Browser(web_server, harness, MAREK).get("/api/page/events?month=2026-11")
    address = re.search(r'value="(http://[^"]+/feed/place/[a-z-]+\.ics)"', html)
    assert address is not None
    status, body = await fetch(address.group(1))
    assert status == 200
    assert list(entries(body)) == [f"occurrence-{occurrence_id}@sasiad"]
    assert b"Marek" not in body
    assert b"300002" not in body
    unknown = address.group(1).replace("/place/", "/place/no-such-")
    assert (await fetch(unknown))[0] == 404
