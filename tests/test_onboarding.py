"""/start as a newcomer meets it: language, consent, intent, place, district, menu."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import District
from tests.harness import START, Harness, Person, alerts, inline_labels, joined, reply_labels
from tests.helpers import add_place, onboard, stored


async def test_full_onboarding_in_polish(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await add_place(db)
    calls = await harness.send(anna, "/start")
    assert "Jaki język wolisz?" in joined(calls)
    assert inline_labels(calls)[0] == "🇵🇱 Polski", "the guessed language comes first"

    user = await stored(db, anna)
    assert user is not None
    assert user.first_name is None
    assert user.language is None
    assert user.consent_at is None, "only the Telegram id is kept before consent"

    calls = await harness.press(anna, "Polski")
    assert "przechowuję Twoje imię" in joined(calls)
    assert await stored(db, anna) is not None
    assert (await stored(db, anna)).first_name is None

    calls = await harness.press(anna, "Zgadzam się")
    assert "Co Cię sprowadza" in joined(calls)
    user = await stored(db, anna)
    assert user.consent_at == START
    assert user.first_name == "Anna"
    assert user.language == "pl"

    calls = await harness.press(anna, "Chcę pomagać")
    assert "najbliżej Ciebie" in joined(calls)
    assert "MAL Żoliborz" in inline_labels(calls)

    calls = await harness.press(anna, "MAL Żoliborz")
    assert "MAL Żoliborz: na którym osiedlu mieszkasz?" in joined(calls)
    assert inline_labels(calls) == [
        "Marymont",
        "Sady Żoliborskie",
        "Nie wiem / pomiń",
        "⬅️ Wstecz",
        "✖️ Anuluj",
    ]

    calls = await harness.press(anna, "Marymont")
    assert "Gotowe, Anna!" in joined(calls)
    assert "☰ Więcej" in reply_labels(calls)
    user = await stored(db, anna)
    assert user.intent == "want_to_help"
    assert user.place_id is not None
    assert user.district_id


async def test_language_is_guessed_and_changeable(harness: Harness, db: AsyncSession) -> None:
    olena = Person(id=100_002, first_name="Олена", language_code="uk")
    calls = await harness.send(olena, "/start")
    assert "Якою мовою вам зручніше?" in joined(calls)
    assert inline_labels(calls)[0] == "🇺🇦 Українська"
    calls = await harness.press(olena, "English")
    assert "🔒 <b>Your data</b>: I keep" in joined(calls)
    await harness.press(olena, "I agree")
    assert (await stored(db, olena)).language == "en"


async def test_declining_consent_keeps_nothing(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await harness.send(anna, "/start")
    await harness.press(anna, "Polski")
    calls = await harness.press(anna, "Nie, dziękuję")
    assert "Niczego o Tobie nie zapisałem" in joined(calls)
    assert await stored(db, anna) is None


async def test_poster_deep_link_preselects_place(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await add_place(db, name="CAL Nadodrze", slug="cal-nadodrze", districts=())
    await add_place(db)
    await harness.send(anna, "/start place-cal-nadodrze")
    await harness.press(anna, "Polski")
    await harness.press(anna, "Zgadzam się")
    calls = await harness.press(anna, "Potrzebuję pomocy")
    text = joined(calls)
    assert "Twoje centrum: CAL Nadodrze." in text
    assert "Gotowe" in text
    assert "najbliżej Ciebie" not in text, "the place list is skipped"


async def test_unknown_poster_slug_falls_back_to_the_list(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await add_place(db)
    await harness.send(anna, "/start place-nie-ma-takiego")
    await harness.press(anna, "Polski")
    await harness.press(anna, "Zgadzam się")
    calls = await harness.press(anna, "Chcę być na bieżąco")
    assert "Nie znalazłem centrum z linku na plakacie." in joined(calls)
    assert "MAL Żoliborz" in inline_labels(calls)


async def test_no_places_yet_still_finishes(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await harness.send(anna, "/start")
    await harness.press(anna, "Polski")
    await harness.press(anna, "Zgadzam się")
    calls = await harness.press(anna, "Potrzebuję pomocy")
    assert "Żadne centrum nie dołączyło jeszcze" in joined(calls)
    assert "☰ Więcej" in reply_labels(calls)


async def test_start_again_shows_menu_without_consent(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/start")
    assert "Witaj ponownie, Anna!" in joined(calls)
    assert "Zgadzam się" not in inline_labels(calls)
    assert "☰ Więcej" in reply_labels(calls)


async def test_known_user_scanning_a_poster_is_asked_first(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await onboard(harness, anna)
    await add_place(db, name="CAL Nadodrze", slug="cal-nadodrze", districts=())
    calls = await harness.send(anna, "/start place-cal-nadodrze")
    assert "Ten plakat jest z centrum CAL Nadodrze" in joined(calls)
    assert (await stored(db, anna)).place_id is None, "nothing changes before they choose"
    calls = await harness.press(anna, "Tak, CAL Nadodrze")
    assert "Twoje centrum to teraz CAL Nadodrze." in joined(calls)
    assert (await stored(db, anna)).place_id is not None


async def test_change_place_from_menu(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    await add_place(db)
    calls = await harness.send(anna, "📍 Moje centrum")
    assert "Nie masz jeszcze wybranego centrum." in joined(calls)
    await harness.press(anna, "Zmień centrum")
    await harness.press(anna, "MAL Żoliborz")
    calls = await harness.press(anna, "Nie wiem / pomiń")
    assert "Twoje centrum to teraz MAL Żoliborz." in joined(calls)
    calls = await harness.send(anna, "📍 Moje centrum")
    assert "Twoje centrum: MAL Żoliborz." in joined(calls)


async def test_forged_district_of_another_place_is_refused(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await add_place(db)
    other = await add_place(db, name="Dom Sąsiedzki Oliwa", slug="oliwa", districts=("Oliwa",))
    oliwa = await db.scalar(select(District.id).where(District.place_id == other))
    await harness.send(anna, "/start")
    await harness.press(anna, "Polski")
    await harness.press(anna, "Zgadzam się")
    await harness.press(anna, "Chcę pomagać")
    await harness.press(anna, "MAL Żoliborz")
    calls = await harness.press_data(anna, f"district:{oliwa}")
    assert alerts(calls) == ["Ten wybór jest już niedostępny."]
    assert (await stored(db, anna)).district_id is None
