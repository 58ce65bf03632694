"""Every feature from the main menu by buttons only, as a senior who never types a
command meets it (the paths are listed in docs/i18n.md)."""

from __future__ import annotations

import pytest
from aiogram.methods import SendDocument
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import VolunteerProfile
from tests.conftest import ADMIN_ID
from tests.harness import Harness, Person, inline_labels, joined, reply_labels
from tests.helpers import add_place, stored
from tests.test_help_flow import MAREK, ZOFIA, english_volunteer, sign_up
from tests.test_panel import EWA, make_animator

NOT_UNDERSTOOD = "I did not understand that"
STAFF_ONLY = "Sorry, this is only for the animators of that place."
ADMIN = Person(id=ADMIN_ID, first_name="Ola", language_code="en")

MAIN = ["🙋 I need help", "🤝 Volunteering", "📅 Events", "💡 I have an idea", "☰ More", "❓ Help"]

# Each button of "☰ More" and the words its answer starts with.
MORE = {
    "📨 My requests": "You have no requests yet",
    "📋 My tasks": "You have no tasks",
    "🎟 My sign-ups": "You have not signed up",
    "🗂 My initiatives": "You have not proposed anything yet",
    "👥 Groups": "group",
    "📍 My centre": "MAL Żoliborz",
    "🔔 Reminders": "Reminders",
    "🌐 Language": "Which language do you prefer?",
    "🔒 My data": "Your data in Sąsiad",
    "⬅️ Main menu": "The main menu is below.",
}

# Each of the team's tools and the words its answer holds.
TEAM = {
    "📥 Waiting for you": "panel",
    "📊 Statistics": "This month",
    "📣 Announcement": "Send the announcement",
    "🕒 Scheduled announcements": "No announcements are scheduled.",
    "🗓 New event": "What is your idea called?",
    "🛠 Edit groups": "group",
    "✍️ Request for someone": "What is their name?",
    "🖼 Poster with a QR code": "poster",
    "🏠 Centres I run": "MAL Żoliborz",
    "📄 Certificates issued": "No certificates have been issued",
}
ADMIN_TOOLS = {
    "🏢 All centres": "All centres. Choose one",
    "➕ Add a centre": "name",
    "✉️ Invite to a team": "place",
}


async def test_the_main_menu_has_six_big_buttons(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    calls = await harness.send(ZOFIA, "❓ Help")
    assert reply_labels(calls) == MAIN


@pytest.mark.parametrize(("label", "answer"), sorted(MORE.items()))
async def test_every_button_under_more_answers(
    harness: Harness, db: AsyncSession, label: str, answer: str
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    calls = await harness.send(ZOFIA, "☰ More")
    assert label in reply_labels(calls)
    assert "🧭 Team tools" not in reply_labels(calls), "residents see no team tools"
    calls = await harness.send(ZOFIA, label)
    assert NOT_UNDERSTOOD not in joined(calls)
    assert answer.lower() in joined(calls).lower(), joined(calls)


@pytest.mark.parametrize(("label", "answer"), sorted(TEAM.items()))
async def test_every_team_tool_is_a_button(
    harness: Harness, db: AsyncSession, label: str, answer: str
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    calls = await harness.send(EWA, "☰ More")
    assert "🧭 Team tools" in reply_labels(calls)
    calls = await harness.send(EWA, "🧭 Team tools")
    assert label in reply_labels(calls)
    assert "🏢 All centres" not in reply_labels(calls), "an animator is not an admin"
    calls = await harness.send(EWA, label)
    assert NOT_UNDERSTOOD not in joined(calls)
    assert STAFF_ONLY not in joined(calls)
    assert answer.lower() in joined(calls).lower(), joined(calls)


@pytest.mark.parametrize(("label", "answer"), sorted(ADMIN_TOOLS.items()))
async def test_every_admin_tool_is_a_button(
    harness: Harness, db: AsyncSession, label: str, answer: str
) -> None:
    await add_place(db)
    await sign_up(harness, ADMIN, "Just keep me informed")
    await harness.send(ADMIN, "☰ More")
    calls = await harness.send(ADMIN, "🧭 Team tools")
    assert label in reply_labels(calls)
    calls = await harness.send(ADMIN, label)
    assert NOT_UNDERSTOOD not in joined(calls)
    assert answer.lower() in joined(calls).lower(), joined(calls)


async def test_team_tools_typed_by_a_resident_are_refused(
    harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    assert joined(await harness.send(ZOFIA, "🧭 Team tools")) == STAFF_ONLY
    assert STAFF_ONLY in joined(await harness.send(ZOFIA, "📣 Announcement"))


async def test_a_break_and_coming_back_by_buttons(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    calls = await harness.send(MAREK, "🤝 Volunteering")
    calls = await harness.press(MAREK, "⏸ Take a break")
    assert "for how long?" in joined(calls)
    assert inline_labels(calls)[:4] == ["One week", "Two weeks", "A month", "Until I am back"]
    calls = await harness.press(MAREK, "Two weeks")
    assert "Paused until" in joined(calls)
    marek = await stored(db, MAREK)
    profile = await db.get(VolunteerProfile, marek.id)
    await db.refresh(profile)
    assert profile.paused_until is not None
    await harness.press(MAREK, "Back to the profile")
    calls = await harness.press(MAREK, "▶️ I am back")
    assert "Welcome back!" in joined(calls)
    await db.refresh(profile)
    assert (profile.paused, profile.paused_until) == (False, None)


async def test_my_data_downloads_and_deletes_by_buttons(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "☰ More")
    calls = await harness.send(ZOFIA, "🔒 My data")
    assert inline_labels(calls) == ["📦 Download my data", "🗑 Delete my data"]
    calls = await harness.press(ZOFIA, "Download my data")
    assert any(isinstance(call, SendDocument) for call in calls)
    calls = await harness.press(ZOFIA, "Delete my data")
    assert "It cannot be undone. Are you sure?" in joined(calls)
    calls = await harness.press(ZOFIA, "Yes, delete")
    assert "Your data has been deleted." in joined(calls)
    assert await stored(db, ZOFIA) is None


async def test_the_consent_question_is_short_and_the_rest_is_one_tap_away(
    harness: Harness,
) -> None:
    anna = Person(id=100_123, first_name="Anna", language_code="en")
    await harness.send(anna, "/start")
    calls = await harness.press(anna, "English")
    question = joined(calls)
    assert len(question) < 400
    assert "📖 Read more" in inline_labels(calls)
    calls = await harness.press(anna, "Read more")
    assert "Your data in Sąsiad" in joined(calls)
    calls = await harness.press(anna, "I agree")
    assert "What brings you to Sąsiad?" in joined(calls)


async def test_a_command_is_read_whatever_its_case_or_the_bots_name_after_it(
    harness: Harness, db: AsyncSession
) -> None:
    """Phones capitalise the first letter, and a command picked from a group's menu carries
    the bot's name; both are the same command, and a word that only starts like a menu
    label is not a tap on it."""
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    expected = joined(await harness.send(ZOFIA, "/requests"))
    assert "You have no requests yet" in expected
    assert joined(await harness.send(ZOFIA, "/Requests")) == expected
    assert joined(await harness.send(ZOFIA, "/requests@sasiad_bot")) == expected
    assert NOT_UNDERSTOOD in joined(await harness.send(ZOFIA, "📨 My requests please"))
