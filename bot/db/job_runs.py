"""Each timed job's last run (`job_runs`): when it started, how long it took, whether it
succeeded. Written by `bot.runtime.scheduler` after each run, in a transaction of its
own, so a failed run is recorded as failed; read by `sasiad status` and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import JobRun
from bot.db.portable import table_of, upsert


@dataclass(frozen=True)
class LastRun:
    name: str
    started_at: datetime
    seconds: float
    ok: bool


async def note_run(
    session: AsyncSession, name: str, started_at: datetime, seconds: float, ok: bool
) -> None:
    await upsert(
        session,
        table_of(JobRun),
        {"name": name, "started_at": started_at, "seconds": seconds, "ok": ok},
        unique=["name"],
        update=["started_at", "seconds", "ok"],
    )


async def last_runs(session: AsyncSession) -> list[LastRun]:
    rows = await session.execute(select(JobRun).order_by(JobRun.name))
    return [LastRun(run.name, run.started_at, run.seconds, run.ok) for run in rows.scalars()]
