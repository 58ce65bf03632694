"""confirm or release: asking a volunteer whether they are still coming

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("coming_asked_at", "coming_at", "standby_at")


def upgrade() -> None:
    with op.batch_alter_table("help_requests") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("help_requests") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
