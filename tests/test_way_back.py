"""⬅️ Back and ↩️ Continue in every flow: one step at a time, answers kept, the question
asked again — through the Dispatcher, at a person's pace and with double taps."""

from __future__ import annotations

from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.conversation_storage import DatabaseStorage
from bot.db.models import Event, VolunteerProfile
from bot.runtime.app import build_dispatcher
from bot.states import NewRequest
from tests.harness import FakeClock, Harness, alerts, inline_labels, joined
from tests.helpers import add_place, stored
from tests.test_announcements import animator_and_neighbours
from tests.test_conversations import step_of, typed_a_description
from tests.test_help_flow import MAREK, ZOFIA, english_volunteer, sign_up
from tests.test_panel import EWA, escalated_with_animator, make_animator


def button_data(calls: list[TelegramMethod[Any]], label: str) -> str:
    for call in reversed(calls):
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                for button in row:
                    if label in button.text:
                        return button.callback_data or ""
    raise AssertionError(f"no button {label!r}")


def last_row(calls: list[TelegramMethod[Any]]) -> list[str]:
    markup = next(
        c.reply_markup
        for c in reversed(calls)
        if isinstance(getattr(c, "reply_markup", None), InlineKeyboardMarkup)
    )
    return [button.text for button in markup.inline_keyboard[-1]]


async def test_continue_asks_the_question_of_the_step_again(
    harness: Harness, db: AsyncSession
) -> None:
    """After a menu tap, Continue does not point at a message far above: the step's own
    question comes again, with its buttons and the way out."""
    await typed_a_description(harness, db)
    await harness.send(ZOFIA, "📅 Events")
    calls = await harness.press(ZOFIA, "Continue")
    assert "When?" in joined(calls)
    assert "Tomorrow" in inline_labels(calls)
    assert last_row(calls) == ["⬅️ Back", "✖️ Cancel"]
    calls = await harness.press(ZOFIA, "Tomorrow")
    assert "What time of day?" in joined(calls)


async def test_continue_after_a_restart_asks_the_typed_step_again(
    harness: Harness,
    db: AsyncSession,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    clock: FakeClock,
) -> None:
    def restarted() -> None:
        harness.dp = build_dispatcher(
            settings=settings, session_factory=session_factory, i18n=i18n, clock=clock,
            storage=DatabaseStorage(session_factory, clock),
        )  # fmt: skip

    restarted()
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    restarted()
    await harness.send(ZOFIA, "/events")
    calls = await harness.press(ZOFIA, "Continue")
    assert "Please describe in a few words" in joined(calls)
    assert "When?" in joined(await harness.send(ZOFIA, "Bread, please"))


async def test_a_second_tap_on_the_same_back_goes_back_only_once(
    harness: Harness, db: AsyncSession
) -> None:
    await typed_a_description(harness, db)
    await harness.press(ZOFIA, "Tomorrow")
    calls = await harness.press(ZOFIA, "Any time")
    back = button_data(calls, "⬅️ Back")
    assert "What time of day?" in joined(await harness.press_data(ZOFIA, back))
    calls = await harness.press_data(ZOFIA, back)
    assert alerts(calls) == ["This button is no longer active."]
    assert await step_of(harness, ZOFIA) == NewRequest.part.state


async def test_typed_text_where_buttons_are_expected_brings_the_question_down(
    harness: Harness, db: AsyncSession
) -> None:
    await typed_a_description(harness, db)
    calls = await harness.send(ZOFIA, "tomorrow please")
    assert "Please choose with the buttons below." in joined(calls)
    assert "When?" in joined(calls)
    assert "Tomorrow" in inline_labels(calls)
    assert await step_of(harness, ZOFIA) == NewRequest.day.state


