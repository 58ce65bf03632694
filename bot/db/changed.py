"""How many rows a conditional UPDATE or DELETE changed: the atomic claims (a request,
a seat, a job lease) are decided by it."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable


async def changed_rows(
    session: AsyncSession, statement: Executable, params: dict[str, Any] | None = None
) -> int:
    result = await session.execute(statement, params)
    return cast("CursorResult[Any]", result).rowcount or 0
