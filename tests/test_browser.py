"""The Mini App in a real browser: Debian's Chromium driven by Playwright, at a phone's
size (390×844), in Telegram's light and dark themes, with `telegram-web-app.js`
replaced by a stand-in that holds a correctly signed `initData`
(tests/fakes/telegram-web-app.js). Every page is checked with axe-core; the
screenshots in docs/ are written here, so they show what the pages really are."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, Response, Route, async_playwright
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, VolunteerSlot
from bot.db.statuses import RequestStatus
from bot.web.shell import TELEGRAM_SCRIPT
from tests.conftest import TOKEN
from tests.fakes.webapp import init_data
from tests.harness import START, Harness, Person, drain, joined
from tests.helpers import add_place
from tests.pages import published_event
from tests.test_help_flow import MAREK, ZOFIA, ask_for_shopping, english_volunteer, sign_up

CHROMIUM = "/usr/bin/chromium"
FAKE_TELEGRAM = Path(__file__).parent / "fakes" / "telegram-web-app.js"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
# Chromium as the machine allows it: no sandbox as root, nothing fetched from outside.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Telegram's own themes (Telegram Desktop's day and night), as themeParams.
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#999999",
        "link_color": "#2481cc",
        "button_color": "#2481cc",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#efeff3",
        "destructive_text_color": "#d1281f",
    },
    "dark": {
        "bg_color": "#17212b",
        "text_color": "#f5f5f5",
        "hint_color": "#708499",
        "link_color": "#6ab3f3",
        "button_color": "#5288c1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c",
        "destructive_text_color": "#ec3942",
    },
}
PAGES = ["week", "events", "requests", "hours"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        await browser.close()


@dataclass
class Phone:
    """One person's Telegram on a phone, opening the Mini App."""

    browser: Browser
    server: TestServer
    harness: Harness

    async def open(
        self, person: Person, theme: str = "light", *, forged: bool = False, address: str = "/app/"
    ) -> Page:
        context = await self.browser.new_context(viewport=PHONE, color_scheme=theme)
        page = await context.new_page()
        await self.show(page, person, theme, address, forged=forged)
        await page.locator("h1, [role=alert]").first.wait_for()
        return page

    async def show(
        self, page: Page, person: Person, theme: str, address: str, *, forged: bool = False
    ) -> None:
        """Open the Mini App in `page` as Telegram would, signed in as `person`."""
        signed = init_data(
            TOKEN,
            user_id=person.id,
            first_name=person.first_name,
            signed_at=self.harness.clock(),
            language_code=person.language_code or "pl",
        )
        if forged:
            signed = signed.replace(person.first_name, "Someone")
        given = {"initData": signed, "colorScheme": theme, "theme": THEMES[theme]}
        script = f"window.SASIAD_TEST = {json.dumps(given)};\n" + FAKE_TELEGRAM.read_text()

        async def telegram(route: Route) -> None:
            await route.fulfill(body=script, content_type="application/javascript")

        await page.route(TELEGRAM_SCRIPT, telegram)
        await page.goto(str(self.server.make_url(address)))


