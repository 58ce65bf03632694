"""The durable outbox: messages the bot starts on its own wait here until a sender has
delivered them or knows they cannot be delivered.

Delivery is at least once. A sender claims rows for a lease; if it dies, the lease runs
out and another claim sends them again, so only rows in flight at a crash can go twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, User

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=10)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it for good, or retries ran out
    BLOCKED = "blocked"  # the person blocked the bot


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    text: str
    markup: str | None
    attempts: int
    photo: str | None = None


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    kind: str,
    now: datetime,
    markup: str | None = None,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Queue one message. With a `dedupe_key` the same message is queued at most once
    (reminders use it so they never fire twice); False when it was already queued."""
    session.add(
        OutboxMessage(
            chat_id=chat_id,
            text=text,
            markup=markup,
            kind=kind,
            dedupe_key=dedupe_key,
            status=OutboxStatus.PENDING,
            due_at=due_at or now,
            created_at=now,
        )
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


@dataclass(frozen=True)
class Notice:
    """One message for one chat, queued together with others by `enqueue_all`."""

    chat_id: int
    text: str
    kind: str
    markup: str | None = None
    due_at: datetime | None = None


async def enqueue_all(session: AsyncSession, notices: list[Notice], *, now: datetime) -> None:
    """Queue several messages in one statement and one commit: a wave's offers or an
    escalation's notices are queued together or not at all."""
    if not notices:
        return
    await session.execute(
        insert(OutboxMessage),
        [
            _pending(
                notice.chat_id,
                notice.text,
                notice.kind,
                now,
                markup=notice.markup,
                due_at=notice.due_at or now,
            )
            for notice in notices
        ],
    )
    await session.commit()


def _pending(
    chat_id: int, text: str, kind: str, now: datetime, **columns: object
) -> dict[str, object]:
    """A new row for the batch inserts, due now unless `columns` say otherwise."""
    return {
        "chat_id": chat_id,
        "text": text,
        "kind": kind,
        "status": OutboxStatus.PENDING,
        "due_at": now,
        "created_at": now,
        "attempts": 0,
        **columns,
    }


@dataclass(frozen=True)
class Letter:
    """One message of a broadcast: the same batch goes to many chats."""

    chat_id: int
    text: str
    dedupe_key: str


async def enqueue_batch(
    session: AsyncSession,
    letters: list[Letter],
    *,
    kind: str,
    batch: str,
    now: datetime,
    photo: str | None = None,
) -> None:
    """Queue a broadcast in one statement per thousand rows. Rows whose dedupe key is
    already queued are skipped, so queuing the same broadcast again adds nothing."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert_for = postgresql_insert if dialect == "postgresql" else sqlite_insert
    rows = [
        _pending(
            letter.chat_id,
            letter.text,
            kind,
            now,
            photo=photo,
            batch=batch,
            dedupe_key=letter.dedupe_key,
        )
        for letter in letters
    ]
    for start in range(0, len(rows), 1000):
        statement = insert_for(OutboxMessage).values(rows[start : start + 1000])
        await session.execute(statement.on_conflict_do_nothing(index_elements=["dedupe_key"]))
    await session.commit()


async def batch_counts(session: AsyncSession, batch: str) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.batch == batch)
        .group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


def _claimable(now: datetime) -> object:
    expired_lease = and_(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now
    )
    return or_(OutboxMessage.status == OutboxStatus.PENDING, expired_lease)


async def claim(
    session: AsyncSession, now: datetime, *, limit: int, lease: timedelta
) -> list[Claimed]:
    """Take up to `limit` due messages for `lease`. On PostgreSQL concurrent senders skip
    each other's rows (SKIP LOCKED); on SQLite the UPDATE re-checks that a row is still
    claimable, so a row taken in between is left alone."""
    due = (
        select(OutboxMessage.id)
        .where(_claimable(now), OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # Two statements, not UPDATE ... IN (subquery): PostgreSQL may run such a subquery
    # more than once and, with SKIP LOCKED, return more rows than the limit.
    ids = list(await session.scalars(due))
    if not ids:
        await session.commit()
        return []
    rows = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _claimable(now))
        .values(
            status=OutboxStatus.SENDING,
            claimed_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(
            OutboxMessage.id,
            OutboxMessage.chat_id,
            OutboxMessage.text,
            OutboxMessage.markup,
            OutboxMessage.attempts,
            OutboxMessage.photo,
        )
    )
    claimed = [Claimed(*row) for row in rows]
    await session.commit()
    return sorted(claimed, key=lambda c: c.id)


async def blocked_chats(session: AsyncSession, chat_ids: list[int]) -> set[int]:
    rows = await session.scalars(
        select(User.telegram_id).where(User.telegram_id.in_(chat_ids), User.blocked_at.is_not(None))
    )
    return set(rows)


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message, recorded in one batch after sending."""

    id: int
    status: OutboxStatus
    retry_at: datetime | None = None
    error: str | None = None


def retry_later(message: Claimed, now: datetime, error: str) -> Outcome:
    """5xx and timeouts: exponential backoff, then give up and record it."""
    if message.attempts >= MAX_ATTEMPTS:
        return Outcome(message.id, OutboxStatus.FAILED, error=error)
    backoff = min(timedelta(seconds=2**message.attempts), MAX_BACKOFF)
    return Outcome(message.id, OutboxStatus.PENDING, retry_at=now + backoff, error=error)


async def record(session: AsyncSession, outcomes: list[Outcome], now: datetime) -> None:
    for outcome in outcomes:
        values: dict[str, object] = {"status": outcome.status, "claimed_until": None}
        if outcome.error is not None:
            values["last_error"] = outcome.error[:200]
        if outcome.status == OutboxStatus.PENDING:
            values["due_at"] = outcome.retry_at or now
        else:
            values["finished_at"] = now
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == outcome.id).values(**values)
        )
    await session.commit()


async def mark_unreachable(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """403: remember that they blocked the bot and hold nothing more for them."""
    await session.execute(update(User).where(User.telegram_id == chat_id).values(blocked_at=now))
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.BLOCKED, finished_at=now)
    )
    await session.commit()


async def release(session: AsyncSession, ids: list[int]) -> None:
    """Graceful shutdown: give claimed but unsent messages back at once."""
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
            .values(status=OutboxStatus.PENDING, claimed_until=None)
        )
        await session.commit()


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}
