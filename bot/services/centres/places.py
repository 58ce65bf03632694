"""Places (community centres) and their districts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import District, Membership, Place, User
from bot.services.defaults import TIMEZONE
from bot.services.errors import InvalidSlug, SlugTaken, TooManyDistricts, UnknownTimezone
from bot.services.plain import DistrictInfo, Person, PlaceInfo, PlaceWithDistricts, plain
from bot.services.text import clean_text

ORGANISATION_LIMIT = 200
NAME_LIMIT = 100
DISTRICT_LIMIT = 64
MAX_DISTRICTS = 60
ANIMATOR = "animator"

# Deep-link payloads allow A-Z a-z 0-9 _ - and 64 characters; "place-" takes 6.
_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# Letters NFKD does not decompose into ASCII.
_TRANSLITERATION = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "đ": "d"})


@dataclass(frozen=True)
class PlacePage:
    places: list[PlaceInfo]
    page: int
    pages: int


@dataclass(frozen=True)
class PlaceStats:
    residents: int
    animators: int


def suggest_slug(name: str) -> str:
    """A slug for a poster link made from the place's name: "MAL Żoliborz" -> "mal-zoliborz"."""
    ascii_name = (
        unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION))
        .encode("ascii", "ignore")
        .decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:40].rstrip("-")


def validate_slug(slug: str) -> str:
    candidate = slug.strip().lower()
    if not _SLUG_RE.match(candidate):
        raise InvalidSlug
    return candidate


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimezone from exc
    return name.strip()


def parse_districts(text: str) -> list[str]:
    """Districts typed as a comma- or line-separated list; duplicates dropped, order kept."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;\n]+", text):
        if part.strip():
            name = clean_text(part, limit=DISTRICT_LIMIT)
            seen.setdefault(name.casefold(), name)
    if len(seen) > MAX_DISTRICTS:
        raise TooManyDistricts(MAX_DISTRICTS)
    return list(seen.values())


async def slug_is_free(session: AsyncSession, slug: str) -> bool:
    return await session.scalar(select(Place.id).where(Place.slug == slug)) is None


async def create_place(
    session: AsyncSession,
    *,
    name: str,
    slug: str,
    districts: list[str],
    timezone: str,
    now: datetime,
    organisation: str | None = None,
) -> PlaceWithDistricts:
    """Add a place; every value is validated again here, whatever the caller checked.
    `organisation` (the NGO or city unit running it) is printed on certificates."""
    place = Place(
        name=clean_text(name, limit=NAME_LIMIT),
        organisation=clean_text(organisation, limit=ORGANISATION_LIMIT) if organisation else None,
        slug=validate_slug(slug),
        timezone=validate_timezone(timezone),
        created_at=now,
        districts=[District(name=d) for d in parse_districts(", ".join(districts))],
    )
    if not await slug_is_free(session, place.slug):
        raise SlugTaken
    session.add(place)
    await session.flush()
    return PlaceWithDistricts.of(place)


async def get_place(session: AsyncSession, place_id: int) -> PlaceWithDistricts | None:
    place = await session.scalar(
        select(Place).where(Place.id == place_id).options(selectinload(Place.districts))
    )
    return PlaceWithDistricts.of(place) if place is not None else None


async def place_info(session: AsyncSession, place_id: int | None) -> PlaceInfo | None:
    """A place without its districts (one row, where `get_place` reads them all)."""
    place = await session.get(Place, place_id) if place_id is not None else None
    return plain(PlaceInfo, place) if place is not None else None


async def place_exists(session: AsyncSession, place_id: int) -> bool:
    return await session.scalar(select(Place.id).where(Place.id == place_id)) is not None


# Built once: the request flow and /tasks ask for these on almost every step.
_TIMEZONE_OF = select(Place.timezone).where(Place.id == bindparam("place_id"))
_DISTRICTS_OF = (
    select(District).where(District.place_id == bindparam("place_id")).order_by(District.name)
)


async def timezone_of(session: AsyncSession, place_id: int | None, default: str) -> str:
    """The place's time zone, or `default` without a place: one column, where `get_place`
    would load the place and all its districts."""
    if place_id is None:
        return default
    return await session.scalar(_TIMEZONE_OF, {"place_id": place_id}) or default


async def districts_of(session: AsyncSession, place_id: int) -> list[DistrictInfo]:
    return [
        plain(DistrictInfo, d) for d in await session.scalars(_DISTRICTS_OF, {"place_id": place_id})
    ]


async def district_ref(session: AsyncSession, district_id: int) -> DistrictInfo | None:
    """Read once per session (one update, one job run): a request is checked, summarised
    and offered to a wave in one update, each naming the same district, and a list of
    tasks repeats it; it cannot change meanwhile. A plain value, so that a rollback,
    which expires ORM objects, cannot turn it into a lazy load."""
    known: dict[int, DistrictInfo | None] = session.info.setdefault("districts", {})
    if district_id not in known:
        district = await session.get(District, district_id)
        known[district_id] = plain(DistrictInfo, district) if district else None
    return known[district_id]


async def district_name(session: AsyncSession, district_id: int | None) -> str | None:
    """The name a request's summary shows (None for "the whole area")."""
    district = await district_ref(session, district_id) if district_id is not None else None
    return district.name if district is not None else None


