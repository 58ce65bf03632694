"""Which updates from Telegram are handled, so that one given again is handled once.

Telegram gives an update again until its receipt is confirmed. The bot confirms an
update only once it is handled (`bot/runtime/polling.py`; a webhook answers when the
handler returns), so after a crash or a kill -9 the updates that were in hand come
again. The row saying "handled" is written in the update's last transaction, with the
commit that ends it: an update that ran to its end is never handled again, and one
that died half-way is handled again. Handlers save a change before they speak of it,
so what a second run can repeat is at most the reply the first run had already sent.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import HandledUpdate
from bot.db.portable import skipping_duplicate, table_of
from bot.db.unit_of_work import when_complete

# Telegram keeps an update for 24 hours; a day more is a margin for clocks and restarts.
KEEP = timedelta(days=2)

_SEEN = select(HandledUpdate.update_id).where(HandledUpdate.update_id == bindparam("update_id"))


@functools.cache
def _logging(dialect: str) -> Any:
    """Built once per database kind: building it per update cost more than running it."""
    return skipping_duplicate(
        dialect,
        table_of(HandledUpdate),
        {"update_id": bindparam("update_id"), "handled_at": bindparam("now")},
        unique=["update_id"],
    )


def _log_statement(session: AsyncSession) -> Any:
    return _logging(session.bind.dialect.name if session.bind is not None else "sqlite")


async def handled_before(session: AsyncSession, update_id: int) -> bool:
    connection = await session.connection()  # Core: the ORM's set-up cost more than the query
    found = await connection.execute(_SEEN, {"update_id": update_id})
    return found.first() is not None


async def newest_handled(session: AsyncSession) -> int | None:
    """The highest update id handled so far: update ids only grow, so an update above it
    cannot have been handled before."""
    return await session.scalar(select(func.max(HandledUpdate.update_id)))


def log_when_complete(session: AsyncSession, update_id: int, now: datetime) -> None:
    """Record the update as handled with the commit that ends its unit of work."""

    async def log(session: AsyncSession) -> None:
        connection = await session.connection()
        await connection.execute(_log_statement(session), {"update_id": update_id, "now": now})

    when_complete(session, log)


async def forget_old_updates(session: AsyncSession, now: datetime) -> int:
    """Rows older than `KEEP` can no longer meet their update again."""
    removed = await changed_rows(
        session, delete(HandledUpdate).where(HandledUpdate.handled_at < now - KEEP)
    )
    return removed
