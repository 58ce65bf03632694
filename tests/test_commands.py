"""/help, /cancel, /language, /privacy, /export, /forget as users meet them."""

from __future__ import annotations

import json

import pytest
from aiogram.methods import SendDocument
from aiogram.types import ReplyKeyboardRemove
from sqlalchemy.ext.asyncio import AsyncSession

from tests.harness import Harness, Person, alerts, inline_labels, joined, reply_labels
from tests.helpers import add_place, onboard, stored


async def test_help_is_a_few_lines_that_point_at_the_buttons(
    harness: Harness, anna: Person
) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/help")
    text = joined(calls)
    assert len(text.splitlines()) == 5
    assert "☰ Więcej: Twoje prośby" in text
    assert "Narzędzia zespołu" not in text, "residents are not sent to team tools"
    assert "☰ Więcej" in reply_labels(calls)


async def test_help_for_an_admin_points_at_the_team_tools(harness: Harness, admin: Person) -> None:
    text = joined(await harness.send(admin, "/help"))
    assert "🧭 Narzędzia zespołu są w ☰ Więcej." in text


async def test_help_from_the_menu_button(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    assert "Sąsiad pomaga sąsiadom" in joined(await harness.send(anna, "❓ Pomoc"))


async def test_cancel_with_nothing_to_cancel(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/cancel")
    assert joined(calls) == "Teraz nie ma czego przerywać."
    assert "☰ Więcej" in reply_labels(calls)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], "Przerwałem rejestrację. Wyślij /start"),
        (["Polski"], "Przerwałem rejestrację. Wyślij /start"),
    ],
)
async def test_cancel_during_sign_up_says_what_was_cancelled(
    harness: Harness, anna: Person, steps: list[str], expected: str
) -> None:
    await harness.send(anna, "/start")
    for label in steps:
        await harness.press(anna, label)
    assert expected in joined(await harness.send(anna, "/cancel"))
    calls = await harness.press_data(anna, "consent:1")
    assert alerts(calls), "the consent button no longer works after /cancel"


async def test_cancel_while_changing_place(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await onboard(harness, anna)
    await add_place(db)
    await harness.send(anna, "📍 Moje centrum")
    await harness.press(anna, "Zmień centrum")
    calls = await harness.send(anna, "/cancel")
    assert "Przerwałem zmianę centrum" in joined(calls)


async def test_cancel_button_in_a_list(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    await add_place(db)
    await harness.send(anna, "📍 Moje centrum")
    await harness.press(anna, "Zmień centrum")
    calls = await harness.press(anna, "Anuluj")
    assert "Przerwałem zmianę centrum" in joined(calls)


async def test_change_language(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "🌐 Język")
    assert inline_labels(calls)[0] == "🇵🇱 Polski", "the current language first"
    calls = await harness.press(anna, "Українська")
    assert "Готово. Обрана мова: 🇺🇦 Українська." in joined(calls)
    assert "☰ Більше" in reply_labels(calls), "the menu comes back in the new language"
    assert (await stored(db, anna)).language == "uk"
    assert "допомагати" in joined(await harness.send(anna, "/help"))


async def test_language_command_before_sign_up_points_to_start(
    harness: Harness, anna: Person
) -> None:
    calls = await harness.send(anna, "/language")
    assert "Jaki język wolisz?" in joined(calls)
    assert "🔒 <b>Your data</b>: I keep" in joined(await harness.press(anna, "English"))


async def test_privacy_before_and_after_consent(harness: Harness, anna: Person) -> None:
    text = joined(await harness.send(anna, "/privacy"))
    assert "Co przechowuję" in text
    assert "tylko Twój identyfikator" in text
    await onboard(harness, anna)
    text = joined(await harness.send(anna, "/privacy"))
    assert "Zgoda wyrażona: pon., 23 listopada, 11:00." in text, "Polish date in Warsaw time"


async def test_export_sends_everything_as_json(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await add_place(db)
    await harness.send(anna, "/start")
    await harness.press(anna, "Polski")
    await harness.press(anna, "Zgadzam się")
    await harness.press(anna, "Potrzebuję pomocy")
    await harness.press(anna, "MAL Żoliborz")
    await harness.press(anna, "Sady")
    calls = await harness.send(anna, "/export")
    document = next(call for call in calls if isinstance(call, SendDocument))
    assert document.document.filename == "sasiad-data.json"
    data = json.loads(document.document.data)
    assert data["telegram_id"] == anna.id
    assert data["first_name"] == "Anna"
    assert data["place"] == "MAL Żoliborz"
    assert data["district"] == "Sady Żoliborskie"
    assert data["intent"] == "need_help"
    assert data["consent_given_at"].startswith("2026-11-23T10:00")


async def test_export_for_a_stranger(harness: Harness, anna: Person) -> None:
    assert joined(await harness.send(anna, "/export")) == "Nie przechowuję żadnych Twoich danych."


async def test_forget_asks_then_deletes(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/forget")
    assert "Tego nie da się cofnąć" in joined(calls)
    calls = await harness.press(anna, "Nie, zostaw")
    assert "Niczego nie usunąłem." in joined(calls)
    assert await stored(db, anna) is not None

    await harness.send(anna, "/forget")
    calls = await harness.press(anna, "Tak, usuń moje dane")
    assert "Usunąłem Twoje dane" in joined(calls)
    assert any(isinstance(getattr(c, "reply_markup", None), ReplyKeyboardRemove) for c in calls)
    assert await stored(db, anna) is None


async def test_cancel_during_forget(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    await harness.send(anna, "/forget")
    assert "niczego nie usunąłem" in joined(await harness.send(anna, "/cancel"))
    calls = await harness.press_data(anna, "forget:1")
    assert alerts(calls), "the old confirm button is dead after /cancel"
    assert await stored(db, anna) is not None
