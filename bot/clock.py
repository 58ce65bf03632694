"""The one place that reads the wall clock; everything else receives a `Clock`."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(tz=UTC)


def local_today(clock: Clock, timezone: str) -> date:
    """Today's date where the place is, which is what "today" and "tomorrow" mean there."""
    return clock().astimezone(ZoneInfo(timezone)).date()
