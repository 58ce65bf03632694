"""Statistics for animators and the municipality: counts only, never personal data."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import District, HelpRequest, Place
from bot.services.statuses import RequestStatus

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

    @property
    def median_minutes(self) -> float | None:
        return round(statistics.median(self.minutes_to_match), 1) if self.minutes_to_match else None


async def request_stats(session: AsyncSession, place_ids: list[int]) -> list[Row]:
    """Requests per place, district and month (in the place's zone), oldest first."""
    rows = await session.execute(
        select(HelpRequest, Place.name, Place.timezone, District.name)
        .join(Place, Place.id == HelpRequest.place_id)
        .outerjoin(District, District.id == HelpRequest.district_id)
        .where(HelpRequest.place_id.in_(place_ids))
    )
    table: dict[tuple[str, str, str], Row] = {}
    for request, place, timezone, district in rows:
        month = request.created_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")
        key = (place, district or "", month)
        row = table.setdefault(key, Row(*key))
        row.requests += 1
        if request.accepted_at is not None:
            row.matched += 1
            row.minutes_to_match.append(
                (request.accepted_at - request.created_at).total_seconds() / 60
            )
        if request.status in FINISHED:
            row.done += 1
            row.hours += request.hours or 0.0
    return [table[key] for key in sorted(table, key=lambda k: (k[2], k[0], k[1]))]


def month_totals(rows: list[Row], month: str) -> Row:
    total = Row("", "", month)
    for row in rows:
        if row.month == month:
            total.requests += row.requests
            total.matched += row.matched
            total.done += row.done
            total.hours += row.hours
            total.minutes_to_match += row.minutes_to_match
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
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
