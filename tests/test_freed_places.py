"""Late drop-outs from events: a place given up within a day of the date, with nobody
waiting, is offered to a small wave of neighbours who fit it; the animators hear of it
only if it is still free hours later. Attendance marked by an animator feeds the
no-show record. Through the real Dispatcher and the event job, on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import (
    Event,
    EventGroup,
    FreedPlace,
    GroupMember,
    InterestGroup,
    OutboxMessage,
    Signup,
    VolunteerProfile,
)
from bot.db.statuses import SignupStatus
from bot.runtime.scheduler import event_tick
from tests.harness import START, Harness, Person, alerts, drain, inline_labels, joined
from tests.helpers import add_place, stored
from tests.test_events_flow import IGOR, to
from tests.test_help_flow import MAREK, ZOFIA, english_volunteer, sign_up
from tests.test_panel import EWA, OLGA, make_animator

LENA = Person(id=400_011, first_name="Lena", language_code="en")
OSKAR = Person(id=400_012, first_name="Oskar", language_code="en")
# Thursday 3 December, 12:00 in Warsaw.
SOUP_DAY = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
# The afternoon before: 21 hours to go, outside quiet hours.
DAY_BEFORE = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


class Jobs:
    """The event job at the harness's clock, and what it queued delivered."""

    def __init__(
        self,
        harness: Harness,
        i18n: I18n,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        self.harness, self.i18n, self.factory, self.settings = (
            harness,
            i18n,
            session_factory,
            settings,
        )

    async def tick(self) -> list:
        before = len(self.harness.session.requests)
        await event_tick(self.i18n, self.factory, self.harness.clock, self.settings)
        assert self.harness.sender is not None
        await drain(self.harness.sender)
        return self.harness.session.requests[before:]

    def at(self, moment: datetime) -> None:
        self.harness.clock.advance(seconds=(moment - self.harness.clock()).total_seconds())


@pytest.fixture
def jobs(
    harness: Harness,
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> Jobs:
    return Jobs(harness, i18n, session_factory, settings)


async def cooks(harness: Harness, db: AsyncSession, *others: Person) -> None:
    """Ewa's centre with three cooks (and `others`, who do IT help) and Soup day."""
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    for person in (IGOR, LENA, OSKAR):
        await english_volunteer(db, person, place_id, talents=("cooking",))
    for person in others:
        await english_volunteer(db, person, place_id, talents=("it_help",))
    await soup_day(harness)


async def soup_day(harness: Harness, participants: str = "20", helpers: str = "cooking") -> list:
    """Ewa publishes Soup day on Thursday noon; fitting volunteers are invited."""
    await harness.send(EWA, "/newevent")
    await harness.send(EWA, "Soup day")
    await harness.send(EWA, "We cook for neighbours")
    await harness.send(EWA, "3.12 12:00")
    await harness.press(EWA, "once")
    await harness.press(EWA, "At the centre")
    await harness.send(EWA, participants)
    await harness.send(EWA, helpers)
    return await harness.press(EWA, "Submit")


async def invited(db: AsyncSession, person: Person) -> int:
    return (
        await db.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.chat_id == person.id,
                OutboxMessage.dedupe_key.like("freed:%"),
            )
        )
        or 0
    )


async def test_a_helper_who_drops_out_the_day_before_is_replaced_by_the_first_who_taps(
    harness: Harness, db: AsyncSession, jobs: Jobs
) -> None:
    await cooks(harness, db, MAREK)
    await harness.press(IGOR, "I will help")

    jobs.at(DAY_BEFORE)
    await harness.send(IGOR, "/myevents")
    await harness.press(IGOR, "Soup day")
    calls = await harness.press(IGOR, "Cancel my sign-up")
    assert alerts(calls) == ["Your sign-up is cancelled."]
    calls = await jobs.tick()
    to_lena, to_oskar = joined(to(LENA, calls)), joined(to(OSKAR, calls))
    for text in (to_lena, to_oskar):
        assert text.startswith(
            "🙋 A place came free at this event, and nobody is waiting for it. "
            "Could you help as: cooking? The first to tap gets it."
        )
        assert "Soup day" in text
        assert "Thu, 3 December 2026, 12:00" in text
    assert to(IGOR, calls) == [], "not the one who gave it up"
    assert to(MAREK, calls) == [], "only talents that fit"
    assert to(EWA, calls) == [], "the animators are not bothered yet"

    calls = await harness.press(LENA, "I will help")
    assert alerts(calls) == ["✅ You are signed up. See you there!"]
    calls = await harness.press(OSKAR, "I will help")
    assert "number 1 on the waiting list" in alerts(calls)[0], "first come, first served"

    assert await jobs.tick() == [], "each invitation once"
    jobs.at(DAY_BEFORE + timedelta(hours=4))
    assert to(EWA, await jobs.tick()) == [], "filled: nobody needs to hear of it"
    assert await invited(db, LENA) == 1
    assert (await db.scalar(select(FreedPlace.outcome))) == "filled"


