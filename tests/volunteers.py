"""Builders for volunteers and requests in service tests (through the services themselves)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, User, VolunteerProfile
from bot.services.centres.places import get_place
from bot.services.helping.requests import submit_request
from bot.services.people import profiles
from bot.services.people.users import give_consent, register_contact, set_home_place
from bot.services.plain import RequestDraft, stored
from tests.harness import START

ALL_WEEK = tuple(range(21))


async def resident(
    db: AsyncSession,
    telegram_id: int,
    place_id: int,
    *,
    district: int | None = None,
    language: str = "pl",
    name: str = "Zofia",
) -> User:
    person = await register_contact(db, telegram_id, START)
    person = await give_consent(db, person, first_name=name, language=language, now=START)
    person = await set_home_place(db, person, place_id=place_id, district_id=district)
    # The stored row: tests change it directly (a language, a place) to set up a case.
    return await stored(db, User, person.id)


async def volunteer(
    db: AsyncSession,
    telegram_id: int,
    place_id: int,
    *,
    talents: tuple[str, ...] = ("shopping",),
    slots: tuple[int, ...] = ALL_WEEK,
    districts: tuple[int, ...] | None = None,
    home_district: int | None = None,
    languages: tuple[str, ...] = (),
    verified: bool = False,
    cap: int = 2,
    other: str | None = None,
    name: str = "Wolontariusz",
) -> User:
    user = await resident(db, telegram_id, place_id, district=home_district, name=name)
    await profiles.ensure_profile(db, user, START)
    for code in talents:
        await profiles.choose_talent(db, user.id, code, True)
    for slot in slots:
        await profiles.choose_slot(db, user.id, slot, True)
    place = await get_place(db, place_id)
    view = await profiles.get_profile(db, user.id)
    wanted = set(districts if districts is not None else [d.id for d in place.districts])
    for district_id in wanted ^ set(view.district_ids):
        await profiles.choose_district(db, user.id, district_id, place_id, district_id in wanted)
    for language in languages:
        await profiles.choose_language(db, user.id, language, True)
    if other:
        await profiles.set_other_talents(db, user.id, other)
    await profiles.set_weekly_cap(db, user.id, cap)
    if verified:
        # Set directly: arranging a fixture, not an animator's action that notifies.
        (await db.get(VolunteerProfile, user.id)).verified_at = START
    await profiles.complete_profile(
        db, user.id, place_has_districts=bool(place.districts), now=START
    )
    return user


async def request(
    db: AsyncSession,
    requester: User,
    *,
    category: str = "shopping",
    description: str = "Zakupy w aptece i w sklepie",
    day: date | None = None,
    part: int | None = None,
    district: int | None = None,
    now: datetime = START,
) -> HelpRequest:
    draft = RequestDraft(category, description, day, part, district, "ul. Krasińskiego 1/2")
    return await submit_request(db, requester, draft, now=now, max_open=3)
