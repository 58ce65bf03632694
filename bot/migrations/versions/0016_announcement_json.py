"""announcements: the audience and the translations are JSON columns, not text parsed
by hand (on SQLite both are stored as text either way)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("audience", "translations")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.alter_column(
            "announcements", column, type_=sa.JSON(), postgresql_using=f"{column}::json"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.alter_column(
            "announcements", column, type_=sa.Text(), postgresql_using=f"{column}::text"
        )
