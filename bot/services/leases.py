"""Leases on periodic jobs: with several processes, one runs each tick of a job."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import JobLease


async def take_lease(
    session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """True when `holder` may run job `name` now (it holds the lease until now + ttl).

    One conditional UPDATE decides, as with the outbox claims: of processes asking at
    the same moment exactly one changes the row. The lease is the one thing committed on
    its own, at the start of a tick: other processes must see it before the tick's work
    (its own unit of work) is done.
    """
    if await session.get(JobLease, name) is None:
        try:
            async with session.begin_nested():
                session.add(JobLease(name=name, holder="", until=now - timedelta(seconds=1)))
        except IntegrityError:
            pass
    taken = await changed_rows(
        session,
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.until <= now, JobLease.holder == holder))
        .values(holder=holder, until=now + ttl),
    )
    await session.commit()
    return taken == 1
