"""The few statements whose SQL differs between SQLite and PostgreSQL, behind one name
each. Both dialects spell them `INSERT … ON CONFLICT`, but SQLAlchemy builds them
from dialect-specific constructs, so shared code asks here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

# SQLite takes at most 32,766 bound values a statement; a thousand rows stay well under.
ROWS_PER_STATEMENT = 1000


def table_of(model: type[Any]) -> Table:
    """A mapped class's table (typed as a plain FromClause on the class)."""
    return cast("Table", model.__table__)


def _insert_for(session: AsyncSession, table: Table) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return _insert_in(dialect, table)


def _insert_in(dialect: str, table: Table) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def skipping_duplicate(
    dialect: str, table: Table, values: Mapping[str, object], *, unique: Sequence[str]
) -> Any:
    """One row's INSERT that does nothing where the row exists, for a statement built
    once with bound values and run many times."""
    return (
        _insert_in(dialect, table)
        .values(dict(values))
        .on_conflict_do_nothing(index_elements=list(unique))
    )


async def insert_skipping_duplicates(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, object]],
    *,
    unique: Sequence[str],
) -> None:
    """Insert `rows`; a row that would break the unique index on `unique` is left out
    (NULLs never conflict). Never commits: it is part of the caller's transaction."""
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        statement = _insert_for(session, table).values(
            list(rows[start : start + ROWS_PER_STATEMENT])
        )
        await session.execute(statement.on_conflict_do_nothing(index_elements=list(unique)))


async def upsert(
    session: AsyncSession,
    table: Table,
    row: Mapping[str, object],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert `row`, or, where a row with the same `unique` columns exists, set only its
    `update` columns to the values in `row`. Never commits."""
    statement = _insert_for(session, table).values(dict(row))
    changes = {name: statement.excluded[name] for name in update}
    await session.execute(
        statement.on_conflict_do_update(index_elements=list(unique), set_=changes)
    )
