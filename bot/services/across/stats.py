"""Statistics for animators and the municipality: counts only, never personal data."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    District,
    Event,
    HelpRequest,
    Occurrence,
    Offer,
    Place,
    Signup,
    User,
    VolunteerProfile,
)
from bot.db.statuses import (
    EventStatus,
    OccurrenceStatus,
    OfferStatus,
    RequestStatus,
    SignupStatus,
)

FINISHED = (RequestStatus.DONE, RequestStatus.CLOSED)
CSV_COLUMNS = (
    "place",
    "district",
    "month",
    "requests",
    "matched",
    "done",
    "median_minutes_to_match",
    "hours",
    "confirmed_coming",
    "released",
    "no_shows",
    "active_volunteers",
    "new_volunteers",
    "events",
    "participants",
    "came",
    "did_not_come",
)


@dataclass
class Row:
    place: str
    district: str
    month: str
    requests: int = 0
    matched: int = 0
    done: int = 0
    hours: float = 0.0
    minutes_to_match: list[float] = field(default_factory=list)
    # Turning up: volunteers who said "yes, I'll be there", handed a task back (or were
    # replaced by a standby), or did not come.
    confirmed: int = 0
    released: int = 0
    no_shows: int = 0
    active: set[int] = field(default_factory=set)
    new_volunteers: int = 0
    events: int = 0
    participants: int = 0
    # Attendance as the animators marked it.
    came: int = 0
    did_not_come: int = 0

    @property
    def median_minutes(self) -> float | None:
        return round(statistics.median(self.minutes_to_match), 1) if self.minutes_to_match else None


Table = dict[tuple[str, str, str], Row]


def _row(table: Table, place: str, district: str | None, month: str) -> Row:
    key = (place, district or "", month)
    return table.setdefault(key, Row(*key))


async def stats_table(session: AsyncSession, place_ids: list[int]) -> list[Row]:
    """Per place, district and month (in the place's zone), oldest first: requests,
    volunteers (active: took a task that month; new: finished their profile), hours,
    and events held with their participants (those have no district)."""
    table: Table = {}
    await _requests(session, place_ids, table)
    await _new_volunteers(session, place_ids, table)
    await _events(session, place_ids, table)
    return [table[key] for key in sorted(table, key=lambda k: (k[2], k[0], k[1]))]


def _offers_with(status: OfferStatus) -> ScalarSelect[int]:
    return (
        select(func.count(Offer.id))
        .where(Offer.request_id == HelpRequest.id, Offer.status == status)
        .scalar_subquery()
    )


async def _requests(session: AsyncSession, place_ids: list[int], table: Table) -> None:
    rows = await session.execute(
        select(
            HelpRequest,
            Place.name,
            Place.timezone,
            District.name,
            _offers_with(OfferStatus.HANDED_BACK),
            _offers_with(OfferStatus.NO_SHOW),
        )
        .join(Place, Place.id == HelpRequest.place_id)
        .outerjoin(District, District.id == HelpRequest.district_id)
        .where(HelpRequest.place_id.in_(place_ids))
    )
    for request, place, timezone, district, released, no_shows in rows:
        row = _row(table, place, district, local_month(request.created_at, timezone))
        row.requests += 1
        row.confirmed += request.coming_at is not None
        row.released += released
        row.no_shows += no_shows
        if request.accepted_at is not None:
            row.matched += 1
            row.minutes_to_match.append(
                (request.accepted_at - request.created_at).total_seconds() / 60
            )
            if request.volunteer_id is not None:
                _row(table, place, district, local_month(request.accepted_at, timezone)).active.add(
                    request.volunteer_id
                )
        if request.status in FINISHED:
            row.done += 1
            row.hours += request.hours or 0.0


async def _new_volunteers(session: AsyncSession, place_ids: list[int], table: Table) -> None:
    rows = await session.execute(
        select(VolunteerProfile.completed_at, Place.name, Place.timezone, District.name)
        .join(User, User.id == VolunteerProfile.user_id)
        .join(Place, Place.id == User.place_id)
        .outerjoin(District, District.id == User.district_id)
        .where(User.place_id.in_(place_ids), VolunteerProfile.completed_at.is_not(None))
    )
    for completed_at, place, timezone, district in rows:
        if completed_at is None:  # left out by the query; the column may be empty
            continue
        _row(table, place, district, local_month(completed_at, timezone)).new_volunteers += 1


async def _events(session: AsyncSession, place_ids: list[int], table: Table) -> None:
    rows = await session.execute(
        select(
            Occurrence.starts_at,
            Place.name,
            Place.timezone,
            _confirmed_signups(),
            _confirmed_signups(Signup.attended.is_(True)),
            _confirmed_signups(Signup.attended.is_(False)),
        )
        .join(Event, Event.id == Occurrence.event_id)
        .join(Place, Place.id == Event.place_id)
        .where(
            Event.place_id.in_(place_ids),
            Event.status == EventStatus.PUBLISHED,
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Occurrence.starts_at.is_not(None),
        )
    )
    for starts_at, place, timezone, people, came, did_not_come in rows:
        if starts_at is None:  # left out by the query; the column may be empty
            continue
        row = _row(table, place, None, local_month(starts_at, timezone))
        row.events += 1
        row.participants += people
        row.came += came
        row.did_not_come += did_not_come


def _confirmed_signups(*marked: ColumnElement[bool]) -> ScalarSelect[int]:
    return (
        select(func.count(Signup.id))
        .where(
            Signup.occurrence_id == Occurrence.id,
            Signup.status == SignupStatus.CONFIRMED,
            *marked,
        )
        .scalar_subquery()
    )


def month_totals(rows: list[Row], month: str) -> Row:
    total = Row("", "", month)
    for row in rows:
        if row.month == month:
            total.requests += row.requests
            total.matched += row.matched
            total.done += row.done
            total.hours += row.hours
            total.minutes_to_match += row.minutes_to_match
            total.active |= row.active
            total.new_volunteers += row.new_volunteers
            total.events += row.events
            total.participants += row.participants
            total.confirmed += row.confirmed
            total.released += row.released
            total.no_shows += row.no_shows
            total.came += row.came
            total.did_not_come += row.did_not_come
    return total


def local_month(now: datetime, timezone: str) -> str:
    return now.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")


def to_csv(rows: list[Row]) -> bytes:
    """UTF-8 with a BOM, so that spreadsheet programs open Polish names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.place,
                row.district,
                row.month,
                row.requests,
                row.matched,
                row.done,
                "" if row.median_minutes is None else row.median_minutes,
                f"{row.hours:g}",
                row.confirmed,
                row.released,
                row.no_shows,
                len(row.active),
                row.new_volunteers,
                row.events,
                row.participants,
                row.came,
                row.did_not_come,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
