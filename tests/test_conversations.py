"""Conversations that survive restarts, stray taps and Telegram's refusals, as people meet
them through the Dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.conversation_storage import DatabaseStorage, forget_old_drafts
from bot.db.models import HelpRequest
from bot.db.unit_of_work import unit_of_work
from bot.keyboards import callbacks
from bot.middlewares.navigation import PARKED
from bot.runtime.app import build_dispatcher
from bot.states import TEXT_STEPS, NewRequest
from tests.conftest import ADMIN_ID
from tests.harness import FakeClock, Harness, Person, alerts, inline_labels, joined
from tests.helpers import add_place
from tests.test_help_flow import MAREK, ZOFIA, ask_for_shopping, english_volunteer, sign_up

METHOD = SendMessage(chat_id=1, text="x")


def key_of(harness: Harness, person: Person, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=harness.bot.id, chat_id=person.id, user_id=person.id, destiny=destiny)


async def step_of(harness: Harness, person: Person, destiny: str = "default") -> str | None:
    return await harness.dp.storage.get_state(key_of(harness, person, destiny))


async def typed_a_description(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    await harness.send(ZOFIA, "Bread from the shop")


async def test_a_restart_resumes_the_request_where_it_was(
    harness: Harness,
    db: AsyncSession,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    clock: FakeClock,
) -> None:
    """A new Dispatcher and a new storage on the same database: the next button works and
    what was typed before the restart is in the summary."""
    harness.dp = build_dispatcher(
        settings=settings, session_factory=session_factory, i18n=i18n, clock=clock,
        storage=DatabaseStorage(session_factory, clock),
    )  # fmt: skip
    await typed_a_description(harness, db)
    harness.dp = build_dispatcher(
        settings=settings, session_factory=session_factory, i18n=i18n, clock=clock,
        storage=DatabaseStorage(session_factory, clock),
    )  # fmt: skip
    assert "What time of day?" in joined(await harness.press(ZOFIA, "Any day"))
    await harness.press(ZOFIA, "Any time")
    await harness.press(ZOFIA, "Marymont")
    calls = await harness.press(ZOFIA, "Skip")
    assert "«Bread from the shop»" in joined(calls)


async def test_drafts_untouched_for_a_week_are_removed(
    harness: Harness, db: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    storage = DatabaseStorage(session_factory, harness.clock)
    await storage.set_state(key_of(harness, ZOFIA), NewRequest.description)
    harness.clock.advance(days=6)
    async with unit_of_work(session_factory) as session:
        assert await forget_old_drafts(session, harness.clock()) == 0
    harness.clock.advance(days=2)
    async with unit_of_work(session_factory) as session:
        assert await forget_old_drafts(session, harness.clock()) == 1
    assert await storage.get_state(key_of(harness, ZOFIA)) is None


@pytest.mark.parametrize("step", sorted(TEXT_STEPS))
@pytest.mark.parametrize("tap", ["📅 Events", "/events"])
async def test_a_menu_tap_or_command_in_a_text_step_is_never_the_answer(
    harness: Harness, db: AsyncSession, step: str, tap: str
) -> None:
    """In every step that waits for text: the tapped feature runs, the unfinished
    conversation is kept with everything typed, and Continue brings it back."""
    await add_place(db)
    anna = Person(id=ADMIN_ID, first_name="Ewa", language_code="en")
    await sign_up(harness, anna, "I need help")
    key = key_of(harness, anna)
    await harness.dp.storage.set_state(key, step)
    await harness.dp.storage.set_data(key, {"typed": "half a sentence"})

    calls = await harness.send(anna, tap)
    assert "Nothing is planned" in joined(calls), "the Events feature answered"
    assert "What you had started is kept" in joined(calls)
    assert await step_of(harness, anna) is None
    assert await step_of(harness, anna, PARKED) == step

    calls = await harness.press(anna, "Continue")
    assert "Please type your answer to the question above" in joined(calls)
    assert "✖️ Cancel" in inline_labels(calls), "and the way out is on screen"
    assert await step_of(harness, anna) == step
    assert (await harness.dp.storage.get_data(key))["typed"] == "half a sentence"
    assert await step_of(harness, anna, PARKED) is None


async def test_a_kept_request_can_be_discarded(harness: Harness, db: AsyncSession) -> None:
    await typed_a_description(harness, db)
    await harness.send(ZOFIA, "/events")
    calls = await harness.press(ZOFIA, "Discard it")
    assert "Your request was not sent; nothing was saved." in joined(calls)
    assert await step_of(harness, ZOFIA, PARKED) is None
    assert alerts(await harness.press(ZOFIA, "Any day")), "its old buttons are no longer active"


async def test_an_old_button_of_a_kept_request_offers_to_continue(
    harness: Harness, db: AsyncSession
) -> None:
    await typed_a_description(harness, db)
    await harness.send(ZOFIA, "📅 Events")
    calls = await harness.press(ZOFIA, "Any day")
    assert alerts(calls) == ["This button is no longer active. Please use the menu or send /start."]
    assert "What you had started is kept" in joined(calls)
    await harness.press(ZOFIA, "Continue")
    assert "What time of day?" in joined(await harness.press(ZOFIA, "Any day"))


async def test_every_question_waiting_for_text_has_a_way_out(
    harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "🙋 I need help")
    calls = await harness.press(ZOFIA, "Shopping")
    assert "✖️ Cancel" in inline_labels(calls)
    calls = await harness.press(ZOFIA, "✖️ Cancel")
    assert "Your request was not sent" in joined(calls)
    assert await step_of(harness, ZOFIA) is None


async def test_a_429_on_a_reply_is_waited_out(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    harness.session.failures[ZOFIA.id] = [
        TelegramRetryAfter(method=METHOD, message="Too Many Requests", retry_after=1)
    ]
    calls = await harness.send(ZOFIA, "/help")
    assert "Sąsiad helps neighbours" in joined(calls)
    assert "something went wrong" not in joined(calls)
    assert harness.timer.sleeps == [1]


async def test_a_refusal_longer_than_the_budget_is_not_waited(
    harness: Harness, db: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    harness.session.failures[ZOFIA.id] = [
        TelegramRetryAfter(method=METHOD, message="Too Many Requests", retry_after=60)
    ]
    await harness.send(ZOFIA, "/help")
    assert harness.timer.sleeps == [], "a minute is not waited inside one update"
    caplog.clear()


async def test_presses_answered_too_late_still_do_what_they_say(
    harness: Harness, db: AsyncSession
) -> None:
    """The bot was down while Marek pressed "I will help"; after the restart Telegram
    refuses to answer such old presses. The press still takes the task, Zofia still
    hears it, and an alert's words come as a message, not as "something went wrong"."""
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    harness.session.presses_too_old = True

    calls = await harness.press(MAREK, "I will help")
    to_marek = joined([c for c in calls if getattr(c, "chat_id", None) == MAREK.id])
    to_zofia = joined([c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id])
    assert "Address: ul. Krasińskiego 1" in to_marek
    assert "Good news: Marek will help you" in to_zofia
    assert "something went wrong" not in joined(calls)

    calls = await harness.press(MAREK, "I will help")
    assert [c.text for c in calls if isinstance(c, SendMessage)] == [
        "✅ This task is already yours. Thank you!"
    ], "the alert that could not be shown"


