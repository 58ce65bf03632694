"""Verification for sensitive tasks (entering a home, caring for someone vulnerable),
which holds for as long as the animator chose: 6, 12 or 24 months, or until revoked.

The animator is reminded a month before it lapses and the volunteer is told when it
has; each notice once per verification (`verification_notice`), so a renewal starts
the count again. Matching asks `verified_through` for the day of the task.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User, VolunteerProfile
from bot.db.unit_of_work import record
from bot.services.happened import VolunteerVerified
from bot.services.plain import Person, plain

HOLD_MONTHS: tuple[int, ...] = (6, 12, 24)
UNTIL_REVOKED = 0
REMIND_BEFORE = timedelta(days=30)
SOON = "soon"
LAPSED = "lapsed"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later; the 31st becomes the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def task_day_end(day: date | None, now: datetime) -> datetime:
    """The moment a verification must still hold for a task on `day` (any day: now)."""
    if day is None:
        return now
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=now.tzinfo)


def verified_through(profile: Any, moment: ColumnElement[datetime]) -> ColumnElement[bool]:
    """SQL: the verification of `profile` (the model or an alias of it) holds at `moment`."""
    return and_(
        profile.verified_at.is_not(None),
        or_(profile.verified_until.is_(None), profile.verified_until >= moment),
    )


async def verify(
    session: AsyncSession, user_id: int, now: datetime, months: int
) -> datetime | None:
    """The animator vouches for the volunteer for `months` (UNTIL_REVOKED: no end);
    returns when it lapses. The volunteer is told."""
    profile = await session.get(VolunteerProfile, user_id)
    volunteer = await session.get(User, user_id)
    if profile is None or volunteer is None:
        return None
    profile.verified_at = now
    profile.verified_until = add_months(now, months) if months != UNTIL_REVOKED else None
    profile.verification_notice = None
    record(session, VolunteerVerified(volunteer.id, profile.verified_until))
    await session.flush()
    return profile.verified_until


@dataclass(frozen=True)
class Lapse:
    """A verification that lapses soon (`lapsed` False) or has lapsed."""

    volunteer: Person
    until: datetime
    lapsed: bool


async def due_lapse_notices(session: AsyncSession, now: datetime) -> list[Lapse]:
    """Verifications whose notice is due now, marked as told in the same transaction."""
    rows = await session.execute(
        select(VolunteerProfile, User)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(
            VolunteerProfile.verified_at.is_not(None),
            VolunteerProfile.verified_until <= now + REMIND_BEFORE,
            or_(
                VolunteerProfile.verification_notice.is_(None),
                and_(
                    VolunteerProfile.verification_notice == SOON,
                    VolunteerProfile.verified_until <= now,
                ),
            ),
        )
        .order_by(VolunteerProfile.verified_until)
    )
    due = []
    for profile, volunteer in rows:
        assert profile.verified_until is not None
        lapsed = profile.verified_until <= now
        profile.verification_notice = LAPSED if lapsed else SOON
        due.append(Lapse(plain(Person, volunteer), profile.verified_until, lapsed))
    await session.flush()
    return due


@dataclass(frozen=True)
class Standing:
    """A volunteer in the panel's verification list: never verified (`until` None and
    `lapsed` True), lapsed, or lapsing within a month."""

    volunteer: Person
    until: datetime | None
    lapsed: bool


async def to_verify(
    session: AsyncSession, place_ids: list[int], now: datetime, limit: int
) -> list[Standing]:
    """Volunteers of these places who need the animator: never verified or lapsed first,
    then those whose verification lapses within a month."""
    rows = await session.execute(
        select(User, VolunteerProfile.verified_at, VolunteerProfile.verified_until)
        .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .where(
            User.place_id.in_(place_ids),
            VolunteerProfile.completed_at.is_not(None),
            or_(
                VolunteerProfile.verified_at.is_(None),
                VolunteerProfile.verified_until <= now + REMIND_BEFORE,
            ),
        )
        .order_by(
            VolunteerProfile.verified_until.is_not(None),
            VolunteerProfile.verified_until,
            VolunteerProfile.completed_at,
        )
        .limit(limit)
    )
    return [
        Standing(
            plain(Person, volunteer),
            until,
            verified_at is None or (until is not None and until <= now),
        )
        for volunteer, verified_at, until in rows
    ]