async def get_place_by_slug(session: AsyncSession, slug: str) -> PlaceWithDistricts | None:
    place = await session.scalar(
        select(Place).where(Place.slug == slug.lower()).options(selectinload(Place.districts))
    )
    return PlaceWithDistricts.of(place) if place is not None else None


async def list_places(session: AsyncSession, *, page: int, per_page: int) -> PlacePage:
    """One page of places by name; a page past the end shows the last one."""
    total = await session.scalar(select(func.count(Place.id))) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    places = await session.scalars(
        select(Place).order_by(Place.name, Place.id).offset(page * per_page).limit(per_page)
    )
    return PlacePage(places=[plain(PlaceInfo, p) for p in places], page=page, pages=pages)


async def place_stats(session: AsyncSession, place_id: int) -> PlaceStats:
    residents = await session.scalar(
        select(func.count(User.id)).where(User.place_id == place_id, User.consent_at.is_not(None))
    )
    animators = await session.scalar(
        select(func.count(Membership.id)).where(
            Membership.place_id == place_id, Membership.role == ANIMATOR
        )
    )
    return PlaceStats(residents=residents or 0, animators=animators or 0)


async def places_run_by(session: AsyncSession, user_id: int) -> list[PlaceWithDistricts]:
    """Places where the user is an animator."""
    result = await session.scalars(
        select(Place)
        .join(Membership, Membership.place_id == Place.id)
        .where(Membership.user_id == user_id, Membership.role == ANIMATOR)
        .order_by(Place.name)
        .options(selectinload(Place.districts))
    )
    return [PlaceWithDistricts.of(place) for place in result]


async def place_animators(session: AsyncSession, place_id: int) -> list[Person]:
    result = await session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.place_id == place_id, Membership.role == ANIMATOR)
        .order_by(User.id)
    )
    return [plain(Person, user) for user in result]


async def user_timezone(session: AsyncSession, person: Person) -> str:
    """The zone of the person's centre, for the dates they read (Warsaw without one)."""
    return await timezone_of(session, person.place_id, TIMEZONE)


async def managed_places(session: AsyncSession, user: Person | None, is_admin: bool) -> list[int]:
    """Admins manage every place; animators the places they run; everyone else none."""
    if is_admin:
        return list(await session.scalars(select(Place.id)))
    if user is None:
        return []
    return list(
        await session.scalars(
            select(Membership.place_id).where(
                Membership.user_id == user.id, Membership.role == ANIMATOR
            )
        )
    )
