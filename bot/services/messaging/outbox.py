"""The durable outbox: messages the bot starts on its own wait here until a sender has
delivered them or knows they cannot be delivered.

Delivery is at least once. A sender claims rows for a lease and records each row's
outcome as soon as Telegram answers, before it sends the next; if it dies, the lease
runs out and another claim sends the rest, so only the one message in flight at a crash
can go twice (Telegram has no idempotency key to ask with). None of these functions
commit: the sender, or the use case that queues, commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, User
from bot.db.portable import insert_skipping_duplicates, table_of
from bot.db.statuses import OutboxStatus

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    text: str
    markup: str | None
    attempts: int
    photo: str | None = None


@dataclass(frozen=True)
class Notice:
    """One message for one chat. With a `dedupe_key` it is queued at most once (reminders,
    digests, an announcement's letters); `batch` groups a broadcast for its report; with
    a `photo` (a Telegram file id) the text goes out as its caption."""

    chat_id: int
    text: str
    kind: str
    markup: str | None = None
    due_at: datetime | None = None
    dedupe_key: str | None = None
    batch: str | None = None
    photo: str | None = None


async def queue(session: AsyncSession, notices: Sequence[Notice], *, now: datetime) -> None:
    """Add messages to the caller's transaction: they are queued exactly when the change
    that caused them commits. Never commits; a notice whose dedupe key is already queued
    is skipped, on both databases, without disturbing the transaction."""
    rows = [
        {
            "chat_id": notice.chat_id,
            "text": notice.text,
            "kind": notice.kind,
            "markup": notice.markup,
            "photo": notice.photo,
            "batch": notice.batch,
            "dedupe_key": notice.dedupe_key,
            "status": OutboxStatus.PENDING,
            "due_at": notice.due_at or now,
            "created_at": now,
            "attempts": 0,
        }
        for notice in notices
    ]
    if rows:
        await insert_skipping_duplicates(
            session, table_of(OutboxMessage), rows, unique=["dedupe_key"]
        )


async def batch_counts(session: AsyncSession, batch: str) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.batch == batch)
        .group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


def _claimable(now: datetime) -> ColumnElement[bool]:
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
    return sorted(claimed, key=lambda c: c.id)


async def blocked_chats(session: AsyncSession, chat_ids: list[int]) -> set[int]:
    rows = await session.scalars(
        select(User.telegram_id).where(User.telegram_id.in_(chat_ids), User.blocked_at.is_not(None))
    )
    return set(rows)


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message, recorded as soon as it is known."""

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


async def record(session: AsyncSession, outcomes: Sequence[Outcome], now: datetime) -> None:
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


async def mark_unreachable(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """403: remember that they blocked the bot and hold nothing more for them."""
    await session.execute(update(User).where(User.telegram_id == chat_id).values(blocked_at=now))
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.BLOCKED, finished_at=now)
    )


async def release(session: AsyncSession, ids: list[int]) -> None:
    """Graceful shutdown: give claimed but unsent messages back at once."""
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
            .values(status=OutboxStatus.PENDING, claimed_until=None)
        )


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


async def hold(session: AsyncSession, chat_id: int, since: datetime, until: datetime) -> None:
    """What was queued for `chat_id` from `since` on and was due at once (not held for
    the morning) waits until `until`, unless `release_held` lets it go sooner."""
    just_queued = and_(
        OutboxMessage.created_at >= since, OutboxMessage.due_at <= OutboxMessage.created_at
    )
    await _redate(session, chat_id, just_queued, until)


async def release_held(
    session: AsyncSession, chat_id: int, held: Sequence[datetime], now: datetime
) -> None:
    await _redate(session, chat_id, OutboxMessage.due_at.in_(held), now)


async def _redate(
    session: AsyncSession, chat_id: int, which: ColumnElement[bool], due_at: datetime
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING, which
        )
        .values(due_at=due_at)
    )
