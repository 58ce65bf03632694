"""Rules in bot/services, checked directly."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import HelpRequest, Membership, User
from bot.db.statuses import RequestStatus
from bot.db.unit_of_work import unit_of_work
from bot.services.across.privacy import export_user_data, forget_user
from bot.services.centres.invites import create_invite, redeem_invite
from bot.services.centres.places import (
    create_place,
    district_ref,
    districts_of,
    get_place,
    list_places,
    parse_districts,
    suggest_slug,
    timezone_of,
    validate_slug,
)
from bot.services.errors import (
    DistrictNotInPlace,
    EmptyValue,
    InvalidSlug,
    InviteInvalid,
    SlugTaken,
    TooLong,
    TooManyDistricts,
    UnknownTimezone,
)
from bot.services.helping.offers import MatchingConfig
from bot.services.people.profiles import pause_end
from bot.services.people.users import give_consent, register_contact, set_home_place
from bot.services.plain import DistrictInfo
from tests.harness import START
from tests.helpers import add_place
from tests.volunteers import request, resident


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("MAL Żoliborz", "mal-zoliborz"),
        ("Dom Sąsiedzki „Łąkowa” 7", "dom-sasiedzki-lakowa-7"),
        ("CIL — Poznań / Jeżyce", "cil-poznan-jezyce"),
        ("!!!", ""),
        ("x" * 80, "x" * 40),
    ],
)
def test_suggest_slug(name: str, slug: str) -> None:
    assert suggest_slug(name) == slug


@pytest.mark.parametrize("slug", ["", "-a", "a-", "ż", "a b", "x" * 41, "a_b"])
def test_invalid_slugs(slug: str) -> None:
    with pytest.raises(InvalidSlug):
        validate_slug(slug)


def test_slug_is_lowercased_and_trimmed() -> None:
    assert validate_slug(" Zoliborz ") == "zoliborz"


def test_parse_districts() -> None:
    assert parse_districts("Marymont, Sady Żoliborskie;\nmarymont , ") == [
        "Marymont",
        "Sady Żoliborskie",
    ]
    assert parse_districts("  ") == []
    with pytest.raises(TooLong):
        parse_districts("x" * 65)
    with pytest.raises(TooManyDistricts):
        parse_districts(",".join(f"d{n}" for n in range(61)))


async def test_create_place_validates_everything(db: AsyncSession) -> None:
    with pytest.raises(EmptyValue):
        await create_place(
            db, name=" ", slug="a", districts=[], timezone="Europe/Warsaw", now=START
        )
    with pytest.raises(UnknownTimezone):
        await create_place(db, name="A", slug="a", districts=[], timezone="Warsaw", now=START)
    await create_place(db, name="A", slug="a", districts=["X"], timezone="Europe/Warsaw", now=START)
    with pytest.raises(SlugTaken):
        await create_place(
            db, name="B", slug="A", districts=[], timezone="Europe/Warsaw", now=START
        )


async def test_place_time_zone_and_districts(db: AsyncSession) -> None:
    place_id = await add_place(db, districts=("Sady", "Marymont"))
    other = await create_place(
        db, name="CAL", slug="cal", districts=["Krzyki"], timezone="Europe/Kyiv", now=START
    )
    assert await timezone_of(db, other.id, "Europe/Warsaw") == "Europe/Kyiv"
    assert await timezone_of(db, None, "Europe/Warsaw") == "Europe/Warsaw"
    assert await timezone_of(db, 999, "Europe/Warsaw") == "Europe/Warsaw"
    assert [d.name for d in await districts_of(db, place_id)] == ["Marymont", "Sady"]


async def test_a_district_is_read_once_per_session_and_outlives_a_rollback(
    db: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    place_id = await add_place(db, districts=("Marymont",))
    [marymont] = await districts_of(db, place_id)
    async with unit_of_work(session_factory) as session:
        first = await district_ref(session, marymont.id)
        assert first == DistrictInfo(marymont.id, place_id, "Marymont")
        await session.rollback()  # expires ORM objects; the value must not need the database
        await db.execute(text("UPDATE districts SET name = 'Renamed'"))
        await db.commit()
        assert await district_ref(session, marymont.id) == first
        assert await district_ref(session, 999) is None
    async with unit_of_work(session_factory) as later:
        renamed = await district_ref(later, marymont.id)
        assert renamed == DistrictInfo(marymont.id, place_id, "Renamed")


async def test_list_places_pages(db: AsyncSession) -> None:
    for n in range(5):
        await add_place(db, name=f"P{n}", slug=f"p{n}", districts=())
    page = await list_places(db, page=1, per_page=2)
    assert [p.name for p in page.places] == ["P2", "P3"]
    assert page.pages == 3
    beyond = await list_places(db, page=99, per_page=2)
    assert beyond.page == 2
    assert [p.name for p in beyond.places] == ["P4"]


async def test_register_contact_is_idempotent(db: AsyncSession) -> None:
    first = await register_contact(db, 42, START)
    second = await register_contact(db, 42, START)
    assert first.id == second.id
    assert await db.scalar(select(func.count(User.id))) == 1


async def test_home_district_must_belong_to_the_place(db: AsyncSession) -> None:
    a = await add_place(db, name="A", slug="a", districts=("A1",))
    b = await get_place(db, await add_place(db, name="B", slug="b", districts=("B1",)))
    user = await register_contact(db, 7, START)
    with pytest.raises(DistrictNotInPlace):
        await set_home_place(db, user, place_id=a, district_id=b.districts[0].id)


async def test_only_one_of_many_concurrent_redemptions_wins(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Twenty people open the same invite at the same moment: exactly one becomes animator."""
    async with unit_of_work(session_factory) as db:
        place_id = await add_place(db)
        invite = await create_invite(
            db, place_id=place_id, created_by_user_id=None, now=START, ttl=timedelta(days=1)
        )
        users = [await register_contact(db, 1000 + n, START) for n in range(20)]

    async def attempt(user: User) -> bool:
        async with unit_of_work(session_factory) as session:
            try:
                await redeem_invite(session, token=invite.token, user=user, now=START)
            except InviteInvalid:
                return False
            return True

    results = await asyncio.gather(*(attempt(user) for user in users))
    assert results.count(True) == 1
    async with unit_of_work(session_factory) as db:
        assert await db.scalar(select(func.count(Membership.id))) == 1


