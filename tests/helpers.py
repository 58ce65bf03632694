"""Shared steps for handler tests."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.models import User
from bot.db.unit_of_work import Teller, tell_what_happened
from bot.i18n import build_i18n
from bot.notify.teller import teller
from bot.services.centres.places import create_place
from tests.harness import START, Harness, Person


async def add_place(
    db: AsyncSession,
    name: str = "MAL Żoliborz",
    slug: str = "mal-zoliborz",
    districts: tuple[str, ...] = ("Marymont", "Sady Żoliborskie"),
) -> int:
    place = await create_place(
        db, name=name, slug=slug, districts=list(districts), timezone="Europe/Warsaw", now=START
    )
    return place.id


async def stored(db: AsyncSession, person: Person) -> User | None:
    db.expire_all()
    return await db.scalar(select(User).where(User.telegram_id == person.id))


async def onboard(harness: Harness, person: Person, start: str = "/start") -> None:
    """Sign up in Polish as someone who wants to stay informed, skipping the place if asked."""
    await harness.send(person, start)
    await harness.press(person, "Polski")
    await harness.press(person, "Zgadzam się")
    await harness.press(person, "Chcę być na bieżąco")


def real_teller(at: datetime = START) -> Teller:
    """The teller a unit of work of the running bot has (`bot.notify.teller`)."""
    return teller(_i18n(), lambda: at, Settings())


async def tell(session: AsyncSession, at: datetime = START) -> None:
    """Tell what services called directly on `session` recorded, as the unit of work does
    before it commits: the real teller queues the messages in the outbox."""
    await tell_what_happened(session, real_teller(at))


@cache
def _i18n() -> I18n:
    return build_i18n("pl")
