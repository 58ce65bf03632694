"""initiatives and events

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interest_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_interest_groups_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_groups")),
        sa.UniqueConstraint("place_id", "name", name=op.f("uq_interest_groups_place_id")),
    )
    with op.batch_alter_table("interest_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_groups_place_id"), ["place_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("repeat_weeks", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("review_comment", sa.String(length=500), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_events_place_id_places"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"],
            ["users.id"],
            name=op.f("fk_events_proposer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"],
            ["users.id"],
            name=op.f("fk_events_reviewed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_place_id"), ["place_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_proposer_id"), ["proposer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_status"), ["status"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["interest_groups.id"],
            name=op.f("fk_group_members_group_id_interest_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "event_groups",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_groups_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["interest_groups.id"],
            name=op.f("fk_event_groups_group_id_interest_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "group_id", name=op.f("pk_event_groups")),
    )
    with op.batch_alter_table("event_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_groups_group_id"), ["group_id"], unique=False)

    op.create_table(
        "event_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("talent", sa.String(length=24), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_roles_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_roles")),
    )
    with op.batch_alter_table("event_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_roles_event_id"), ["event_id"], unique=False)

    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_occurrences_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint("event_id", "number", name=op.f("uq_occurrences_event_id")),
    )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_occurrences_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_occurrences_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "event_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_event_feedback_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_feedback_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_feedback")),
        sa.UniqueConstraint(
            "occurrence_id", "user_id", name=op.f("uq_event_feedback_occurrence_id")
        ),
    )
    with op.batch_alter_table("event_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_feedback_occurrence_id"), ["occurrence_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_feedback_user_id"), ["user_id"], unique=False)

    op.create_table(
        "seats",
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_seats_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["event_roles.id"],
            name=op.f("fk_seats_role_id_event_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("occurrence_id", "role_id", name=op.f("pk_seats")),
    )
    op.create_table(
        "series_members",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_series_members_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["event_roles.id"],
            name=op.f("fk_series_members_role_id_event_roles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_series_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_series_members")),
    )
    with op.batch_alter_table("series_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("promoted_at", sa.DateTime(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_signups_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["event_roles.id"],
            name=op.f("fk_signups_role_id_event_roles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_signups_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signups")),
        sa.UniqueConstraint("occurrence_id", "user_id", name=op.f("uq_signups_occurrence_id")),
    )
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signups_occurrence_id"), ["occurrence_id"], unique=False
        )
        batch_op.create_index(
            "ix_signups_queue", ["occurrence_id", "role_id", "status", "queued_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signups_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signups_user_id"))
        batch_op.drop_index("ix_signups_queue")
        batch_op.drop_index(batch_op.f("ix_signups_occurrence_id"))

    op.drop_table("signups")
    with op.batch_alter_table("series_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_members_user_id"))

    op.drop_table("series_members")
    op.drop_table("seats")
    with op.batch_alter_table("event_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_feedback_user_id"))
        batch_op.drop_index(batch_op.f("ix_event_feedback_occurrence_id"))

    op.drop_table("event_feedback")
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occurrences_starts_at"))
        batch_op.drop_index(batch_op.f("ix_occurrences_event_id"))

    op.drop_table("occurrences")
    with op.batch_alter_table("event_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_roles_event_id"))

    op.drop_table("event_roles")
    with op.batch_alter_table("event_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_groups_group_id"))

    op.drop_table("event_groups")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_user_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_status"))
        batch_op.drop_index(batch_op.f("ix_events_proposer_id"))
        batch_op.drop_index(batch_op.f("ix_events_place_id"))

    op.drop_table("events")
    with op.batch_alter_table("interest_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_groups_place_id"))

    op.drop_table("interest_groups")
