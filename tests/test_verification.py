"""Verification for help at home holds for the length the animator chose: the panel
asks how long, matching honours it on the day of the task, the animators are reminded
a month before it lapses and the volunteer is told when it has — each notice once."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.models import OutboxMessage, VolunteerProfile
from bot.runtime.scheduler import verification_job
from bot.services.people.verification import add_months
from tests.harness import START, FakeClock, Harness, alerts, inline_labels, joined
from tests.helpers import add_place
from tests.test_help_flow import MAREK, english_volunteer
from tests.test_matching import ids, place  # noqa: F401 (the fixture)
from tests.test_panel import EWA, OLGA, make_animator
from tests.volunteers import request, resident, volunteer

SIX_MONTHS_ON = add_months(START, 6)  # 23 May 2027


async def notices(db: AsyncSession) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "verification")
            .order_by(OutboxMessage.id)
        )
    )


def test_months_are_calendar_months() -> None:
    assert add_months(START, 6).date() == date(2027, 5, 23)
    assert add_months(START.replace(month=8, day=31), 6).date() == date(2027, 2, 28)
    assert add_months(START, 24).date() == date(2028, 11, 23)


async def test_the_animator_chooses_how_long_it_holds(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    helper_id = (await english_volunteer(db, MAREK, place_id)).id

    await harness.send(EWA, "/panel")
    calls = await harness.press(EWA, "Volunteers to verify")
    assert "Marek · not verified yet" in joined(calls)
    calls = await harness.press(EWA, "✅ Verify")
    assert "How long does the verification of Marek hold?" in joined(calls)
    assert inline_labels(calls) == ["6 months", "12 months", "24 months", "Until revoked"]
    calls = await harness.press(EWA, "6 months")
    assert alerts(calls) == ["Verified until 23 May 2027."]
    told = [c for c in calls if getattr(c, "chat_id", None) == MAREK.id]
    assert "The verification holds until 23 May 2027." in joined(told)
    profile = await db.get(VolunteerProfile, helper_id, populate_existing=True)
    assert profile.verified_until == SIX_MONTHS_ON

    calls = await harness.press_data(EWA, f"vethold:{helper_id}:5")
    assert alerts(calls) == ["This button is no longer active."], "only the offered lengths"


async def test_another_centres_animator_cannot_verify(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    other = await add_place(db, name="CAL Nadodrze", slug="cal", districts=())
    await make_animator(db, harness, OLGA, other)
    helper_id = (await english_volunteer(db, MAREK, place_id)).id
    refusal = ["Sorry, this is only for the animators of that place."]
    assert alerts(await harness.press_data(OLGA, f"vethold:{helper_id}:0")) == refusal
    assert alerts(await harness.press_data(OLGA, f"vet:verify:{helper_id}")) == refusal
    profile = await db.get(VolunteerProfile, helper_id, populate_existing=True)
    assert profile.verified_at is None


async def test_sensitive_requests_need_a_verification_valid_on_the_day(
    db: AsyncSession,
    place: tuple[int, int, int],  # noqa: F811
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    trusted = await volunteer(db, 11, place_id, talents=("companionship",), verified=True)
    (await db.get(VolunteerProfile, trusted.id)).verified_until = START + timedelta(days=10)
    await db.commit()
    soon = await request(
        db, zofia, category="companionship", district=marymont, day=date(2026, 12, 2)
    )
    later = await request(
        db, zofia, category="companionship", district=marymont, day=date(2026, 12, 3)
    )
    undated = await request(db, zofia, category="companionship", district=marymont)
    assert await ids(db, soon) == [trusted.id], "still valid all of 2 December"
    assert await ids(db, later) == [], "lapsed by 3 December"
    assert await ids(db, undated) == [trusted.id], "an undated request: valid today"


async def test_a_month_before_the_animators_hear_and_at_the_end_the_volunteer(
    harness: Harness, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await english_volunteer(db, MAREK, place_id)
    await harness.send(EWA, "/panel")
    await harness.press(EWA, "Volunteers to verify")
    await harness.press(EWA, "✅ Verify")
    await harness.press(EWA, "6 months")

    async def tick(at) -> None:
        await verification_job(i18n, session_factory, FakeClock(at), settings)

    await tick(SIX_MONTHS_ON - timedelta(days=31))
    assert await notices(db) == [], "more than a month ahead: nothing yet"
    await tick(SIX_MONTHS_ON - timedelta(days=29))
    await tick(SIX_MONTHS_ON - timedelta(days=28))
    [reminder] = await notices(db)
    assert reminder.chat_id == EWA.id
    assert reminder.text == "⏳ The verification of Marek lapses on 23 May 2027."
    assert "Renew" in (reminder.markup or "")

    harness.clock.now = SIX_MONTHS_ON - timedelta(days=28)
    await harness.send(EWA, "/panel")
    calls = await harness.press(EWA, "Volunteers to verify: 1")
    assert "Marek · the verification lapses on 23 May 2027" in joined(calls)

    await tick(SIX_MONTHS_ON + timedelta(hours=1))
    await tick(SIX_MONTHS_ON + timedelta(days=1))
    [_reminder, lapsed] = await notices(db)
    assert lapsed.chat_id == MAREK.id
    assert lapsed.text.startswith("Your verification for help at home lapsed on 23 May 2027.")
    harness.clock.now = SIX_MONTHS_ON + timedelta(days=2)
    await harness.send(EWA, "/panel")
    calls = await harness.press(EWA, "Volunteers to verify: 1")
    assert "Marek · the verification lapsed on 23 May 2027" in joined(calls)
    assert inline_labels(calls) == ["🔁 Renew"]


async def test_a_renewal_starts_the_count_again(
    harness: Harness, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    helper_id = (await english_volunteer(db, MAREK, place_id)).id
    await harness.press_data(EWA, f"vethold:{helper_id}:6")
    await verification_job(
        i18n, session_factory, FakeClock(SIX_MONTHS_ON - timedelta(days=10)), settings
    )
    calls = await harness.press_data(EWA, f"vet:verify:{helper_id}")
    assert inline_labels(calls)[-1] == "Until revoked"
    harness.clock.advance(days=1)
    assert alerts(await harness.press_data(EWA, f"vethold:{helper_id}:12")) == [
        "Verified until 24 November 2027."
    ]
    await verification_job(
        i18n, session_factory, FakeClock(SIX_MONTHS_ON + timedelta(days=1)), settings
    )
    assert [n.chat_id for n in await notices(db)] == [EWA.id], "renewed: no lapse notice"
