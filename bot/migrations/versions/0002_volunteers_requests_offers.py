"""volunteers requests offers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "help_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("part", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("hours", sa.Double(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_help_requests_district_id_districts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_help_requests_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_help_requests_requester_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["users.id"],
            name=op.f("fk_help_requests_volunteer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_requests")),
    )
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_requests_place_id"), ["place_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_help_requests_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_help_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_help_requests_volunteer_accepted", ["volunteer_id", "accepted_at"], unique=False
        )

    op.create_table(
        "volunteer_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("other_talents", sa.String(length=200), nullable=True),
        sa.Column("max_tasks_per_week", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("no_show_until", sa.DateTime(), nullable=True),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_volunteer_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_volunteer_profiles")),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_offers_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["users.id"],
            name=op.f("fk_offers_volunteer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("request_id", "volunteer_id", name=op.f("uq_offers_request_id")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_volunteer_id"), ["volunteer_id"], unique=False)

    op.create_table(
        "volunteer_districts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_volunteer_districts_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["volunteer_profiles.user_id"],
            name=op.f("fk_volunteer_districts_user_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "district_id", name=op.f("pk_volunteer_districts")),
    )
    with op.batch_alter_table("volunteer_districts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_districts_district_id"), ["district_id"], unique=False
        )

    op.create_table(
        "volunteer_languages",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["volunteer_profiles.user_id"],
            name=op.f("fk_volunteer_languages_user_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "language", name=op.f("pk_volunteer_languages")),
    )
    with op.batch_alter_table("volunteer_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_languages_language"), ["language"], unique=False
        )

    op.create_table(
        "volunteer_slots",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["volunteer_profiles.user_id"],
            name=op.f("fk_volunteer_slots_user_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "slot", name=op.f("pk_volunteer_slots")),
    )
    with op.batch_alter_table("volunteer_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_slots_slot"), ["slot"], unique=False)

    op.create_table(
        "volunteer_talents",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["volunteer_profiles.user_id"],
            name=op.f("fk_volunteer_talents_user_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "code", name=op.f("pk_volunteer_talents")),
    )
    with op.batch_alter_table("volunteer_talents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_talents_code"), ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("volunteer_talents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_talents_code"))

    op.drop_table("volunteer_talents")
    with op.batch_alter_table("volunteer_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_slots_slot"))

    op.drop_table("volunteer_slots")
    with op.batch_alter_table("volunteer_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_languages_language"))

    op.drop_table("volunteer_languages")
    with op.batch_alter_table("volunteer_districts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_districts_district_id"))

    op.drop_table("volunteer_districts")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_offers_request_id"))

    op.drop_table("offers")
    op.drop_table("volunteer_profiles")
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_help_requests_volunteer_accepted")
        batch_op.drop_index(batch_op.f("ix_help_requests_status"))
        batch_op.drop_index(batch_op.f("ix_help_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_help_requests_place_id"))

    op.drop_table("help_requests")
