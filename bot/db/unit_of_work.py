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

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_current: ContextVar[AsyncSession | None] = ContextVar("sasiad_unit_of_work", default=None)
# Work to add to the unit's last commit (`when_complete`), kept in session.info.
_LAST_COMMIT = "sasiad_when_complete"


@asynccontextmanager
async def unit_of_work(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session that commits once at the end, or rolls back if the block raises."""
    async with session_factory() as session:
        token = _current.set(session)
        try:
            yield session
            work = session.info.pop(_LAST_COMMIT, None)
            if work is not None:
                await work(session)
            await session.commit()
        finally:
            _current.reset(token)


def when_complete(session: AsyncSession, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Run `work` in the unit's last transaction, just before the commit that ends it:
    what it writes is saved only if the whole use case ran to its end."""
    session.info[_LAST_COMMIT] = work


def current_session() -> AsyncSession | None:
    """The session of the unit of work this task is inside, if any."""
    return _current.get()


async def commit_before_sending() -> None:
    """Make what the use case did so far durable before a message about it leaves."""
    session = _current.get()
    if session is not None and session.in_transaction():
        await session.commit()
