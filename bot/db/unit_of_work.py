"""One transaction per use case: the change of state and every message it causes.

The caller of a use case (the per-update middleware, a timed job, a CLI command) opens a
unit of work; services, repositories and the outbox only add to its session and never
commit. The unit commits once when the use case ends and rolls back when it raises, so
a crash leaves either the change with all its outbox rows, or neither.

Replies to the person who pressed a button leave during the update. Before any call to
Telegram the unit's pending writes are committed (`commit_before_sending`, installed on
the Bot's session): nobody is ever told about a change that could still roll back, and
no write lock is held while a request waits for the network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_current: ContextVar[AsyncSession | None] = ContextVar("sasiad_unit_of_work", default=None)
# Kept in session.info: work for the unit's last commit, what happened, who tells people.
_LAST_COMMIT = "sasiad_when_complete"
_HAPPENED = "sasiad_happened"
_TELLER = "sasiad_teller"

# Words what happened for the people it concerns and queues it in the session given
# (bot.notify.teller); installed by whoever opens the unit.
Teller = Callable[[AsyncSession, Sequence[object]], Awaitable[None]]


@asynccontextmanager
async def unit_of_work(
    session_factory: async_sessionmaker[AsyncSession], teller: Teller | None = None
) -> AsyncIterator[AsyncSession]:
    """A session that commits once at the end, or rolls back if the block raises. What
    the use case recorded as happened is told (queued in the outbox) before each commit,
    so a change and the messages it causes are saved together."""
    async with session_factory() as session:
        token = _current.set(session)
        if teller is not None:
            session.info[_TELLER] = teller
        try:
            yield session
            await tell_what_happened(session)
            for work in session.info.pop(_LAST_COMMIT, []):
                await work(session)
            await session.commit()
        finally:
            _current.reset(token)


def record(session: AsyncSession, *happened: object) -> None:
    """Note what happened (`bot.services.happened`); nobody is told until the unit's next
    commit, and then in the same transaction as the change."""
    session.info.setdefault(_HAPPENED, []).extend(happened)


async def tell_what_happened(session: AsyncSession, teller: Teller | None = None) -> None:
    """Hand what was recorded to the teller (the unit's, unless one is given), which
    queues the messages in this session. A record with no teller to hear it is a
    programming error: the change would commit and nobody would be told."""
    teller = teller or session.info.get(_TELLER)
    while happened := session.info.pop(_HAPPENED, None):
        if teller is None:
            raise RuntimeError(f"nobody to tell what happened: {happened!r}")
        await teller(session, happened)


def when_complete(session: AsyncSession, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Run `work` in the unit's last transaction, just before the commit that ends it:
    what it writes is saved only if the whole use case ran to its end."""
    session.info.setdefault(_LAST_COMMIT, []).append(work)


def current_session() -> AsyncSession | None:
    """The session of the unit of work this task is inside, if any."""
    return _current.get()


async def commit_before_sending() -> None:
    """Make what the use case did so far durable, with the messages it causes, before a
    message about it leaves."""
    session = _current.get()
    if session is not None:
        await tell_what_happened(session)
        if session.in_transaction():
            await session.commit()
