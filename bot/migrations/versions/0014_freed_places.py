"""freed places: late drop-outs from events, offered to volunteers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "freed_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("freed_at", sa.DateTime(), nullable=False),
        sa.Column("invited_at", sa.DateTime(), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_freed_places_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["event_roles.id"],
            name=op.f("fk_freed_places_role_id_event_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_freed_places")),
        sa.UniqueConstraint("occurrence_id", "role_id", name=op.f("uq_freed_places_occurrence_id")),
    )
    op.create_index(
        op.f("ix_freed_places_settled_at"), "freed_places", ["settled_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_freed_places_settled_at"), table_name="freed_places")
    op.drop_table("freed_places")
