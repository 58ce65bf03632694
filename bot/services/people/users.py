"""Users: registration, consent, language, intent and home place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import District, Place, User, VolunteerProfile
from bot.services.centres.places import managed_places, place_exists
from bot.services.defaults import language_of
from bot.services.errors import DistrictNotInPlace, PlaceNotFound
from bot.services.plain import Person, plain, stored

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


async def person_with_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    user = await get_user(session, telegram_id)
    return plain(Person, user) if user is not None else None


async def get_person(session: AsyncSession, user_id: int) -> Person | None:
    user = await session.get(User, user_id)
    return plain(Person, user) if user is not None else None


async def register_contact(session: AsyncSession, telegram_id: int, now: datetime) -> Person:
    """Create the user with nothing but the Telegram id (all we may keep before consent).

    Safe against two first updates arriving at once: the unique id decides.
    """
    existing = await get_user(session, telegram_id)
    if existing is not None:
        return plain(Person, existing)
    user = User(telegram_id=telegram_id, created_at=now)
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        found = await get_user(session, telegram_id)
        if found is None:
            raise
        return plain(Person, found)
    return plain(Person, user)


async def give_consent(
    session: AsyncSession, person: Person, *, first_name: str, language: str, now: datetime
) -> Person:
    """Record consent and, only from now on, the name and language."""
    user = await stored(session, User, person.id)
    user.consent_at = now
    user.first_name = first_name.strip()[:FIRST_NAME_LIMIT] or None
    user.language = language
    await session.flush()
    return plain(Person, user)


async def set_language(session: AsyncSession, person: Person, language: str) -> Person:
    user = await stored(session, User, person.id)
    user.language = language
    await session.flush()
    return plain(Person, user)


async def set_intent(session: AsyncSession, person: Person, intent: Intent) -> Person:
    user = await stored(session, User, person.id)
    user.intent = intent.value
    await session.flush()
    return plain(Person, user)


async def set_home_place(
    session: AsyncSession, person: Person, *, place_id: int, district_id: int | None
) -> Person:
    """Set the user's place and district; the district must belong to that place."""
    if not await place_exists(session, place_id):
        raise PlaceNotFound
    if district_id is not None:
        district = await session.get(District, district_id)
        if district is None or district.place_id != place_id:
            raise DistrictNotInPlace
    user = await stored(session, User, person.id)
    user.place_id = place_id
    user.district_id = district_id
    await session.flush()
    return plain(Person, user)


async def set_reachable(
    session: AsyncSession, telegram_id: int, *, blocked_at: datetime | None
) -> None:
    """Remember that the user blocked the bot (a time) or unblocked it (None)."""
    await session.execute(
        update(User).where(User.telegram_id == telegram_id).values(blocked_at=blocked_at)
    )
    await session.flush()


PREFERENCES = ("task_reminders", "weekly_digest", "announcements")


async def set_preference(session: AsyncSession, person: Person, name: str, wanted: bool) -> Person:
    """Switch one of the PREFERENCES; anything else is refused (names come from buttons)."""
    if name not in PREFERENCES:
        raise ValueError(name)
    user = await stored(session, User, person.id)
    setattr(user, name, wanted)
    await session.flush()
    return plain(Person, user)


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
    runs = await managed_places(session, plain(Person, user), is_admin=False)
    return SignedInPerson(
        first_name=user.first_name or "",
        language=language_of(user),
        centre=centre.name if centre else None,
        volunteer=await session.get(VolunteerProfile, user.id) is not None,
        runs_centres=tuple(runs),
    )
