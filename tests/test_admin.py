"""Admins add places and invite animators; everyone else is refused on the server."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AnimatorInvite, Membership, Place
from bot.services.centres.invites import create_invite
from tests.fakes.session import BOT_USERNAME
from tests.harness import START, Harness, Person, alerts, inline_labels, joined
from tests.helpers import add_place, onboard, stored


async def test_admin_adds_a_place_step_by_step(
    harness: Harness, db: AsyncSession, admin: Person
) -> None:
    assert "Jak się nazywa?" in joined(await harness.send(admin, "/addplace"))
    calls = await harness.send(admin, "MAL Żoliborz")
    assert "Użyj: mal-zoliborz" in inline_labels(calls)
    calls = await harness.press(admin, "Użyj: mal-zoliborz")
    assert "Jakie osiedla" in joined(calls)
    calls = await harness.send(admin, "Marymont, Sady Żoliborskie, marymont")
    assert "Europe/Warsaw" in inline_labels(calls)
    calls = await harness.press(admin, "Europe/Warsaw")
    summary = joined(calls)
    assert "<b>Osiedla:</b> Marymont, Sady Żoliborskie" in summary
    calls = await harness.press(admin, "Zapisz")
    assert f"https://t.me/{BOT_USERNAME}?start=place-mal-zoliborz" in joined(calls)
    place = await db.scalar(select(Place).where(Place.slug == "mal-zoliborz"))
    assert place is not None
    assert place.timezone == "Europe/Warsaw"


async def test_add_place_rejects_bad_values_and_keeps_the_step(
    harness: Harness, db: AsyncSession, admin: Person
) -> None:
    await add_place(db, slug="zajety")
    await harness.send(admin, "/addplace")
    assert "To za długie (znaki: 101, najwyżej 100)" in joined(await harness.send(admin, "x" * 101))
    await harness.send(admin, "Dom Sąsiedzki Oliwa")
    assert "małych liter" in joined(await harness.send(admin, "Oliwa Dom!"))
    assert "Inne centrum ma już" in joined(await harness.send(admin, "zajety"))
    assert "Jakie osiedla" in joined(await harness.send(admin, "oliwa"))
    await harness.press(admin, "Bez osiedli")
    assert "Nie znam tej strefy" in joined(await harness.send(admin, "Mars/Olympus"))
    calls = await harness.send(admin, "Europe/Kyiv")
    assert "<b>Strefa czasowa:</b> Europe/Kyiv" in joined(calls)
    assert "<b>Osiedla:</b> brak" in joined(calls)
    await harness.press(admin, "Zapisz")
    assert (await db.scalar(select(Place).where(Place.slug == "oliwa"))).timezone == "Europe/Kyiv"


async def test_cancel_adding_a_place(harness: Harness, db: AsyncSession, admin: Person) -> None:
    await harness.send(admin, "/addplace")
    await harness.send(admin, "MAL Bemowo")
    assert "Przerwałem dodawanie centrum" in joined(await harness.send(admin, "/cancel"))
    assert await db.scalar(select(Place)) is None


async def test_places_list_and_details(harness: Harness, db: AsyncSession, admin: Person) -> None:
    for number in range(10):
        await add_place(db, name=f"Miejsce {number}", slug=f"m{number}", districts=())
    calls = await harness.send(admin, "/places")
    labels = inline_labels(calls)
    assert labels[:8] == [f"Miejsce {n}" for n in range(8)]
    assert "Dalej ▶️" in labels
    calls = await harness.press(admin, "Dalej")
    assert inline_labels(calls)[:2] == ["Miejsce 8", "Miejsce 9"]
    assert "◀️ Wstecz" in inline_labels(calls)
    calls = await harness.press(admin, "Miejsce 9")
    card = joined(calls)
    assert "0 zarejestrowanych osób, 0 osób w zespole" in card
    assert "start=place-m9" in card


async def test_invite_makes_a_newcomer_an_animator(
    harness: Harness, db: AsyncSession, admin: Person
) -> None:
    await add_place(db)
    await harness.send(admin, "/invite")
    calls = await harness.press(admin, "MAL Żoliborz")
    text = joined(calls)
    assert "Działa jeden raz, do pon., 30 listopada, 11:00" in text
    link = text.rsplit("\n", 1)[-1]
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=invite-")
    payload = link.split("?start=", 1)[1]

    basia = Person(id=200_001, first_name="Basia")
    await harness.send(basia, f"/start {payload}")
    await harness.press(basia, "Polski")
    await harness.press(basia, "Zgadzam się")
    await harness.press(basia, "Chcę pomagać")
    await harness.press(basia, "MAL Żoliborz")
    calls = await harness.press(basia, "Marymont")
    assert "🎉 Jesteś teraz w zespole centrum MAL Żoliborz" in joined(calls)
    menus = [c for c in calls if isinstance(c, SetMyCommands)]
    assert menus, "the animator gets their command menu"
    assert isinstance(menus[0].scope, BotCommandScopeChat)
    assert "myplaces" in [c.command for c in menus[0].commands]

    card = joined(await harness.send(basia, "/myplaces"))
    assert "1 zarejestrowana osoba, 1 osoba w zespole" in card


async def test_invite_works_once(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    invite = await create_invite(
        db, place_id=place_id, created_by_user_id=None, now=START, ttl=timedelta(days=7)
    )
    basia, celina = Person(id=200_001, first_name="Basia"), Person(id=200_002, first_name="Celina")
    await onboard(harness, basia)
    await onboard(harness, celina)
    joined_team = joined(await harness.send(basia, f"/start invite-{invite.token}"))
    assert "Jesteś teraz w zespole" in joined_team
    assert "już nie działa" in joined(await harness.send(celina, f"/start invite-{invite.token}"))
    members = await db.scalars(select(Membership.user_id))
    assert list(members) == [(await stored(db, basia)).id]


async def test_expired_invite(harness: Harness, db: AsyncSession, anna: Person) -> None:
    place_id = await add_place(db)
    invite = await create_invite(
        db, place_id=place_id, created_by_user_id=None, now=START, ttl=timedelta(hours=1)
    )
    await onboard(harness, anna)
    harness.clock.advance(hours=2)
    assert "już nie działa" in joined(await harness.send(anna, f"/start invite-{invite.token}"))
    assert await db.scalar(select(Membership)) is None


async def test_non_admin_is_refused_commands(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    for command in ("/addplace", "/places", "/invite"):
        assert "tylko dla administratorów" in joined(await harness.send(anna, command))


async def test_forged_admin_buttons_are_refused(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    place_id = await add_place(db)
    await onboard(harness, anna)
    for data in (f"place:i:{place_id}", f"place:d:{place_id}", "places:i:1", "newplace:save"):
        calls = await harness.press_data(anna, data)
        assert alerts(calls) == [
            "Przepraszam, ten przycisk jest tylko dla administratorów Sąsiada."
        ]
    assert await db.scalar(select(AnimatorInvite)) is None, "no invite was created"


async def test_myplaces_for_someone_who_runs_nothing(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    assert "Nie jesteś w zespole żadnego centrum" in joined(await harness.send(anna, "/myplaces"))
