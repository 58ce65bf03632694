"""Volunteer profiles: talents, weekly availability, districts, languages, load and pauses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    District,
    VolunteerDistrict,
    VolunteerLanguage,
    VolunteerProfile,
    VolunteerSlot,
    VolunteerTalent,
)
from bot.services.defaults import language_of
from bot.services.errors import DistrictNotInPlace, EmptyValue, ServiceError
from bot.services.people.talents import SLOTS, SPOKEN_LANGUAGES, TALENTS
from bot.services.plain import Person
from bot.services.text import clean_text
from bot.services.when import parse_day

OTHER_TALENTS_LIMIT = 200
WEEKLY_CAPS: tuple[int, ...] = (1, 2, 3, 5, 10)


class ProfileIncomplete(ServiceError):
    """The profile cannot be offered tasks yet; `missing` names the parts to fill."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class ProfileView:
    user_id: int
    talents: frozenset[str]
    other_talents: str | None
    slots: frozenset[int]
    district_ids: frozenset[int]
    languages: frozenset[str]
    max_tasks_per_week: int
    completed: bool
    paused: bool
    paused_until: datetime | None
    verified: bool
    no_show_until: datetime | None

    def is_paused(self, now: datetime) -> bool:
        return self.paused or (self.paused_until is not None and self.paused_until > now)


async def ensure_profile(session: AsyncSession, user: Person, now: datetime) -> ProfileView:
    """Open the profile, creating it with sensible defaults on first use: the user's
    language, and their home district."""
    profile = await session.get(VolunteerProfile, user.id)
    if profile is None:
        session.add(VolunteerProfile(user_id=user.id, created_at=now))
        await session.flush()
        session.add(VolunteerLanguage(user_id=user.id, language=language_of(user)))
        if user.district_id is not None:
            session.add(VolunteerDistrict(user_id=user.id, district_id=user.district_id))
        await session.flush()
    view = await get_profile(session, user.id)
    assert view is not None
    return view


async def get_profile(session: AsyncSession, user_id: int) -> ProfileView | None:
    profile = await session.get(VolunteerProfile, user_id, populate_existing=True)
    if profile is None:
        return None

    async def values(column: Any, model: Any) -> frozenset[Any]:
        return frozenset(await session.scalars(select(column).where(model.user_id == user_id)))

    return ProfileView(
        user_id=user_id,
        talents=await values(VolunteerTalent.code, VolunteerTalent),
        other_talents=profile.other_talents,
        slots=await values(VolunteerSlot.slot, VolunteerSlot),
        district_ids=await values(VolunteerDistrict.district_id, VolunteerDistrict),
        languages=await values(VolunteerLanguage.language, VolunteerLanguage),
        max_tasks_per_week=profile.max_tasks_per_week,
        completed=profile.completed_at is not None,
        paused=profile.paused,
        paused_until=profile.paused_until,
        verified=profile.verified_at is not None,
        no_show_until=profile.no_show_until,
    )


async def _choose(
    session: AsyncSession, model: Any, user_id: int, chosen: bool, **key: Any
) -> None:
    """Chosen or not, whatever it was: a press handled twice (after a crash between its
    commit and its end) changes nothing the second time, where a toggle undid itself."""
    column, value = next(iter(key.items()))
    found = await session.scalar(
        select(model).where(model.user_id == user_id, getattr(model, column) == value)
    )
    if chosen and found is None:
        session.add(model(user_id=user_id, **key))
    elif not chosen and found is not None:
        await session.delete(found)
    await session.flush()


async def choose_talent(session: AsyncSession, user_id: int, code: str, chosen: bool) -> None:
    if code not in TALENTS:
        raise ValueError(code)
    await _choose(session, VolunteerTalent, user_id, chosen, code=code)


async def choose_slot(session: AsyncSession, user_id: int, slot: int, chosen: bool) -> None:
    if slot not in SLOTS:
        raise ValueError(slot)
    await _choose(session, VolunteerSlot, user_id, chosen, slot=slot)


async def choose_language(session: AsyncSession, user_id: int, language: str, chosen: bool) -> None:
    if language not in SPOKEN_LANGUAGES:
        raise ValueError(language)
    await _choose(session, VolunteerLanguage, user_id, chosen, language=language)


