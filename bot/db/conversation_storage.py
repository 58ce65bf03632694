"""aiogram's FSM storage in our own database: conversations survive restarts.

Why not `aiogram-sqlalchemy-storage`: it builds its own engine and tables outside
Alembic, and commits on its own, which would put a conversation step in a different
transaction from the change it belongs to (docs/decisions/0004-conversations-in-the-database.md).

Inside an update, reads and writes go through the update's unit of work: the step a
person reached and what the step changed commit together, or roll back together, and
the handler reads what it wrote a moment ago. Each conversation is read from the
database once per unit of work and then kept in the session's `info`, because every
message sent in a step asks for the step again (`WayOutButton`). aiogram's FSM
middleware runs inside the unit of work (`bot.runtime.app`), so even its first read
shares the update's session; outside one (a script, a test), a short session of its own
is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, system_clock
from bot.db.changed import changed_rows
from bot.db.models import Conversation
from bot.db.portable import table_of, upsert
from bot.db.unit_of_work import current_session, unit_of_work

# A draft nobody came back to for this long is removed by the `conversations` job.
KEEP_DRAFTS = timedelta(days=7)


# Built once: every update reads its conversation.
_CONVERSATION = select(Conversation.state, Conversation.data).where(
    Conversation.key == bindparam("key")
)


def _read_in(session: AsyncSession) -> dict[str, tuple[str | None, str] | None]:
    """Conversations this unit of work has read, as they stand after its own writes."""
    return session.info.setdefault("conversations", {})


def storage_key(key: StorageKey) -> str:
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id, key.business_connection_id)
    return ":".join("" if part is None else str(part) for part in parts) + f":{key.destiny}"


class DatabaseStorage(BaseStorage):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Clock = system_clock
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock

    async def _write(self, key: StorageKey, **values: str | None) -> None:
        name = storage_key(key)
        row = {"key": name, "state": None, "data": "{}", "updated_at": self.clock()}
        row.update(values)
        columns = [*values, "updated_at"]
        session = current_session()
        if session is None:
            async with unit_of_work(self.session_factory) as own:
                await upsert(own, table_of(Conversation), row, unique=["key"], update=columns)
            return
        await upsert(session, table_of(Conversation), row, unique=["key"], update=columns)
        known = _read_in(session)
        if name in known:
            before = known[name] or (None, "{}")
            known[name] = (values.get("state", before[0]), values.get("data", before[1]) or "{}")

    async def _read(self, key: StorageKey) -> tuple[str | None, str] | None:
        name = storage_key(key)
        session = current_session()
        if session is None:
            async with self.session_factory() as own:
                row = (await own.execute(_CONVERSATION, {"key": name})).first()
            return (row[0], row[1]) if row is not None else None
        known = _read_in(session)
        if name not in known:
            row = (await session.execute(_CONVERSATION, {"key": name})).first()
            known[name] = (row[0], row[1]) if row is not None else None
        return known[name]

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row[0] if row is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=json.dumps(dict(data), ensure_ascii=False))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return json.loads(row[1]) if row is not None else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""


async def forget_old_drafts(session: AsyncSession, now: datetime) -> int:
    """Remove conversations nobody touched for `KEEP_DRAFTS`; returns how many."""
    removed = await changed_rows(
        session, delete(Conversation).where(Conversation.updated_at < now - KEEP_DRAFTS)
    )
    return removed