async def test_a_participant_place_goes_to_the_groups_and_then_to_the_animators(
    harness: Harness, db: AsyncSession, jobs: Jobs
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    for person in (ZOFIA, OLGA, MAREK):
        await sign_up(harness, person, "Just keep me informed")
    await soup_day(harness, participants="1", helpers="No helpers")
    seniors = InterestGroup(place_id=place_id, name="Seniors", created_at=START)
    db.add(seniors)
    await db.flush()
    group_id = seniors.id
    event_id = await db.scalar(select(Event.id))
    db.add(EventGroup(event_id=event_id, group_id=group_id))
    for person in (ZOFIA, OLGA):
        user = await stored(db, person)
        db.add(GroupMember(group_id=group_id, user_id=user.id, joined_at=START))
    await db.commit()
    await harness.send(ZOFIA, "/events")
    await harness.press(ZOFIA, "Soup day")
    await harness.press(ZOFIA, "✅ Sign up")

    jobs.at(DAY_BEFORE)
    await harness.send(ZOFIA, "/myevents")
    await harness.press(ZOFIA, "Soup day")
    await harness.press(ZOFIA, "Cancel my sign-up")
    calls = await jobs.tick()
    assert joined(to(OLGA, calls)).startswith(
        "🙋 A place came free at this event, and nobody is waiting for it. Would you like to come?"
    )
    assert "✅ I will come" in inline_labels(to(OLGA, calls))
    assert to(MAREK, calls) == [], "not in the event's groups"
    assert to(ZOFIA, calls) == []

    jobs.at(DAY_BEFORE + timedelta(hours=2, minutes=59))
    assert to(EWA, await jobs.tick()) == []
    jobs.at(DAY_BEFORE + timedelta(hours=3))
    calls = await jobs.tick()
    assert joined(to(EWA, calls)).startswith(
        "😕 A place given up shortly before this event is still free. "
        "Nobody took it after the invitations. Perhaps ask someone you know?"
    )
    jobs.at(DAY_BEFORE + timedelta(hours=4))
    assert to(EWA, await jobs.tick()) == [], "told once"


async def test_a_place_given_up_earlier_or_taken_from_the_waiting_list_invites_nobody(
    harness: Harness, db: AsyncSession, jobs: Jobs
) -> None:
    await cooks(harness, db)
    await harness.press(IGOR, "I will help")
    await harness.press(LENA, "I will help")

    jobs.at(DAY_BEFORE - timedelta(hours=4))  # 25 hours before
    await harness.send(IGOR, "/myevents")
    await harness.press(IGOR, "Soup day")
    await harness.press(IGOR, "Cancel my sign-up")
    assert await jobs.tick() == []
    assert await db.scalar(select(FreedPlace.id)) is None

    jobs.at(DAY_BEFORE)
    await harness.send(OSKAR, "/events")
    await harness.press(OSKAR, "Soup day")
    await harness.press(OSKAR, "cooking")
    await harness.send(LENA, "/myevents")
    await harness.press(LENA, "Soup day")
    calls = await harness.press(LENA, "Cancel my sign-up")
    assert "A place came free and it is yours" in joined(to(OSKAR, calls))
    assert await jobs.tick() == []
    assert await db.scalar(select(FreedPlace.id)) is None


async def test_did_not_come_to_an_event_counts_like_a_task_and_a_correction_withdraws_it(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    igor_id = (await english_volunteer(db, IGOR, place_id, talents=("cooking",))).id
    await soup_day(harness)
    await harness.press(IGOR, "I will help")
    await harness.send(EWA, "/events")
    await harness.press(EWA, "Soup day")
    await harness.press(EWA, "Participants")

    async def record() -> tuple[int, datetime | None]:
        db.expire_all()
        profile = await db.get(VolunteerProfile, igor_id)
        assert profile is not None
        return profile.no_shows, profile.no_show_until

    calls = await harness.press(EWA, "Igor")
    assert "✅ Igor: present" in inline_labels(calls)
    assert (await record())[0] == 0
    calls = await harness.press(EWA, "Igor")
    assert "❌ Igor: absent" in inline_labels(calls)
    no_shows, until = await record()
    assert no_shows == 1
    assert until == harness.clock() + timedelta(days=30)
    calls = await harness.send(EWA, "/panel")
    assert "⚠️ No-show records: 1" in inline_labels(calls)
    await harness.press(EWA, "Igor")
    assert await record() == (0, None), "the mark was a mistake"

    await harness.press(EWA, "Igor")
    harness.clock.advance(seconds=(SOUP_DAY + timedelta(hours=3) - harness.clock()).total_seconds())
    calls = await harness.send(EWA, "/stats")
    assert "Attendance marked: 0 came, 1 did not come" in joined(calls)
    signup = await db.scalar(select(Signup).where(Signup.user_id == igor_id))
    assert signup is not None
    assert signup.status == SignupStatus.CONFIRMED
