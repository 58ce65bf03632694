"""The outbox and its sender: leases, Telegram's errors, pacing, several senders."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import OutboxMessage
from bot.db.unit_of_work import unit_of_work
from bot.notify.sender import HEADROOM, OutboxSender, Pacer
from bot.services.messaging import outbox
from bot.services.people.users import get_person, register_contact
from tests.conftest import TOKEN
from tests.fakes.session import RecordingSession
from tests.harness import START, FakeClock, FakeTimer, Harness, Person, drain, instant_pacer, joined
from tests.helpers import onboard, stored

METHOD = SendMessage(chat_id=1, text="x")


def sender_for(
    session_factory: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    recording: RecordingSession,
    pacer: Pacer | None = None,
) -> OutboxSender:
    return OutboxSender(
        Bot(TOKEN, session=recording),
        session_factory,
        clock,
        pacer or instant_pacer(),
        batch=10,
        lease=timedelta(seconds=60),
    )


async def queue(db: AsyncSession, count: int, chat_base: int = 1000) -> None:
    notices = [outbox.Notice(chat_base + n, f"message {n}", "test") for n in range(count)]
    await outbox.queue(db, notices, now=START)
    await db.commit()


async def statuses(db: AsyncSession) -> Counter[str]:
    db.expire_all()
    return Counter(await db.scalars(select(OutboxMessage.status)))


async def test_everything_queued_is_sent_once(db: AsyncSession, session_factory) -> None:
    await queue(db, 25)
    recording = RecordingSession()
    await drain(sender_for(session_factory, FakeClock(START), recording))
    texts = [r.text for r in recording.requests if isinstance(r, SendMessage)]
    assert sorted(texts) == sorted(f"message {n}" for n in range(25))
    assert await statuses(db) == {"sent": 25}


async def test_a_crashed_senders_lease_runs_out_and_the_message_goes_again(
    db: AsyncSession, session_factory
) -> None:
    await queue(db, 3)
    async with unit_of_work(session_factory) as session:
        taken = await outbox.claim(session, START, limit=2, lease=timedelta(seconds=60))
    assert len(taken) == 2, "a sender took two and then died without a word"
    clock = FakeClock(START)
    recording = RecordingSession()
    sender = sender_for(session_factory, clock, recording)
    await drain(sender)
    assert len(recording.requests) == 1, "the leased two wait for their lease"
    clock.advance(seconds=61)
    await drain(sender)
    assert len(recording.requests) == 3
    assert await statuses(db) == {"sent": 3}


async def test_dedupe_key_queues_once_without_spoiling_the_transaction(db: AsyncSession) -> None:
    reminder = outbox.Notice(1, "a", "reminder", dedupe_key="r:1")
    await outbox.queue(db, [reminder], now=START)
    await db.commit()
    await outbox.queue(db, [reminder, outbox.Notice(2, "b", "test")], now=START)
    await db.commit()
    assert await statuses(db) == {"pending": 2}, "the repeat was skipped, the other kept"


async def test_queue_never_commits(db: AsyncSession, session_factory) -> None:
    await outbox.queue(db, [outbox.Notice(1, "a", "test")], now=START)
    await db.rollback()
    assert await statuses(db) == {}


async def test_429_waits_as_told(db: AsyncSession, session_factory) -> None:
    await queue(db, 1)
    recording = RecordingSession()
    recording.failures[1000] = [
        TelegramRetryAfter(method=METHOD, message="Too Many Requests", retry_after=7)
    ]
    clock = FakeClock(START)
    timer = FakeTimer()
    sender = sender_for(session_factory, clock, recording, instant_pacer(timer))
    await drain(sender)
    assert await statuses(db) == {"pending": 1}
    clock.advance(seconds=6)
    await drain(sender)
    assert await statuses(db) == {"pending": 1}, "not before retry_after"
    clock.advance(seconds=2)
    await drain(sender)
    assert await statuses(db) == {"sent": 1}
    assert timer.sleeps == [7], "the sender paused as long as Telegram asked, on the timer"


async def test_5xx_backs_off_then_gives_up(db: AsyncSession, session_factory) -> None:
    await queue(db, 1)
    recording = RecordingSession()
    recording.failures[1000] = [
        TelegramServerError(method=METHOD, message="Bad Gateway")
        for _ in range(outbox.MAX_ATTEMPTS)
    ]
    clock = FakeClock(START)
    sender = sender_for(session_factory, clock, recording)
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS):
        await drain(sender)
        due = await db.scalar(select(OutboxMessage.due_at))
        db.expire_all()
        delays.append((due - clock()).total_seconds())
        clock.now = due
    assert delays[:4] == [2, 4, 8, 16], "exponential backoff"
    assert await statuses(db) == {"failed": 1}
    row = await db.scalar(select(OutboxMessage))
    assert "Bad Gateway" in row.last_error


async def test_403_marks_the_person_unreachable(db: AsyncSession, session_factory) -> None:
    user = await register_contact(db, 1000, START)
    await queue(db, 1)
    later = outbox.Notice(1000, "second", "test", due_at=START + timedelta(hours=1))
    await outbox.queue(db, [later], now=START)
    await db.commit()
    recording = RecordingSession()
    recording.failures[1000] = [
        TelegramForbiddenError(method=METHOD, message="Forbidden: bot was blocked by the user")
    ]
    await drain(sender_for(session_factory, FakeClock(START), recording))
    assert await statuses(db) == {"blocked": 2}, "the queued one is not tried either"
    assert (await get_person(db, user.id)).blocked_at == START


async def test_400_is_recorded_as_failed(db: AsyncSession, session_factory) -> None:
    await queue(db, 1)
    recording = RecordingSession()
    recording.failures[1000] = [
        TelegramBadRequest(method=METHOD, message="Bad Request: chat not found")
    ]
    await drain(sender_for(session_factory, FakeClock(START), recording))
    assert await statuses(db) == {"failed": 1}


async def test_a_person_who_comes_back_is_reachable_again(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    await onboard(harness, anna)
    await harness.bot_status(anna, blocked=True)
    assert (await stored(db, anna)).blocked_at is not None
    assert "Sąsiad pomaga" in joined(await harness.send(anna, "/help"))
    assert (await stored(db, anna)).blocked_at is None


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_pacer_spaces_sends_overall_and_per_chat() -> None:
    time = FakeTime()
    pacer = Pacer(rate=25, per_chat=1.0, monotonic=time.monotonic, sleep=time.sleep)
    starts = []
    for chat in range(50):
        await pacer.wait_turn(chat)
        starts.append(time.now)
    assert starts[-1] == pytest.approx(49 / (25 * HEADROOM)), "50 sends: about two seconds"
    assert not pacer.chat_ready(49)
    time.now += 1.0
    assert pacer.chat_ready(49), "one second later the chat may get another"


async def test_429_pauses_the_pacer() -> None:
    time = FakeTime()
    pacer = Pacer(rate=25, per_chat=0, monotonic=time.monotonic, sleep=time.sleep)
    pacer.pause(5)
    await pacer.wait_turn(1)
    assert time.now == pytest.approx(5)


async def test_two_senders_never_send_the_same_message(db: AsyncSession, session_factory) -> None:
    await queue(db, 200)
    recording = RecordingSession()
    clock = FakeClock(START)
    first = sender_for(session_factory, clock, recording)
    second = sender_for(session_factory, clock, recording)
    await asyncio.gather(drain(first), drain(second))
    texts = Counter(r.text for r in recording.requests if isinstance(r, SendMessage))
    assert len(texts) == 200
    assert max(texts.values()) == 1
    assert await statuses(db) == {"sent": 200}


async def test_stopping_gives_unsent_messages_back_at_once(
    db: AsyncSession, session_factory
) -> None:
    """SIGTERM sets the stop event: the send under way finishes, the rest go back to the
    queue without waiting for their lease."""
    await queue(db, 5)
    stop = asyncio.Event()
    time = FakeTime()

    async def sleep_then_stop(seconds: float) -> None:
        await time.sleep(seconds)
        stop.set()

    pacer = Pacer(rate=1, per_chat=0, monotonic=time.monotonic, sleep=sleep_then_stop)
    recording = RecordingSession()
    sender = sender_for(session_factory, FakeClock(START), recording, pacer)
    await sender.drain_once(stop)
    assert len(recording.requests) == 2, "the first went at once, the second was under way"
    assert await statuses(db) == {"sent": 2, "pending": 3}
    leased = await db.scalar(
        select(OutboxMessage.claimed_until).where(OutboxMessage.status == "pending")
    )
    assert leased is None
