"""The matching job, run at chosen moments with a fake clock (never by waiting)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import Offer
from bot.runtime.app import build_sender
from bot.runtime.scheduler import build_scheduler, matching_tick
from bot.services.helping.offers import send_next_wave
from bot.services.leases import take_lease
from tests.conftest import TOKEN
from tests.fakes.session import RecordingSession
from tests.harness import START, FakeClock, drain, instant_pacer
from tests.helpers import add_place
from tests.volunteers import request, resident, volunteer


async def test_tick_sends_the_next_wave_after_offers_expire(
    settings: Settings,
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    db: AsyncSession,
) -> None:
    settings = settings.model_copy(update={"offer_wave_size": 1, "offer_lifetime_minutes": 60})
    place_id = await add_place(db)
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id)
    await volunteer(db, 11, place_id)
    req = await request(db, zofia, district=None)
    first = await send_next_wave(db, req, START, settings.matching())
    recording = RecordingSession()
    bot = Bot(TOKEN, session=recording)
    clock = FakeClock(START)
    sender = build_sender(bot, session_factory, clock, settings, instant_pacer())

    clock.advance(minutes=59)
    await matching_tick(i18n, session_factory, clock, settings)
    await drain(sender)
    assert recording.requests == [], "the offer is still fresh"

    clock.advance(minutes=2)
    await matching_tick(i18n, session_factory, clock, settings)
    await drain(sender)
    sent = [r for r in recording.requests if isinstance(r, SendMessage)]
    assert len(sent) == 1
    assert sent[0].chat_id != first.offers[0].volunteer.telegram_id, "a new person is asked"
    assert "Sąsiad potrzebuje pomocy. Czy możesz pomóc?" in sent[0].text


def test_scheduler_has_the_matching_job(
    settings: Settings, i18n: I18n, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    scheduler = build_scheduler(i18n, session_factory, FakeClock(START), settings)
    job = scheduler.get_job("matching")
    assert job is not None
    assert job.trigger.interval.total_seconds() == settings.matching_interval_seconds


async def test_two_workers_one_tick(
    settings: Settings,
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    db: AsyncSession,
) -> None:
    """Two processes tick at the same moment: one wave goes out, not two."""
    settings = settings.model_copy(update={"offer_wave_size": 1})
    place_id = await add_place(db)
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id)
    await volunteer(db, 11, place_id)
    await request(db, zofia, district=None)
    clock = FakeClock(START)
    await asyncio.gather(
        matching_tick(i18n, session_factory, clock, settings, holder="worker-a"),
        matching_tick(i18n, session_factory, clock, settings, holder="worker-b"),
    )
    assert await db.scalar(select(func.count(Offer.id))) == 1


async def test_a_lease_passes_on_when_it_runs_out(db: AsyncSession) -> None:
    ttl = timedelta(seconds=48)
    assert await take_lease(db, "matching", "a", START, ttl)
    assert not await take_lease(db, "matching", "b", START + timedelta(seconds=10), ttl)
    assert await take_lease(db, "matching", "a", START + timedelta(seconds=60), ttl), "own renewal"
    assert await take_lease(db, "matching", "b", START + timedelta(seconds=200), ttl)
