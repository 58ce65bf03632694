"""iCalendar (RFC 5545) files: one event date for the chat's "📅 Add to my calendar", and
the feeds a calendar subscribes to. Times are written in the place's zone with its
VTIMEZONE, so a phone shows the right hour wherever it is; every entry has a stable UID,
so a subscribed calendar updates an entry in place (a cancelled date becomes
STATUS:CANCELLED rather than vanishing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.statuses import EventStatus, OccurrenceStatus
from bot.services.plain import EventInfo, OccurrenceInfo, PlaceInfo

PRODUCT = "-//Sasiad//Neighbourhood volunteering//PL"


@dataclass(frozen=True)
class Entry:
    """One VEVENT, its words already in the reader's language."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    status: str = "CONFIRMED"  # or CANCELLED, TENTATIVE


def event_entry(
    event: EventInfo, occurrence: OccurrenceInfo, place: PlaceInfo, *, tentative: bool = False
) -> Entry:
    """One date of an event, in the place's zone. Dates without a time have no entry."""
    if occurrence.starts_at is None:
        raise ValueError("an event without a date has no calendar entry")
    start = occurrence.starts_at.astimezone(ZoneInfo(place.timezone))
    cancelled = (
        occurrence.status == OccurrenceStatus.CANCELLED or event.status == EventStatus.CANCELLED
    )
    status = "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED"
    return Entry(
        uid=f"occurrence-{occurrence.id}@sasiad",
        start=start,
        end=start + timedelta(minutes=event.duration_minutes),
        summary=event.title,
        description=event.description,
        location=event.location or place.name,
        status=status,
    )


def calendar_file(entries: Iterable[Entry], stamp_at: datetime, name: str | None = None) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        component = CalendarEvent()
        component.add("uid", entry.uid)
        component.add("dtstamp", stamp_at)
        component.add("dtstart", entry.start)
        component.add("dtend", entry.end)
        component.add("summary", entry.summary)
        component.add("description", entry.description)
        component.add("location", entry.location)
        component.add("status", entry.status)
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_for(
    event: EventInfo, occurrence: OccurrenceInfo, place: PlaceInfo, stamp_at: datetime
) -> bytes:
    """One date of an event, for the chat's "📅 Add to my calendar"."""
    return calendar_file([event_entry(event, occurrence, place)], stamp_at)