async def test_export_and_forget(db: AsyncSession) -> None:
    place_id = await add_place(db)
    user = await register_contact(db, 5, START)
    user = await give_consent(db, user, first_name="  Zofia ", language="pl", now=START)
    user = await set_home_place(db, user, place_id=place_id, district_id=None)
    invite = await create_invite(
        db, place_id=place_id, created_by_user_id=user.id, now=START, ttl=timedelta(days=1)
    )
    await redeem_invite(db, token=invite.token, user=user, now=START)
    data = await export_user_data(db, user, START)
    assert data["first_name"] == "Zofia"
    assert data["roles"] == [
        {"role": "animator", "place": "MAL Żoliborz", "since": START.isoformat()}
    ]
    await forget_user(db, user, START, MatchingConfig())
    assert await db.scalar(select(func.count(User.id))) == 0
    assert await db.scalar(select(func.count(Membership.id))) == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14", "2026-12-07T00:00:00+01:00"),
        ("24.12", "2026-12-24T00:00:00+01:00"),
        ("1.1", "2027-01-01T00:00:00+01:00"),
        ("23.11", "2027-11-23T00:00:00+01:00"),
        ("2027-06-01", "2027-06-01T00:00:00+02:00"),
        ("", None),
        ("31.02", None),
        ("2020-01-01", None),
        ("400", None),
        ("soon", None),
    ],
)
def test_pause_end(typed: str, expected: str | None) -> None:
    end = pause_end(typed, START, "Europe/Warsaw")
    assert (end.isoformat() if end else None) == expected


async def test_a_status_column_reads_back_as_its_enum_and_refuses_other_words(
    db: AsyncSession,
) -> None:
    place_id = await add_place(db)
    zofia = await resident(db, 1, place_id)
    asked = (await request(db, zofia, now=START)).id
    await db.commit()
    db.expire_all()
    stored = await db.get(HelpRequest, asked)
    assert stored is not None
    assert stored.status is RequestStatus.OPEN
    stored.status = "lost"  # type: ignore[assignment]
    with pytest.raises(StatementError):
        await db.flush()
