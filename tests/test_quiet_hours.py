"""Quiet hours: offers wait for the morning unless the task is today; animators' escalations
are queued for the morning."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import District, Membership, OutboxMessage
from bot.services.helping.offers import MatchingConfig, advance_matching, send_next_wave
from bot.services.messaging.quiet import QuietHours
from bot.services.people.talents import MORNING
from tests.helpers import add_place, tell
from tests.volunteers import request, resident, volunteer

WARSAW = "Europe/Warsaw"
NIGHT = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 23:30 in Warsaw
CONFIG = MatchingConfig(wave_size=2, max_waves=1)


@pytest.mark.parametrize(
    ("utc", "quiet"),
    [("19:59", False), ("20:00", True), ("23:59", True), ("06:59", True), ("07:00", False)],
)
def test_window_crosses_midnight_in_local_time(utc: str, quiet: bool) -> None:
    moment = datetime.combine(date(2026, 11, 23), time.fromisoformat(utc), tzinfo=UTC)
    assert QuietHours().is_quiet(moment, WARSAW) is quiet


def test_next_allowed_is_the_local_morning() -> None:
    assert QuietHours().next_allowed(NIGHT, WARSAW) == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    early = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert QuietHours().next_allowed(early, WARSAW) == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    day = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert QuietHours().next_allowed(day, WARSAW) == day


async def test_a_flexible_request_waits_for_the_morning(db: AsyncSession) -> None:
    place_id = await add_place(db)
    marymont = await db.scalar(select(District.id).where(District.name == "Marymont"))
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id)
    req = await request(db, zofia, district=marymont, now=NIGHT)
    assert (await send_next_wave(db, req, NIGHT, CONFIG)).offers == [], "23:30: nobody woken"
    morning = await advance_matching(db, datetime(2026, 11, 24, 7, 1, tzinfo=UTC), CONFIG)
    assert len(morning.offers) == 1, "08:01 in Warsaw: the offer goes out"


async def test_a_task_due_by_morning_goes_out_at_night(db: AsyncSession) -> None:
    place_id = await add_place(db)
    marymont = await db.scalar(select(District.id).where(District.name == "Marymont"))
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id)
    config = MatchingConfig(wave_size=2, max_waves=1, escalate_before=timedelta(0))
    tomorrow = date(2026, 11, 24)
    req = await request(db, zofia, district=marymont, day=tomorrow, part=MORNING, now=NIGHT)
    offers = (await send_next_wave(db, req, NIGHT, config)).offers
    assert len(offers) == 1, "due at 08:00, in eight and a half hours: urgent"


async def test_night_escalations_are_queued_for_the_morning(db: AsyncSession) -> None:
    place_id = await add_place(db)
    marymont = await db.scalar(select(District.id).where(District.name == "Marymont"))
    zofia = await resident(db, 1, place_id)
    animator = await resident(db, 2, place_id)
    db.add(Membership(user_id=animator.id, place_id=place_id, role="animator", created_at=NIGHT))
    await db.commit()
    req = await request(db, zofia, district=marymont, now=NIGHT)
    req.wave = CONFIG.max_waves
    await db.commit()
    outcome = await send_next_wave(db, req, datetime(2026, 11, 24, 7, 30, tzinfo=UTC), CONFIG)
    assert outcome.escalations[0].not_before == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    req2 = await request(db, zofia, district=marymont, now=NIGHT)
    req2.wave = CONFIG.max_waves
    await db.commit()
    await send_next_wave(db, req2, NIGHT, CONFIG)
    await tell(db, NIGHT)
    queued = await db.scalars(
        select(OutboxMessage.due_at).where(OutboxMessage.kind == "escalation")
    )
    # The first, escalated at 07:30 UTC, goes then; the one escalated at night waits for
    # the end of quiet hours (08:00 in Warsaw).
    assert sorted(queued) == [
        datetime(2026, 11, 24, 7, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 7, 30, tzinfo=UTC),
    ]
