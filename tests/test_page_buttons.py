"""Where the Mini App is served (`SASIAD_WEB_URL`), the chat offers its pages: the
profile, /events and /tasks each get a button that opens its own page."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from tests.harness import START, Harness
from tests.pages import published_event
from tests.test_help_flow import MAREK, marek_takes_zofias_shopping

PUBLIC = "https://sasiad.example.org"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"web_url": PUBLIC})


def pages(calls: list[TelegramMethod[Any]]) -> dict[str, str]:
    found = {}
    for call in calls:
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                found |= {b.text: b.web_app.url for b in row if b.web_app is not None}
    return found


async def test_the_profile_events_and_tasks_open_their_pages(
    harness: Harness, db: AsyncSession
) -> None:
    place_id, _helper = await marek_takes_zofias_shopping(harness, db)
    await published_event(db, place_id, MAREK, START.replace(day=28))
    assert pages(await harness.send(MAREK, "🤝 Volunteering")) == {
        "🗓 My week": f"{PUBLIC}/app/#week"
    }
    assert pages(await harness.send(MAREK, "📅 Events")) == {"📅 Calendar": f"{PUBLIC}/app/#events"}
    assert pages(await harness.send(MAREK, "/tasks")) == {"🗓 My week": f"{PUBLIC}/app/#week"}


async def test_without_an_address_no_button_points_to_a_page(
    harness: Harness, db: AsyncSession
) -> None:
    harness.dp.workflow_data["web_url"] = None  # as when SASIAD_WEB_URL is not set
    place_id, _helper = await marek_takes_zofias_shopping(harness, db)
    await published_event(db, place_id, MAREK, START.replace(day=28))
    for asked in ("🤝 Volunteering", "📅 Events", "/tasks"):
        calls = await harness.send(MAREK, asked)
        assert any(isinstance(c.reply_markup, InlineKeyboardMarkup) for c in calls), asked
        assert pages(calls) == {}
