"""Shared steps for handler tests."""

from __future__ import annotations

from functools import cache

from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.i18n import build_i18n
from bot.notify.delivery import OutboxNotifier
from bot.services.places import create_place
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


def notifier(session: AsyncSession) -> OutboxNotifier:
    """The real notification layer over `session`, for tests that call services directly."""
    return OutboxNotifier(_i18n(), session, lambda: START)


@cache
def _i18n() -> I18n:
    return build_i18n("pl")
