"""Users: registration, consent, language, intent and home place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import District, Place, User, VolunteerProfile
from bot.services.centres.places import get_place, managed_places
from bot.services.defaults import language_of
from bot.services.errors import DistrictNotInPlace, PlaceNotFound

FIRST_NAME_LIMIT = 64


class Intent(StrEnum):
    """What brought the user here; asked once during onboarding."""

    NEED_HELP = "need_help"
    WANT_TO_HELP = "want_to_help"
    STAY_INFORMED = "informed"


# Built once: this runs for every update, and building the statement cost a third of it.
_BY_TELEGRAM_ID = select(User).where(User.telegram_id == bindparam("telegram_id"))


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})


async def register_contact(session: AsyncSession, telegram_id: int, now: datetime) -> User:
    """Create the user with nothing but the Telegram id (all we may keep before consent).

    Safe against two first updates arriving at once: the unique id decides.
    """
    existing = await get_user(session, telegram_id)
    if existing is not None:
        return existing
    user = User(telegram_id=telegram_id, created_at=now)
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        found = await get_user(session, telegram_id)
        if found is None:
            raise
        return found
    return user


async def give_consent(
    session: AsyncSession, user: User, *, first_name: str, language: str, now: datetime
) -> None:
    """Record consent and, only from now on, the name and language."""
    user.consent_at = now
    user.first_name = first_name.strip()[:FIRST_NAME_LIMIT] or None
    user.language = language
    await session.flush()


async def set_language(session: AsyncSession, user: User, language: str) -> None:
    user.language = language
    await session.flush()


async def set_intent(session: AsyncSession, user: User, intent: Intent) -> None:
    user.intent = intent.value
    await session.flush()


async def set_home_place(
    session: AsyncSession, user: User, *, place_id: int, district_id: int | None
) -> None:
    """Set the user's place and district; the district must belong to that place."""
    if await get_place(session, place_id) is None:
        raise PlaceNotFound
    if district_id is not None:
        district = await session.get(District, district_id)
        if district is None or district.place_id != place_id:
            raise DistrictNotInPlace
    user.place_id = place_id
    user.district_id = district_id
    await session.flush()


async def set_reachable(
    session: AsyncSession, telegram_id: int, *, blocked_at: datetime | None
) -> None:
    """Remember that the user blocked the bot (a time) or unblocked it (None)."""
    await session.execute(
        update(User).where(User.telegram_id == telegram_id).values(blocked_at=blocked_at)
    )
    await session.flush()


PREFERENCES = ("task_reminders", "weekly_digest", "announcements")


async def set_preference(session: AsyncSession, user: User, name: str, wanted: bool) -> None:
    """Switch one of the PREFERENCES; anything else is refused (names come from buttons)."""
    if name not in PREFERENCES:
        raise ValueError(name)
    setattr(user, name, wanted)
    await session.flush()


@dataclass(frozen=True)
class SignedInPerson:
    """What the Mini App may know of the person signed in: plain data, no row."""

    first_name: str
    language: str
    centre: str | None
    volunteer: bool
    runs_centres: tuple[int, ...]


async def signed_in_person(session: AsyncSession, telegram_id: int) -> SignedInPerson | None:
    """The person behind a Mini App sign-in, once they agreed in the chat (as there,
    nothing is shown before consent); None otherwise."""
    user = await get_user(session, telegram_id)
    if user is None or not user.has_consented:
        return None
    centre = await session.get(Place, user.place_id) if user.place_id else None
    runs = await managed_places(session, user, is_admin=False)
    return SignedInPerson(
        first_name=user.first_name or "",
        language=language_of(user),
        centre=centre.name if centre else None,
        volunteer=await session.get(VolunteerProfile, user.id) is not None,
        runs_centres=tuple(runs),
    )
