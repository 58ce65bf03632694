"""Confirm or release: the day before, the volunteer is asked whether they still come;
"yes" settles it, "I can't" hands the task back (not a no-show), silence lets standbys
be asked while the volunteer keeps the task — through the real Dispatcher and the
reminder job, on the injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.models import (
    District,
    HelpRequest,
    Offer,
    OutboxMessage,
    Place,
    User,
    VolunteerProfile,
)
from bot.db.statuses import OfferStatus, RequestStatus
from bot.runtime.scheduler import reminder_tick
from bot.services.helping.offers import MatchingConfig, accept_offer, send_next_wave
from bot.services.people.talents import AFTERNOON
from tests.harness import FakeClock, Harness, Person, alerts, inline_labels, joined
from tests.helpers import add_place
from tests.test_help_flow import MAREK, english_volunteer
from tests.test_panel import EWA, make_animator
from tests.volunteers import request, resident

ZOFIA_CHAT = 1
JOLA = Person(id=300_010, first_name="Jola", language_code="en")
ACCEPTED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TASK_DAY = date(2026, 11, 25)  # Wednesday afternoon: 12:00 Warsaw = 11:00 UTC
START = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
ASKED = START - timedelta(hours=24)


@pytest.fixture
async def task(db: AsyncSession) -> int:
    """Marek accepted Zofia's shopping on Monday for Wednesday; Jola could stand in."""
    place_id = await add_place(db)
    marymont = await db.scalar(select(District.id).where(District.name == "Marymont"))
    zofia = await resident(db, ZOFIA_CHAT, place_id)
    marek = await english_volunteer(db, MAREK, place_id)
    req = await request(db, zofia, district=marymont, day=TASK_DAY, part=AFTERNOON, now=ACCEPTED)
    outcome = await send_next_wave(db, req, ACCEPTED, MatchingConfig(wave_size=1))
    await accept_offer(db, outcome.offers[0].offer_id, marek.id, ACCEPTED)
    await english_volunteer(db, JOLA, place_id)
    await db.commit()
    return req.id


