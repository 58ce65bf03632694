"""Task reminders: due from the database at each tick, each exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import District, HelpRequest, Membership, OutboxMessage, User
from bot.db.statuses import RequestStatus
from bot.runtime.scheduler import build_scheduler, daily_summary_job, digest_job, reminder_tick
from bot.services.helping.offers import MatchingConfig, accept_offer, send_next_wave
from bot.services.initiatives.events import EventDraft, submit_event
from bot.services.people.talents import AFTERNOON
from tests.harness import FakeClock, Harness, Person, alerts, joined
from tests.helpers import add_place, onboard
from tests.volunteers import request, resident, volunteer

ACCEPTED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Warsaw
TASK_DAY = date(2026, 11, 25)  # Wednesday afternoon: 12:00 Warsaw = 11:00 UTC
START = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


@pytest.fixture
async def task(db: AsyncSession) -> HelpRequest:
    place_id = await add_place(db)
    marymont = await db.scalar(select(District.id).where(District.name == "Marymont"))
    zofia = await resident(db, 1, place_id)
    helper = await volunteer(db, 10, place_id)
    req = await request(db, zofia, district=marymont, day=TASK_DAY, part=AFTERNOON, now=ACCEPTED)
    outcome = await send_next_wave(db, req, ACCEPTED, MatchingConfig())
    await accept_offer(db, outcome.offers[0].offer_id, helper.id, ACCEPTED)
    return req


async def tick(
    at: datetime, i18n: I18n, session_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await reminder_tick(i18n, session_factory, FakeClock(at), settings)


async def reminders(db: AsyncSession) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        await db.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id)
        )
    )


async def test_the_day_before_asks_if_coming_then_two_hours_before_reminds(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    """The "are you still coming?" question stands in for the 24-hour reminder."""
    await tick(START - timedelta(hours=25), i18n, session_factory, settings)
    assert await outbox_of(db, "confirm") == []
    await tick(START - timedelta(hours=24), i18n, session_factory, settings)
    await tick(START - timedelta(hours=23), i18n, session_factory, settings)
    [day_before] = await outbox_of(db, "confirm")
    assert day_before.text.startswith("Czy przyjdziesz, jak było umówione — środa, 25 listopada")
    assert "ul. Krasińskiego" in day_before.text, "the volunteer has the address"
    assert await reminders(db) == [], "no second message at the same moment"
    await tick(START - timedelta(hours=2), i18n, session_factory, settings)
    await tick(START - timedelta(hours=1), i18n, session_factory, settings)
    [two_hours] = await reminders(db)
    assert "za około 2 godziny" in two_hours.text


async def test_the_day_before_question_waits_out_the_night(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    """Due since 12:00, but the bot was down until 23:30: it goes out at 08:00, not now."""
    late = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    await tick(late, i18n, session_factory, settings)
    [queued] = await outbox_of(db, "confirm")
    assert queued.due_at == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


async def test_a_moved_task_moves_its_question(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    task.day = TASK_DAY + timedelta(days=1)
    await db.commit()
    await tick(START - timedelta(hours=24), i18n, session_factory, settings)
    assert await outbox_of(db, "confirm") == [], "the old time means nothing now"
    await tick(START, i18n, session_factory, settings)
    assert len(await outbox_of(db, "confirm")) == 1


async def test_a_cancelled_task_has_no_reminders(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    task.status = RequestStatus.CANCELLED
    await db.commit()
    await tick(START - timedelta(hours=2), i18n, session_factory, settings)
    assert await reminders(db) == []


async def test_follow_up_when_not_marked_done(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    await tick(START + timedelta(hours=25), i18n, session_factory, settings)
    await tick(START + timedelta(hours=26), i18n, session_factory, settings)
    [follow_up] = await reminders(db)
    assert "Czy to zadanie się odbyło?" in follow_up.text


async def test_volunteers_can_turn_reminders_off(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    helper = await db.get(User, task.volunteer_id)
    helper.task_reminders = False
    await db.commit()
    await tick(START - timedelta(hours=2), i18n, session_factory, settings)
    assert await reminders(db) == []


async def test_settings_toggle(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/settings")
    assert "Przypomnienia przed zadaniami: włączone" in joined(calls)
    calls = await harness.press(anna, "Wyłącz przypomnienia")
    assert "Przypomnienia przed zadaniami: wyłączone" in joined(calls)
    user = await db.scalar(select(User).where(User.telegram_id == anna.id))
    await db.refresh(user)
    assert user.task_reminders is False


async def outbox_of(db: AsyncSession, kind: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


async def test_weekly_digest_once_a_week_and_only_with_news(
    db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    place_id = await add_place(db)
    marymont = await db.scalar(select(District.id).where(District.name == "Marymont"))
    helper = await volunteer(db, 10, place_id)
    helper_chat = helper.telegram_id
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    await digest_job(i18n, session_factory, FakeClock(monday), settings)
    assert await outbox_of(db, "digest") == [], "nothing fits: no empty digest"
    zofia = await resident(db, 1, place_id)
    await request(
        db, zofia, district=marymont, description="Zakupy dla sąsiadki z trzeciego piętra"
    )
    await digest_job(i18n, session_factory, FakeClock(monday), settings)
    await digest_job(i18n, session_factory, FakeClock(monday + timedelta(hours=1)), settings)
    [digest] = await outbox_of(db, "digest")
    assert digest.chat_id == helper_chat
    assert "Zakupy dla sąsiadki" in digest.text
    await db.refresh(helper)
    helper.weekly_digest = False
    await db.commit()
    await digest_job(i18n, session_factory, FakeClock(monday + timedelta(days=7)), settings)
    assert len(await outbox_of(db, "digest")) == 1, "turned off"


async def test_daily_summary_for_animators(
    task: HelpRequest, db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    animator = await resident(db, 2, task.place_id)
    db.add(
        Membership(
            user_id=animator.id, place_id=task.place_id, role="animator", created_at=ACCEPTED
        )
    )
    await db.commit()
    morning = ACCEPTED + timedelta(hours=22)
    await daily_summary_job(i18n, session_factory, FakeClock(morning), settings)
    await daily_summary_job(
        i18n, session_factory, FakeClock(morning + timedelta(minutes=5)), settings
    )
    animator_chat = animator.telegram_id
    [summary] = await outbox_of(db, "summary")
    assert summary.chat_id == animator_chat
    assert (
        "<b>MAL Żoliborz</b>: nowe prośby 1, czekające 0 (u Ciebie: 0), zrealizowane 0, "
        "godziny wolontariatu 0" in summary.text
    )


def test_scheduler_has_all_timed_jobs(settings: Settings, i18n: I18n, session_factory) -> None:
    scheduler = build_scheduler(i18n, session_factory, FakeClock(ACCEPTED), settings)
    assert {job.id for job in scheduler.get_jobs()} == {
        "matching",
        "reminders",
        "events",
        "digest",
        "daily_summary",
        "conversations",
        "verifications",
    }
    digest = scheduler.get_job("digest")
    assert str(digest.trigger) == "cron[day_of_week='mon', hour='9', minute='0']"


async def test_settings_digest_toggle_and_forged_name(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/settings")
    assert "Cotygodniowe podsumowanie próśb w okolicy: włączone" in joined(calls)
    calls = await harness.press(anna, "Wyłącz podsumowanie")
    assert "Cotygodniowe podsumowanie próśb w okolicy: wyłączone" in joined(calls)
    calls = await harness.press_data(anna, "set:blocked_at:1")
    assert alerts(calls) == ["Ten przycisk jest już nieaktywny."]


async def test_weekly_digest_lists_the_weeks_events_at_the_place(
    db: AsyncSession, i18n: I18n, session_factory, settings: Settings
) -> None:
    place_id = await add_place(db)
    helper_chat = (await volunteer(db, 10, place_id)).telegram_id
    animator = await resident(db, 2, place_id)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    for title, day in (("Kiermasz <zimowy>", 3), ("Wigilia sąsiedzka", 20)):
        draft = EventDraft(
            title=title,
            description="…",
            starts_at=monday + timedelta(days=day),
            location=None,
            capacity=None,
        )
        await submit_event(db, animator, place_id, draft, monday, publish=True)
    await digest_job(i18n, session_factory, FakeClock(monday), settings)
    [digest] = await outbox_of(db, "digest")
    assert digest.chat_id == helper_chat
    assert "W tym tygodniu w Twoim centrum" in digest.text
    assert "Kiermasz &lt;zimowy&gt;" in digest.text
    assert "Wigilia" not in digest.text, "only this week's"
    assert "proszą o pomoc" not in digest.text, "no requests: no request section"
