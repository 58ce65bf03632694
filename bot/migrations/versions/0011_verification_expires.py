"""verification that expires

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("volunteer_profiles") as batch:
        batch.add_column(sa.Column("verified_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("verification_notice", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("volunteer_profiles") as batch:
        batch.drop_column("verification_notice")
        batch.drop_column("verified_until")