async def test_a_double_tap_that_changes_nothing_is_fine(
    harness: Harness, db: AsyncSession
) -> None:
    """Telegram answers "message is not modified" to an edit that changes nothing (a
    quick second tap): that is success, not "something went wrong"."""
    place_id = await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    await harness.send(MAREK, "🤝 Volunteering")
    await harness.press(MAREK, "When I can help")
    harness.session.failures[MAREK.id] = [
        TelegramBadRequest(method=METHOD, message="Bad Request: message is not modified")
    ]
    calls = await harness.press(MAREK, "When I can help")
    assert "something went wrong" not in joined(calls)
    assert place_id


async def test_21_quick_grid_taps_all_land_with_the_default_flood_settings(
    harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    await harness.send(MAREK, "🤝 Volunteering")
    calls = await harness.press(MAREK, "When I can help")
    parts = ("morning", "afternoon", "evening")
    slots = [label for label in inline_labels(calls) if label.endswith(parts)]
    assert len(slots) == 21
    harness.monotonic.step = 0.3
    for label in slots:
        calls = await harness.press(MAREK, label)
        assert not alerts(calls), f"{label} was throttled"
        assert f"✅ {label} (chosen)" in inline_labels(calls)
    assert sum(label.startswith("✅") for label in inline_labels(calls)) == 21


def _classes(having: Callable[[type[CallbackData]], bool]) -> list[type[CallbackData]]:
    return [
        value
        for value in vars(callbacks).values()
        if isinstance(value, type)
        and issubclass(value, CallbackData)
        and value is not CallbackData
        and having(value)
    ]


def _callback_classes() -> list[type[CallbackData]]:
    """Every class with a number in it."""
    return _classes(lambda kind: any(f.annotation is int for f in kind.model_fields.values()))


@pytest.mark.parametrize("kind", _callback_classes(), ids=lambda kind: kind.__prefix__)
async def test_huge_numbers_in_any_button_are_refused_politely(
    harness: Harness, db: AsyncSession, kind: type[CallbackData]
) -> None:
    """A forged press with a number past the database's range is a stale button, never
    an overflow in a query (the harness fails the test if a handler crashed)."""
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    fields = list(kind.model_fields)
    data = ":".join([kind.__prefix__, *["99999999999999999999999"] * len(fields)])
    calls = await harness.press_data(ZOFIA, data)
    assert alerts(calls) == ["This button is no longer active. Please use the menu or send /start."]


async def test_onboarding_steps_have_a_way_out(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    calls = await harness.send(ZOFIA, "/start")
    assert "✖️ Cancel" in inline_labels(calls) or "✖️ Anuluj" in inline_labels(calls)
    await harness.press(ZOFIA, "English")
    calls = await harness.press(ZOFIA, "I agree")
    assert "✖️ Cancel" in inline_labels(calls), "what brings you here"
    calls = await harness.press(ZOFIA, "✖️ Cancel")
    assert "Signing up was cancelled." in joined(calls)
    assert await step_of(harness, ZOFIA) is None


async def test_the_hours_question_can_be_left(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    await harness.send(ZOFIA, "Bread")
    for label in ("Any day", "Any time", "Marymont", "Skip", "Send the request"):
        await harness.press(ZOFIA, label)
    await harness.press(MAREK, "I will help")
    calls = await harness.press(MAREK, "Done")
    assert "✖️ Cancel" in inline_labels(calls)
    calls = await harness.press(MAREK, "✖️ Cancel")
    assert "Fine, nothing was changed." in joined(calls)
    assert "✅ Done" in inline_labels(await harness.send(MAREK, "/tasks")), "still theirs to finish"


async def test_back_walks_the_request_one_step_at_a_time(
    harness: Harness, db: AsyncSession
) -> None:
    await typed_a_description(harness, db)
    await harness.press(ZOFIA, "Tomorrow")
    await harness.press(ZOFIA, "Any time")
    calls = await harness.press(ZOFIA, "Marymont")
    assert "The exact address" in joined(calls)
    for question in (
        "Where?",
        "What time of day?",
        "When?",
        "Please describe",
        "What do you need help with?",
    ):
        calls = await harness.press(ZOFIA, "⬅️ Back")
        assert question in joined(calls), question
    assert "⬅️ Back" not in inline_labels(calls), "the first step has no step before"
    assert "✖️ Cancel" in inline_labels(calls)
    await harness.press(ZOFIA, "Shopping")
    await harness.send(ZOFIA, "Milk, not bread")
    for label in ("Any day", "Any time", "Marymont", "Skip"):
        calls = await harness.press(ZOFIA, label)
    assert "«Milk, not bread»" in joined(calls)


def _action_classes() -> list[type[CallbackData]]:
    return _classes(lambda kind: "action" in kind.model_fields)


def test_every_button_action_is_typed() -> None:
    """No CallbackData carries a free-text action: each names its actions in a StrEnum."""
    untyped = [k.__name__ for k in _action_classes() if k.model_fields["action"].annotation is str]
    assert len(_action_classes()) >= 13
    assert not untyped


@pytest.mark.parametrize("kind", _action_classes(), ids=lambda kind: kind.__prefix__)
async def test_a_forged_action_in_any_button_is_refused_politely(
    harness: Harness, db: AsyncSession, kind: type[CallbackData]
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    others = ["1"] * (len(kind.model_fields) - 1)
    calls = await harness.press_data(ZOFIA, ":".join([kind.__prefix__, "bogus", *others]))
    assert alerts(calls) == ["This button is no longer active. Please use the menu or send /start."]


async def test_a_day_chosen_yesterday_stays_that_day_and_a_passed_day_is_asked_again(
    harness: Harness, db: AsyncSession
) -> None:
    """Zofia chooses "Tomorrow" on Monday and finishes the request on Tuesday: it is for
    Tuesday, not Wednesday. A day that has passed by the time she sends is asked again."""
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    await harness.send(ZOFIA, "Bread and milk")
    await harness.press(ZOFIA, "Tomorrow")  # Tuesday, 24 November
    harness.clock.advance(days=1)
    await harness.press(ZOFIA, "Any time")
    await harness.press(ZOFIA, "Marymont")
    calls = await harness.press(ZOFIA, "Skip")
    assert "Tuesday, 24 November" in joined(calls)

    harness.clock.advance(days=1)  # Wednesday: Tuesday has passed
    calls = await harness.press(ZOFIA, "Send the request")
    assert "The day you chose, Tuesday, 24 November, has passed.\n\nWhen?" in joined(calls)
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 0
    await harness.press(ZOFIA, "Today")
    await harness.press(ZOFIA, "Any time")
    await harness.press(ZOFIA, "Marymont")
    calls = await harness.press(ZOFIA, "Skip")
    assert "Wednesday, 25 November" in joined(calls)
    await harness.press(ZOFIA, "Send the request")
    request = await db.scalar(select(HelpRequest))
    assert request.day == date(2026, 11, 25)