async def sent(db: AsyncSession, chat_id: int, kind: str | None = None) -> list[str]:
    db.expire_all()
    query = select(OutboxMessage.text).where(OutboxMessage.chat_id == chat_id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(await db.scalars(query.order_by(OutboxMessage.id)))


class Ticks:
    def __init__(self, i18n: I18n, session_factory, settings: Settings) -> None:
        self.i18n, self.session_factory, self.settings = i18n, session_factory, settings

    async def at(self, moment: datetime) -> None:
        await reminder_tick(self.i18n, self.session_factory, FakeClock(moment), self.settings)


@pytest.fixture
def ticks(i18n: I18n, session_factory, settings: Settings) -> Ticks:
    return Ticks(i18n, session_factory, settings)


async def test_yes_settles_it_and_no_standby_is_asked(
    task: int, harness: Harness, db: AsyncSession, ticks: Ticks
) -> None:
    await ticks.at(ASKED - timedelta(minutes=5))
    assert await sent(db, MAREK.id, "confirm") == []
    await ticks.at(ASKED)
    await ticks.at(ASKED + timedelta(minutes=1))
    [question] = await sent(db, MAREK.id, "confirm")
    assert question.startswith("Are you still coming on Wednesday, 25 November, ☀️ Afternoon?")

    harness.clock.now = ASKED + timedelta(hours=1)
    calls = await harness.press_data(MAREK, f"task:coming:{task}:0")
    assert alerts(calls) == ["Thank you! The neighbour is counting on you."]
    calls = await harness.press_data(MAREK, f"task:coming:{task}:0")
    assert alerts(calls) == ["Thank you! The neighbour is counting on you."], "a double tap"
    await ticks.at(ASKED + timedelta(hours=5))
    assert await sent(db, JOLA.id, "offer") == [], "confirmed: nobody else is asked"


async def test_i_cant_hands_it_back_at_once_without_a_no_show(
    task: int, harness: Harness, db: AsyncSession, ticks: Ticks
) -> None:
    await ticks.at(ASKED)
    harness.clock.now = ASKED + timedelta(minutes=30)
    await harness.press_data(MAREK, f"task:handback:{task}:0")
    request = await db.get(HelpRequest, task, populate_existing=True)
    assert request.status == RequestStatus.OPEN
    assert request.volunteer_id is None
    assert (await sent(db, ZOFIA_CHAT))[-1].startswith(
        "Wolontariusz jednak nie może przyjść. Szukam kogoś innego."
    ), "told kindly, in her language"
    marek_id = await db.scalar(select(User.id).where(User.telegram_id == MAREK.id))
    marek = await db.get(VolunteerProfile, marek_id, populate_existing=True)
    assert marek.no_shows == 0, "saying so in time is not a no-show"
    assert await sent(db, JOLA.id, "offer"), "matching starts again"


async def test_silence_asks_a_standby_who_takes_it_over(
    task: int, harness: Harness, db: AsyncSession, ticks: Ticks
) -> None:
    await ticks.at(ASKED)
    told_zofia = len(await sent(db, ZOFIA_CHAT))
    await ticks.at(ASKED + timedelta(minutes=179))
    assert await sent(db, JOLA.id, "offer") == [], "still within the 180 minutes"
    await ticks.at(ASKED + timedelta(minutes=180))
    await ticks.at(ASKED + timedelta(minutes=181))
    [standby] = await sent(db, JOLA.id, "offer")
    assert standby.startswith("🙋 A neighbour may not make it. Could you step in?")
    assert len(await sent(db, ZOFIA_CHAT)) == told_zofia, "the resident is not bothered"
    request = await db.get(HelpRequest, task, populate_existing=True)
    assert request.status == RequestStatus.MATCHED, "Marek keeps it meanwhile"

    offer_id = await db.scalar(select(Offer.id).where(Offer.status == OfferStatus.PENDING))
    harness.clock.now = ASKED + timedelta(hours=4)
    calls = await harness.press_data(JOLA, f"offer:accept:{offer_id}")
    assert "The task is yours" in " ".join(getattr(c, "text", "") or "" for c in calls)
    request = await db.get(HelpRequest, task, populate_existing=True)
    jola = await db.scalar(select(Offer.volunteer_id).where(Offer.id == offer_id))
    assert request.volunteer_id == jola
    assert request.coming_at is not None, "a standby who steps in has just said yes"
    assert (await sent(db, MAREK.id))[-1].startswith(
        "Thank you! Another neighbour has stepped in for this task"
    )
    calls = await harness.press_data(MAREK, f"task:coming:{task}:0")
    assert alerts(calls) == ["This task is no longer yours."]

    await make_animator(db, harness, EWA, await db.scalar(select(Place.id)))
    stats = joined(await harness.send(EWA, "/stats"))
    assert "This month (November 2026)" in stats
    assert "Said they are coming: 1\nHanded back: 1\nDid not come: 0" in stats


async def test_a_late_yes_keeps_the_task_and_the_standby_is_thanked(
    task: int, harness: Harness, db: AsyncSession, ticks: Ticks
) -> None:
    await ticks.at(ASKED)
    await ticks.at(ASKED + timedelta(hours=3))
    offer_id = await db.scalar(select(Offer.id).where(Offer.status == OfferStatus.PENDING))
    harness.clock.now = ASKED + timedelta(hours=3, minutes=10)
    await harness.press_data(MAREK, f"task:coming:{task}:0")
    calls = await harness.press_data(JOLA, f"offer:accept:{offer_id}")
    assert alerts(calls) == ["Someone was faster. Thank you for wanting to help!"]
    request = await db.get(HelpRequest, task, populate_existing=True)
    marek = await db.scalar(select(User.id).where(User.telegram_id == MAREK.id))
    assert request.volunteer_id == marek
    assert request.coming_at is not None


async def test_no_question_for_a_task_accepted_after_the_moment(
    db: AsyncSession, ticks: Ticks
) -> None:
    place_id = await add_place(db)
    zofia = await resident(db, ZOFIA_CHAT, place_id)
    marek = await english_volunteer(db, MAREK, place_id)
    late = START - timedelta(hours=10)
    req = await request(db, zofia, day=TASK_DAY, part=AFTERNOON, now=late)
    outcome = await send_next_wave(db, req, late, MatchingConfig(wave_size=1))
    await accept_offer(db, outcome.offers[0].offer_id, marek.id, late)
    await db.commit()
    await ticks.at(late + timedelta(minutes=1))
    await ticks.at(START - timedelta(hours=3))
    assert await sent(db, MAREK.id, "confirm") == [], "they have just said yes"


async def test_the_animator_sees_who_has_not_confirmed(
    task: int, harness: Harness, db: AsyncSession, ticks: Ticks
) -> None:
    place_id = await db.scalar(select(HelpRequest.place_id).where(HelpRequest.id == task))
    await make_animator(db, harness, EWA, place_id)
    calls = await harness.send(EWA, "/panel")
    assert "❔ Not confirmed yet: 0" in inline_labels(calls)
    await ticks.at(ASKED)
    harness.clock.now = ASKED + timedelta(hours=1)
    await harness.send(EWA, "/panel")
    calls = await harness.press(EWA, "❔ Not confirmed yet: 1")
    assert "❔ Marek has not confirmed yet:" in joined(calls)
    await harness.press_data(MAREK, f"task:coming:{task}:0")
    await harness.send(EWA, "/panel")
    calls = await harness.press(EWA, "❔ Not confirmed yet: 0")
    assert "Every volunteer asked has confirmed." in joined(calls)


async def test_a_question_held_overnight_gives_its_three_hours_from_the_morning(
    task: int, db: AsyncSession, ticks: Ticks
) -> None:
    """The bot was down until 23:30: the question waits for 08:00, and nobody is asked to
    stand in during the night before the volunteer could even read it."""
    late = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    await ticks.at(late)
    [due_at] = await db.scalars(select(OutboxMessage.due_at).where(OutboxMessage.kind == "confirm"))
    assert due_at == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    await ticks.at(late + timedelta(hours=4))
    assert await sent(db, JOLA.id, "offer") == [], "three hours after the night tick: asleep"
    await ticks.at(datetime(2026, 11, 25, 8, 59, tzinfo=UTC))
    assert await sent(db, JOLA.id, "offer") == [], "within the morning's answer time"
    await ticks.at(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert len(await sent(db, JOLA.id, "offer")) == 1, "two hours before: standby asked"


@pytest.mark.parametrize(
    ("answer", "figures"),
    [
        ("coming", "Said they are coming: 1\nHanded back: 0\nDid not come: 0"),
        ("handback", "Said they are coming: 0\nHanded back: 1\nDid not come: 0"),
    ],
)
async def test_the_animators_statistics_count_who_said_yes_and_who_handed_back(
    task: int, harness: Harness, db: AsyncSession, ticks: Ticks, answer: str, figures: str
) -> None:
    place_id = await db.scalar(select(Place.id))
    await make_animator(db, harness, EWA, place_id)
    await ticks.at(ASKED)
    harness.clock.now = ASKED + timedelta(minutes=30)
    await harness.press_data(MAREK, f"task:{answer}:{task}:0")
    assert figures in joined(await harness.send(EWA, "/stats"))
