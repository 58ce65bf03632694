"""`.ics` files so people can put an event in their phone's calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.statuses import EventStatus, OccurrenceStatus
from bot.services.plain import EventInfo, OccurrenceInfo, PlaceInfo

PRODUCT = "-//Sasiad//Neighbourhood volunteering//PL"


def ics_for(
    event: EventInfo, occurrence: OccurrenceInfo, place: PlaceInfo, stamp_at: datetime
) -> bytes:
    """One date of an event, in the place's time zone (with its VTIMEZONE), so calendars
    show the right hour whatever zone the phone is in. None-dated events have no file."""
    if occurrence.starts_at is None:
        raise ValueError("an event without a date has no calendar entry")
    zone = ZoneInfo(place.timezone)
    start = occurrence.starts_at.astimezone(zone)
    from icalendar import Event as CalendarEvent

    entry = CalendarEvent()
    entry.add("uid", f"occurrence-{occurrence.id}@sasiad")
    entry.add("dtstamp", stamp_at)
    entry.add("dtstart", start)
    entry.add("dtend", start + timedelta(minutes=event.duration_minutes))
    entry.add("summary", event.title)
    entry.add("description", event.description)
    entry.add("location", event.location or place.name)
    cancelled = (
        occurrence.status == OccurrenceStatus.CANCELLED or event.status == EventStatus.CANCELLED
    )
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