async def choose_district(
    session: AsyncSession, user_id: int, district_id: int, place_id: int | None, chosen: bool
) -> None:
    """Volunteers help in the districts of their own place only."""
    district = await session.get(District, district_id)
    if district is None or district.place_id != place_id:
        raise DistrictNotInPlace
    await _choose(session, VolunteerDistrict, user_id, chosen, district_id=district_id)


async def _existing(session: AsyncSession, user_id: int) -> VolunteerProfile:
    profile = await session.get(VolunteerProfile, user_id)
    if profile is None:
        raise EmptyValue
    return profile


async def set_other_talents(session: AsyncSession, user_id: int, text: str) -> None:
    profile = await _existing(session, user_id)
    profile.other_talents = clean_text(text, limit=OTHER_TALENTS_LIMIT)
    await session.flush()


async def set_weekly_cap(session: AsyncSession, user_id: int, cap: int) -> None:
    if cap not in WEEKLY_CAPS:
        raise ValueError(cap)
    profile = await _existing(session, user_id)
    profile.max_tasks_per_week = cap
    await session.flush()


def missing_parts(view: ProfileView, place_has_districts: bool) -> list[str]:
    """What a profile still needs before tasks can be offered."""
    missing = []
    if not view.talents and not view.other_talents:
        missing.append("talents")
    if not view.slots:
        missing.append("availability")
    if place_has_districts and not view.district_ids:
        missing.append("districts")
    if not view.languages:
        missing.append("languages")
    return missing


async def complete_profile(
    session: AsyncSession, user_id: int, *, place_has_districts: bool, now: datetime
) -> bool:
    """Mark the profile ready for offers; True the first time (a moment for reverse matching)."""
    view = await get_profile(session, user_id)
    if view is None:
        raise ProfileIncomplete(["talents", "availability", "languages"])
    missing = missing_parts(view, place_has_districts)
    if missing:
        raise ProfileIncomplete(missing)
    profile = await session.get(VolunteerProfile, user_id)
    assert profile is not None
    first = profile.completed_at is None
    if first:
        profile.completed_at = now
        await session.flush()
    return first


async def pause(session: AsyncSession, user_id: int, until: datetime | None) -> None:
    """Stop offers until a moment, or until /resume when `until` is None."""
    profile = await _existing(session, user_id)
    profile.paused = until is None
    profile.paused_until = until
    await session.flush()


async def resume(session: AsyncSession, user_id: int) -> None:
    profile = await _existing(session, user_id)
    profile.paused = False
    profile.paused_until = None
    await session.flush()


async def clear_no_show(session: AsyncSession, user_id: int) -> None:
    profile = await _existing(session, user_id)
    profile.no_show_until = None
    await session.flush()


async def record_no_show(session: AsyncSession, user_id: int, now: datetime) -> None:
    """A volunteer did not come (to a task or an event date): they rank lower until the
    record is forgiven after `NO_SHOW_MEMORY`, or by an animator. Someone without a
    volunteer profile has no record to keep."""
    profile = await session.get(VolunteerProfile, user_id)
    if profile is not None:
        profile.no_shows += 1
        profile.no_show_until = now + NO_SHOW_MEMORY


async def withdraw_no_show(session: AsyncSession, user_id: int) -> None:
    """The record was a mistake (an animator corrected a mark): it no longer counts."""
    profile = await session.get(VolunteerProfile, user_id)
    if profile is not None and profile.no_shows > 0:
        profile.no_shows -= 1
        profile.no_show_until = None


MAX_PAUSE = timedelta(days=366)
NO_SHOW_MEMORY = timedelta(days=30)


def pause_end(text: str, now: datetime, timezone: str) -> datetime | None:
    """When a pause typed as "14" (days), "24.12", "24.12.2026" or "2026-12-24" ends:
    the start of that day in the place's zone. None when it is not such a value, or is
    not in the coming year."""
    local = now.astimezone(ZoneInfo(timezone))
    value = text.strip()
    if value.isdigit():
        end: date | None = local.date() + timedelta(days=int(value))
    else:
        end = parse_day(value, local.date() + timedelta(days=1))
    if end is None:
        return None
    start = datetime.combine(end, time(0), tzinfo=ZoneInfo(timezone))
    if not now < start <= now + MAX_PAUSE:
        return None
    return start
