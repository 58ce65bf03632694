"""`sasiad status`: one screen a person reads, and an exit code for cron and monitoring
(0 only when all is well): the database and its migration, Telegram and its webhook,
the outbox's backlog, the timers' last ticks (the leases they renew each minute) and
each timed job's last run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings
from bot.db.engine import make_session_factory
from bot.db.job_runs import LastRun, last_runs
from bot.db.migrations import revisions
from bot.db.models import JobLease, OutboxMessage
from bot.db.statuses import OutboxStatus
from bot.runtime.database import engine_for

# The outbox sends within seconds; a due message waiting longer than this is a problem.
OUTBOX_LATE = timedelta(minutes=10)
# The timers renew their leases every SASIAD_MATCHING_INTERVAL_SECONDS (60).
TIMERS_LATE = timedelta(minutes=3)


@dataclass(frozen=True)
class Line:
    part: str
    ok: bool
    says: str


async def database_lines(settings: Settings, now: datetime) -> list[Line]:
    engine = engine_for(settings)
    try:
        async with make_session_factory(engine)() as session:
            current = await session.scalar(text("SELECT version_num FROM alembic_version"))
            waiting = await session.execute(
                select(func.count(OutboxMessage.id), func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
                    OutboxMessage.due_at <= now,
                )
            )
            count, oldest = waiting.one()
            leases = list(await session.execute(select(JobLease.name, JobLease.until)))
            runs = await last_runs(session)
    except SQLAlchemyError as error:
        return [Line("database", False, f"cannot be read ({type(error).__name__})")]
    finally:
        await engine.dispose()
    newest = revisions()[-1]
    lines = [
        Line(
            "database",
            current == newest,
            f"reachable, migration {current}"
            + ("" if current == newest else f" (newest {newest}: run sasiad db upgrade)"),
        )
    ]
    late = oldest is not None and now - oldest > OUTBOX_LATE
    age = f", the oldest due {_ago(now - oldest)} ago" if oldest is not None else ""
    lines.append(Line("outbox", not late, f"{count} due to send{age}"))
    if not leases:
        lines.append(Line("timers", False, "never ran (is the bot or a worker running?)"))
    else:
        ticks = ", ".join(f"{name} {_ago(now - until)} ago" for name, until in sorted(leases))
        fresh = all(now - until < TIMERS_LATE for _name, until in leases)
        lines.append(Line("timers", fresh, f"last leases ended: {ticks}"))
    lines.append(_jobs_line(runs, now))
    return lines


def _jobs_line(runs: list[LastRun], now: datetime) -> Line:
    """Each timed job's last run, wherever it ran; a run that failed needs care."""
    if not runs:
        return Line("jobs", True, "none has run yet")
    said = ", ".join(
        f"{run.name} {_ago(now - run.started_at)} ago in {run.seconds:.1f} s"
        + ("" if run.ok else " and FAILED (see the log)")
        for run in runs
    )
    return Line("jobs", all(run.ok for run in runs), said)


async def telegram_line(settings: Settings) -> Line:
    from aiogram.exceptions import TelegramAPIError

    from bot.runtime.app import build_bot, check_telegram

    try:
        bot = build_bot(settings)
    except ConfigError as error:
        return Line("telegram", False, str(error))
    try:
        await check_telegram(bot, settings)
        me = await bot.me()
        info = await bot.get_webhook_info()
    except (ConfigError, TelegramAPIError) as error:
        return Line("telegram", False, str(error))
    finally:
        await bot.session.close()
    mode = f"webhook {info.url}" if info.url else "long polling"
    says = f"@{me.username}, {mode}, {info.pending_update_count} updates waiting"
    if info.last_error_message:
        says += f", last error: {info.last_error_message}"
    return Line("telegram", not info.last_error_message, says)


def _ago(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


def screen(lines: list[Line]) -> str:
    width = max(len(line.part) for line in lines)
    rows = [f"{'ok ' if line.ok else 'NO '} {line.part:<{width}}  {line.says}" for line in lines]
    rows.append("All is well." if all(line.ok for line in lines) else "Something needs care.")
    return "\n".join(rows)