@pytest.fixture
def phone(chromium: Browser, web_server: TestServer, harness: Harness) -> Phone:
    return Phone(chromium, web_server, harness)


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    results = await Axe().run(page)
    return [
        {"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


async def open_tab(page: Page, label: str) -> None:
    await page.get_by_role("link", name=label).click()
    await page.locator("h1", has_text=label).wait_for()


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_a_volunteer_toggles_three_times_and_the_chat_profile_shows_them(
    phone: Phone, harness: Harness, db: AsyncSession, theme: str
) -> None:
    place_id = await add_place(db)
    helper = await english_volunteer(db, MAREK, place_id, slots=(0,))
    page = await phone.open(MAREK, theme)
    assert await page.locator("h1").inner_text() == "🗓 My week"
    for label in ("Tue afternoon", "Wed evening", "Sat morning"):
        cell = page.get_by_role("button", name=label, exact=True)
        await cell.click()
        await (
            page.get_by_role("button", name=label, exact=True)
            .and_(page.locator('[aria-pressed="true"]'))
            .wait_for()
        )
    slots = set(
        await db.scalars(select(VolunteerSlot.slot).where(VolunteerSlot.user_id == helper.id))
    )
    assert slots == {0, 4, 8, 15}
    calls = await harness.send(MAREK, "🤝 Volunteering")
    assert "Available: 4 time slots a week" in joined(calls)
    assert await serious_violations(page) == []
    await shoot(page, f"week-{theme}")


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_every_page_reads_well_to_a_screen_reader(
    phone: Phone, harness: Harness, db: AsyncSession, theme: str
) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    await published_event(db, place_id, MAREK, START + timedelta(days=3))
    page = await phone.open(MAREK, theme)
    for label in ("📅 Events", "📨 My requests", "⏱ My hours", "🗓 My week"):
        await open_tab(page, label)
        assert await serious_violations(page) == [], label
        if label == "📅 Events":
            await shoot(page, f"events-{theme}")
    await open_tab(page, "📅 Events")
    await page.get_by_role("link", name="Board games").click()
    await page.get_by_role("button", name="✅ Sign up").wait_for()
    assert await serious_violations(page) == []
    await shoot(page, f"event-{theme}")


async def test_a_sign_up_on_the_page_reaches_the_chat_once_and_back_returns(
    phone: Phone, harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    await published_event(db, place_id, MAREK, START + timedelta(days=3))
    page = await phone.open(MAREK)
    await open_tab(page, "📅 Events")
    await page.get_by_role("link", name="Board games").click()
    await page.get_by_role("button", name="✅ Sign up").wait_for()
    assert await page.evaluate("Telegram.WebApp.BackButton.isVisible")
    before = len(harness.session.requests)
    await page.get_by_role("button", name="✅ Sign up").click()
    await page.get_by_role("status").wait_for()
    assert await page.get_by_role("status").inner_text() == "✅ You are signed up. See you there!"
    await drain(harness.sender)
    told = [c for c in harness.session.requests[before:] if c.chat_id == MAREK.id]
    assert len(told) == 1
    assert "Board games" in joined(told)
    await page.evaluate("Telegram.WebApp.BackButton.press()")
    await page.get_by_role("link", name="Board games").wait_for()
    assert not await page.evaluate("Telegram.WebApp.BackButton.isVisible")


async def test_a_resident_cancels_a_request(
    phone: Phone, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    page = await phone.open(ZOFIA)
    await open_tab(page, "📨 My requests")
    await page.get_by_text("✖️ Cancel this request").click()
    await page.get_by_role("button", name="Yes, cancel it").click()
    await page.get_by_role("status").wait_for()
    assert await page.get_by_role("status").inner_text() == "Your request was cancelled."
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.CANCELLED


async def test_the_wrong_person_and_a_forged_sign_in_see_nothing(
    phone: Phone, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await harness.send(MAREK, "/start")  # stopped before consent
    page = await phone.open(MAREK)
    assert "agree first" in await page.get_by_role("alert").inner_text()
    assert await serious_violations(page) == []
    await sign_up(harness, ZOFIA, "I need help")
    page = await phone.open(ZOFIA, forged=True)
    await page.get_by_role("alert").wait_for()
    assert await page.get_by_role("alert").inner_text() == "the signature does not match"


async def test_a_chat_button_opens_its_own_page(
    phone: Phone, harness: Harness, db: AsyncSession
) -> None:
    """ "📅 Calendar" under /events opens the calendar, not the week."""
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    page = await phone.open(MAREK, address="/app/#events")
    assert await page.locator("h1").inner_text() == "📅 Events"


async def test_the_first_page_is_light_to_load(
    phone: Phone, harness: Harness, db: AsyncSession
) -> None:
    """Everything our server sends for the first page (shell, script, style, the week)
    stays under 150 kB: a volunteer on a bus is on a slow, metered connection."""
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    sizes: list[int] = []
    context = await phone.browser.new_context(viewport=PHONE)
    page = await context.new_page()

    async def count(response: Response) -> None:
        if response.url.startswith(str(phone.server.make_url("/"))):
            sizes.append(len(await response.body()))

    page.on("response", count)
    await phone.show(page, MAREK, "light", "/app/")
    await page.get_by_role("heading", name="🗓 My week").wait_for()
    assert len(sizes) == 4, "shell, script, style, the week"
    assert sum(sizes) < 150_000
