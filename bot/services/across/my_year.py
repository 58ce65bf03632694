"""A volunteer's year so far: hours per month (as the certificate counts them: finished
tasks, by the day they were done in the place's zone), tasks done and event dates
attended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Occurrence, Signup
from bot.db.statuses import OccurrenceStatus, SignupStatus
from bot.services.people.certificates import FINISHED


@dataclass(frozen=True)
class MyYear:
    months: list[tuple[date, float]]  # every month from January to this one
    hours: float
    tasks: int
    events: int


async def my_year(session: AsyncSession, user_id: int, now: datetime, timezone: str) -> MyYear:
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    since = datetime(today.year, 1, 1, tzinfo=zone)
    done = await session.execute(
        select(HelpRequest.done_at, HelpRequest.hours).where(
            HelpRequest.volunteer_id == user_id,
            HelpRequest.status.in_(FINISHED),
            HelpRequest.done_at >= since,
        )
    )
    hours = {date(today.year, month, 1): 0.0 for month in range(1, today.month + 1)}
    tasks = 0
    for done_at, task_hours in done:
        if done_at is None:
            continue
        month = done_at.astimezone(zone).date().replace(day=1)
        hours[month] = hours.get(month, 0.0) + (task_hours or 0.0)
        tasks += 1
    events = await session.scalar(
        select(func.count(Signup.id))
        .join(Occurrence, Occurrence.id == Signup.occurrence_id)
        .where(
            Signup.user_id == user_id,
            Signup.status == SignupStatus.CONFIRMED,
            Signup.attended.is_not(False),
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Occurrence.starts_at >= since,
            Occurrence.starts_at <= now,
        )
    )
    months = sorted(hours.items())
    return MyYear(months, round(sum(hours.values()), 2), tasks, events or 0)
