"""Numbers, dates and durations the way people of the reader's language write them.

Everything a person reads that is a number or a moment goes through Babel here, in
the language of the current update (aiogram's i18n context) and, for moments, in the
place's time zone: "0,5 godz.", "sob., 5 grudnia, 18:00", "grudzień 2026", "2 dni".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from babel.units import format_unit

MINUTES_PER_DAY = 24 * 60

# The moment the reader reads at (the update's clock), like aiogram's locale context:
# dates of this year are written without the year.
_reading_at: ContextVar[datetime | None] = ContextVar("sasiad_reading_at", default=None)


@contextmanager
def reading_at(now: datetime) -> Iterator[None]:
    """Texts built inside are read at `now`: for one update, or one run of a timed job."""
    token = _reading_at.set(now)
    try:
        yield
    finally:
        _reading_at.reset(token)


def _language() -> str:
    return get_i18n().current_locale


def decimal(value: float) -> str:
    """A number with the reader's decimal sign: 0,5 in Polish and Ukrainian, 0.5 in English."""
    return format_decimal(value, locale=_language())


def clock_time(moment: time) -> str:
    """A time of day as the reader writes it ("08:00")."""
    return format_time(moment, format="HH:mm", locale=_language())


def local_datetime(moment: datetime, timezone: str, language: str | None = None) -> str:
    """A weekday, date and time in the place's zone ("sob., 5 grudnia, 10:00").

    The year is left out when it is the reader's year there, as people write it; outside
    `reading_at` (a command-line print, say) the year is always written.
    """
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    now = _reading_at.get()
    this_year = now is not None and now.astimezone(zone).year == local.year
    pattern = "EEE, d MMMM, HH:mm" if this_year else "EEE, d MMMM y, HH:mm"
    return format_datetime(local, format=pattern, locale=language or _language())


def month(moment: datetime, timezone: str) -> str:
    """The month and year of a moment in the place's zone: "grudzień 2026"."""
    return calendar_month(moment.astimezone(ZoneInfo(timezone)).date())


def calendar_month(day: date) -> str:
    """The month and year, standing alone: "grudzień 2026", "December 2026"."""
    return format_date(day, format="LLLL y", locale=_language())


def duration(minutes: float) -> str:
    """A wait in the units people count it in: "45 min", "2 godz. 15 min", "2 dni"."""
    language = _language()
    whole = round(minutes)
    if whole >= MINUTES_PER_DAY:
        days = round(whole / MINUTES_PER_DAY)
        return format_unit(days, "duration-day", length="long", locale=language)
    hours, rest = divmod(whole, 60)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="short", locale=language))
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="short", locale=language))
    return " ".join(parts)


def long_date(moment: datetime, timezone: str) -> str:
    """The day of a moment in the place's zone, with its year: "5 grudnia 2026"."""
    return calendar_day(moment.astimezone(ZoneInfo(timezone)).date())


def calendar_day(day: date) -> str:
    """A day with its year, as on a document: "5 grudnia 2026", "5 December 2026"."""
    return format_date(day, format="d MMMM y", locale=_language())
