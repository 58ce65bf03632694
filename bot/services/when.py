"""Dates and times as people type them: "24.12", "24.12.2026", "2026-12-24", and for
events a time after the day ("24.12 18:00", "24.12 18.30")."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

_DAY_MONTH = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_day(value: str, today: date) -> date | None:
    """A day; without a year the next such day from `today` on (so "5.01" typed in
    December means January). None when it is not a date."""
    value = value.strip()
    if match := _DAY_MONTH.match(value):
        day, month, year = int(match[1]), int(match[2]), int(match[3] or today.year)
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if match[3] is None and found < today:
            found = found.replace(year=year + 1)
        return found
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: str) -> time | None:
    match = _TIME.match(value.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def parse_moment(text: str, now: datetime, timezone: str) -> datetime | None:
    """ "24.12 18:00" in the place's zone; None unless it is a day and a time in the future."""
    words = text.split()
    if len(words) != 2:
        return None
    zone = ZoneInfo(timezone)
    day = parse_day(words[0], now.astimezone(zone).date())
    clock_time = parse_time(words[1])
    if day is None or clock_time is None:
        return None
    moment = datetime.combine(day, clock_time, tzinfo=zone)
    return moment if moment > now else None


def moment_on(day: date, at: time, now: datetime, timezone: str) -> datetime | None:
    """`day` at `at` in the place's zone (a day and an hour pressed as buttons); None
    unless it is still ahead."""
    moment = datetime.combine(day, at, tzinfo=ZoneInfo(timezone))
    return moment if moment > now else None