async def test_back_through_an_idea_keeps_every_answer(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "💡 I have an idea")
    calls = await harness.send(ZOFIA, "Picnic")
    assert "⬅️ Back" in inline_labels(calls), "the description has the title before it"
    await harness.send(ZOFIA, "Games in the yard")
    await harness.send(ZOFIA, "5.12 16:00")
    await harness.press(ZOFIA, "once")
    calls = await harness.press(ZOFIA, "At the centre")
    assert "How many participants" in joined(calls)
    for question in ("Where?", "How often?", "When?", "Describe it", "What is your idea called"):
        calls = await harness.press(ZOFIA, "⬅️ Back")
        assert question in joined(calls), question
    assert "⬅️ Back" not in inline_labels(calls)
    await harness.send(ZOFIA, "Yard picnic")
    await harness.send(ZOFIA, "Games in the yard, and tea")
    await harness.send(ZOFIA, "5.12 16:00")
    await harness.press(ZOFIA, "once")
    await harness.press(ZOFIA, "At the centre")
    await harness.send(ZOFIA, "10")
    calls = await harness.press(ZOFIA, "⬅️ Back")
    assert "How many participants" in joined(calls), "from the roles back to the places"
    await harness.send(ZOFIA, "12")
    calls = await harness.send(ZOFIA, "set-up ×2")
    summary = joined(calls)
    for answer in ("Yard picnic", "Games in the yard, and tea", "12"):
        assert answer in summary, answer
    await harness.press(ZOFIA, "Submit")
    event = await db.scalar(select(Event))
    assert (event.title, event.description) == ("Yard picnic", "Games in the yard, and tea")


async def test_back_from_the_request_to_the_intake_phone(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await harness.send(EWA, "/intake")
    calls = await harness.send(EWA, "Pani Helena")
    assert last_row(calls) == ["⬅️ Back", "✖️ Cancel"]
    calls = await harness.send(EWA, "+48 600 100 200")
    assert "What do you need help with?" in joined(calls)
    calls = await harness.press(EWA, "⬅️ Back")
    assert "Their phone number?" in joined(calls)
    await harness.send(EWA, "+48 600 100 300")
    await harness.press(EWA, "Shopping")
    await harness.send(EWA, "Groceries")
    await harness.press(EWA, "Any day")
    await harness.press(EWA, "Any time")
    await harness.press(EWA, "Marymont")
    calls = await harness.press(EWA, "Skip")
    assert "👤 For: Pani Helena, +48 600 100 300" in joined(calls)


async def test_back_through_an_announcement(harness: Harness, db: AsyncSession) -> None:
    await animator_and_neighbours(harness, db)
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Coffee on Friday")
    calls = await harness.press(EWA, "Add a translation")
    assert last_row(calls) == ["⬅️ Back", "✖️ Cancel"]
    calls = await harness.press(EWA, "Українська")
    assert "Send the text in" in joined(calls)
    calls = await harness.press(EWA, "⬅️ Back")
    assert "Who should get it?" in joined(calls), "from the translation back to the audience"
    assert await step_of(harness, EWA) is None, "no longer waiting for a translation"
    await harness.press(EWA, "Preview")
    calls = await harness.press(EWA, "Schedule")
    assert "Which day?" in joined(calls)
    assert last_row(calls) == ["⬅️ Back", "✖️ Cancel"]
    calls = await harness.press(EWA, "Tomorrow")
    assert "At what time?" in joined(calls)
    assert last_row(calls) == ["⬅️ Back", "✖️ Cancel"], "the hours had no way out before"
    calls = await harness.press(EWA, "⬅️ Back")
    assert "Which day?" in joined(calls)
    calls = await harness.press(EWA, "⬅️ Back")
    assert "This is how it looks" in joined(calls)
    calls = await harness.press(EWA, "Change the audience")
    assert "Recipients now: 3" in joined(calls), "Ewa, Zofia and Marek"


async def test_back_from_the_time_of_day_to_the_new_day(harness: Harness, db: AsyncSession) -> None:
    await escalated_with_animator(harness, db)
    await harness.press(EWA, "Change the date")
    calls = await harness.press(EWA, "Tomorrow")
    assert "What time of day?" in joined(calls)
    calls = await harness.press(EWA, "⬅️ Back")
    assert "Which new day" in joined(calls)
    await harness.press(EWA, "Today")
    calls = await harness.press(EWA, "Any time")
    assert "Changed. I am asking the volunteers again" in joined(calls)


async def test_back_from_writing_other_talents(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    await harness.send(MAREK, "🤝 Volunteering")
    await harness.press(MAREK, "Skills")
    calls = await harness.press(MAREK, "Something else")
    assert "Write your other skills" in joined(calls)
    calls = await harness.press(MAREK, "⬅️ Back")
    assert "Tap what you can do" in joined(calls)
    assert await step_of(harness, MAREK) is None
    await harness.send(MAREK, "Guitar lessons")
    marek = await stored(db, MAREK)
    assert (await db.get(VolunteerProfile, marek.id)).other_talents is None
