"""Rules of initiatives and events, on the service level: parsing, series dates, places,
waiting lists under concurrency, the calendar file, feedback and reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Event, Occurrence, Place, Seat, Signup, User
from bot.db.statuses import EventStatus, SignupStatus
from bot.db.unit_of_work import unit_of_work
from bot.services.initiatives import events, signups
from bot.services.initiatives.calendar import ics_for
from bot.services.initiatives.event_followup import (
    FeedbackNotAllowed,
    due_event_reminders,
    due_feedback,
    save_rating,
)
from bot.services.initiatives.event_invites import invites_for
from bot.services.initiatives.events import EventDraft, InvalidRoles, RoleDraft, parse_roles
from bot.services.initiatives.signups import SignupOutcome
from bot.services.when import parse_moment
from tests.harness import START
from tests.helpers import add_place, real_teller
from tests.volunteers import resident, volunteer

WARSAW = ZoneInfo("Europe/Warsaw")
OFFSETS = (timedelta(hours=24), timedelta(hours=2))


def draft(**changes: object) -> EventDraft:
    values: dict[str, object] = {
        "title": "Piknik sąsiedzki",
        "description": "Grill i gry na podwórku",
        "starts_at": datetime(2026, 12, 5, 16, 0, tzinfo=WARSAW),
        "location": None,
        "capacity": 5,
        "roles": [RoleDraft("gotowanie", 2)],
    }
    values.update(changes)
    return EventDraft(**values)  # type: ignore[arg-type]


async def published(db: AsyncSession, **changes: object) -> tuple[Event, User, int]:
    place_id = await add_place(db)
    animator = await resident(db, 900, place_id, name="Ala")
    event = await events.submit_event(db, animator, place_id, draft(**changes), START, publish=True)
    occurrence_id = await db.scalar(select(Occurrence.id).where(Occurrence.event_id == event.id))
    return event, animator, occurrence_id


async def participants_role(db: AsyncSession, event: Event) -> int:
    roles = await events.roles_of(db, event.id)
    return next(role.id for role in roles if role.name is None)


def test_roles_are_parsed_with_counts() -> None:
    assert parse_roles("set-up ×3, cooking x2; music") == [
        RoleDraft("set-up", 3),
        RoleDraft("cooking", 2),
        RoleDraft("music", 1),
    ]
    assert parse_roles("sprzątanie 4") == [RoleDraft("sprzątanie", 4)]
    for bad in ("", " , ", "×3", "cooking ×0", "a" * 65, ",".join(f"r{n}" for n in range(9))):
        with pytest.raises(InvalidRoles):
            parse_roles(bad)


def test_moments_are_typed_as_day_and_time_in_the_future() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert parse_moment("24.12 18:00", now, "Europe/Warsaw") == datetime(
        2026, 12, 24, 18, 0, tzinfo=WARSAW
    )
    assert parse_moment("5.01 9.30", now, "Europe/Warsaw") == datetime(
        2027, 1, 5, 9, 30, tzinfo=WARSAW
    )
    assert parse_moment("2026-12-01 07:05", now, "Europe/Warsaw") is not None
    for bad in ("jutro", "24.12", "24.12 25:00", "31.02 10:00", "2020-01-01 10:00"):
        assert parse_moment(bad, now, "Europe/Warsaw") is None


async def test_a_proposal_waits_and_approval_publishes_it_once(db: AsyncSession) -> None:
    place_id = await add_place(db)
    resident_ = await resident(db, 1, place_id)
    animator = await resident(db, 2, place_id)
    event = await events.submit_event(db, resident_, place_id, draft(), START, publish=False)
    assert event.status == EventStatus.PENDING
    assert await db.scalar(select(func.count(Occurrence.id))) == 0
    assert await events.approve(db, event.id, animator, START)
    assert not await events.approve(db, event.id, animator, START)
    assert not await events.reject(db, event.id, animator, "late", START)
    assert await db.scalar(select(func.count(Occurrence.id))) == 1
    assert await db.scalar(select(func.count(Seat.role_id))) == 2


async def test_weekly_series_keeps_the_local_hour_across_summer_time(db: AsyncSession) -> None:
    first = datetime(2027, 3, 22, 18, 0, tzinfo=WARSAW)
    event, _, _ = await published(db, starts_at=first, repeat_weeks=1, roles=[])
    dates = list(
        await db.scalars(
            select(Occurrence.starts_at)
            .where(Occurrence.event_id == event.id)
            .order_by(Occurrence.number)
        )
    )
    assert len(dates) == events.SERIES_AHEAD
    assert [d.astimezone(WARSAW).hour for d in dates] == [18] * events.SERIES_AHEAD
    assert dates[1] - dates[0] == timedelta(days=7, hours=-1)  # clocks go forward on 28 March


async def test_series_tops_up_dates_as_time_passes(db: AsyncSession) -> None:
    event, _, _ = await published(db, repeat_weeks=2, roles=[])
    later = START + timedelta(weeks=30)
    created = await events.ensure_occurrences(db, event, later)
    await db.commit()
    assert len(created) == events.SERIES_AHEAD
    assert all(o.starts_at > later for o in created)
    assert await events.ensure_occurrences(db, event, later) == []


async def test_full_places_lead_to_the_waiting_list_and_promotion(db: AsyncSession) -> None:
    event, _, occurrence_id = await published(db, capacity=1, roles=[])
    role_id = await participants_role(db, event)
    place_id = event.place_id
    first, second, third = [await resident(db, n, place_id) for n in (11, 12, 13)]
    ok = await signups.sign_up(db, occurrence_id, role_id, first.id, START)
    assert ok.outcome == SignupOutcome.CONFIRMED
    again = await signups.sign_up(db, occurrence_id, role_id, first.id, START)
    assert again.outcome == SignupOutcome.ALREADY
    waiting = await signups.sign_up(db, occurrence_id, role_id, second.id, START)
    assert (waiting.outcome, waiting.position) == (SignupOutcome.WAITING, 1)
    later = await signups.sign_up(db, occurrence_id, role_id, third.id, START + timedelta(1))
    assert later.position == 2
    cancelled, promoted = await signups.cancel_signup(db, occurrence_id, first.id, START)
    assert cancelled
    assert [p.user_id for p in promoted] == [second.id]
    assert (await signups.signup_of(db, occurrence_id, second.id)).status == "confirmed"
    cancelled, promoted = await signups.cancel_signup(db, occurrence_id, third.id, START)
    assert cancelled
    assert promoted == []
    seats = await signups.seats_of(db, occurrence_id)
    assert (seats[0].taken, seats[0].waiting) == (1, 0)
    assert (await signups.cancel_signup(db, occurrence_id, third.id, START))[0] is False


async def test_no_sign_up_after_the_start_or_for_an_unknown_role(db: AsyncSession) -> None:
    event, _, occurrence_id = await published(db)
    role_id = await participants_role(db, event)
    person = await resident(db, 20, event.place_id)
    after = event.starts_at + timedelta(minutes=1)
    result = await signups.sign_up(db, occurrence_id, role_id, person.id, after)
    assert result.outcome == SignupOutcome.CLOSED
    result = await signups.sign_up(db, occurrence_id, 999_999, person.id, START)
    assert result.outcome == SignupOutcome.CLOSED


async def test_many_concurrent_sign_ups_never_overbook(
    session_factory: async_sessionmaker[AsyncSession], db: AsyncSession
) -> None:
    capacity = 5
    event, _, occurrence_id = await published(db, capacity=capacity, roles=[])
    role_id = await participants_role(db, event)
    people = [await resident(db, 1000 + n, event.place_id) for n in range(40)]

    async def join(user_id: int) -> SignupOutcome:
        async with unit_of_work(session_factory, real_teller()) as session:
            return (await signups.sign_up(session, occurrence_id, role_id, user_id, START)).outcome

    async def leave(user_id: int) -> None:
        async with unit_of_work(session_factory, real_teller()) as session:
            await signups.cancel_signup(session, occurrence_id, user_id, START)

    outcomes = await asyncio.gather(*(join(p.id) for p in people))
    assert outcomes.count(SignupOutcome.CONFIRMED) == capacity
    assert outcomes.count(SignupOutcome.WAITING) == len(people) - capacity
    confirmed = list(
        await db.scalars(select(Signup.user_id).where(Signup.status == SignupStatus.CONFIRMED))
    )
    await asyncio.gather(*(leave(user_id) for user_id in confirmed[:3]))
    db.expire_all()
    counted = await db.scalar(
        select(func.count(Signup.id)).where(Signup.status == SignupStatus.CONFIRMED)
    )
    seat = await db.get(Seat, (occurrence_id, role_id), populate_existing=True)
    assert counted == seat.taken == capacity


async def test_calendar_file_parses_back_in_the_place_zone(db: AsyncSession) -> None:
    event, _, occurrence_id = await published(db)
    occurrence = await db.get(Occurrence, occurrence_id)
    place = await db.get(Place, event.place_id)
    parsed = Calendar.from_ical(ics_for(event, occurrence, place, START))
    [entry] = parsed.walk("VEVENT")
    start = entry.decoded("dtstart")
    assert start == datetime(2026, 12, 5, 16, 0, tzinfo=WARSAW)
    assert str(start.tzinfo) == "Europe/Warsaw"
    assert entry.decoded("dtend") - start == timedelta(hours=2)
    assert str(entry["summary"]) == "Piknik sąsiedzki"
    assert str(entry["location"]) == "MAL Żoliborz"
    assert [tz["tzid"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Warsaw"]


async def test_reminders_and_feedback_follow_the_occurrence(db: AsyncSession) -> None:
    event, _, occurrence_id = await published(db, roles=[])
    role_id = await participants_role(db, event)
    person = await resident(db, 30, event.place_id)
    await signups.sign_up(db, occurrence_id, role_id, person.id, START)
    start = event.starts_at
    assert await due_event_reminders(db, start - timedelta(hours=30), OFFSETS) == []
    [day_before] = await due_event_reminders(db, start - timedelta(hours=23), OFFSETS)
    assert day_before.offset == timedelta(hours=24)
    [soon] = await due_event_reminders(db, start - timedelta(hours=1), OFFSETS)
    assert soon.offset == timedelta(hours=2)
    assert await due_feedback(db, start + timedelta(hours=1)) == []
    [asked] = await due_feedback(db, start + timedelta(hours=3))
    assert asked.user.id == person.id
    with pytest.raises(FeedbackNotAllowed):
        await save_rating(db, occurrence_id, person.id, 5, start - timedelta(hours=1))
    await save_rating(db, occurrence_id, person.id, 5, start + timedelta(hours=3))
    assert await due_feedback(db, start + timedelta(hours=4)) == []
    outsider = await resident(db, 31, event.place_id)
    with pytest.raises(FeedbackNotAllowed):
        await save_rating(db, occurrence_id, outsider.id, 4, start + timedelta(hours=3))


async def test_volunteers_with_fitting_talents_are_invited_to_roles(db: AsyncSession) -> None:
    event, _, occurrence_id = await published(db, roles=[RoleDraft("gotowanie zupy", 1)])
    cook = await volunteer(db, 40, event.place_id, talents=("cooking",))
    await volunteer(db, 41, event.place_id, talents=("pets",))
    occurrence = await db.get(Occurrence, occurrence_id)
    place = await db.get(Place, event.place_id)
    invites = await invites_for(
        db, event, occurrence, await events.roles_of(db, event.id), place, START
    )
    assert [(i.role.name, i.candidate.user_id) for i in invites] == [("gotowanie zupy", cook.id)]
