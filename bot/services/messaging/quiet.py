"""Quiet hours: nobody should get a non-urgent message at 3 a.m.

The one rule every message and every offer wave follows is `QuietHours.release_at`:
something about a moment within `URGENT_WITHIN` goes now, whatever the hour; everything
else waits for the end of the night in the place's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# A task or event starting this soon is worth waking someone for: offers still go out,
# reminders and notices are not held until the morning.
URGENT_WITHIN = timedelta(hours=12)


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in the place's local time, e.g. 21:00-08:00 (it may cross midnight)."""

    start: time = time(21)
    end: time = time(8)

    def is_quiet(self, moment: datetime, timezone: str) -> bool:
        local = moment.astimezone(ZoneInfo(timezone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, moment: datetime, timezone: str) -> datetime:
        """`moment` itself outside quiet hours, otherwise the morning when they end."""
        if not self.is_quiet(moment, timezone):
            return moment
        zone = ZoneInfo(timezone)
        local = moment.astimezone(zone)
        morning = datetime.combine(local.date(), self.end, tzinfo=zone)
        if morning <= local:
            morning = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=zone)
        return morning

    def release_at(self, now: datetime, timezone: str, due: datetime | None = None) -> datetime:
        """When a message (or an offer wave) about something due at `due` may go out."""
        if due is not None and due - now <= URGENT_WITHIN:
            return now
        return self.next_allowed(now, timezone)


NIGHTS = QuietHours()
