"""IP protection cases (ipcity.protection.models)

Case records owned by member units (keyed by unit + case number; amounts in fen), the other
units' views of a case (joint handling, previous owners) and the referral history.

Revision ID: 0003_protection
Revises: 0002_meetings_portal
Create Date: 2026-11-25 14:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_protection"
down_revision: str | None = "0002_meetings_portal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "protection_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("ip_type", sa.String(length=24), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("outcome_text", sa.String(length=500), nullable=False),
        sa.Column("foreign_related", sa.Boolean(), nullable=False),
        sa.Column("cross_region", sa.Boolean(), nullable=False),
        sa.Column("cross_region_note", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=True),
        sa.Column("claimants", sa.Text(), nullable=False),
        sa.Column("respondents", sa.Text(), nullable=False),
        sa.Column("amount_claimed_fen", sa.BigInteger(), nullable=True),
        sa.Column("amount_awarded_fen", sa.BigInteger(), nullable=True),
        sa.Column("fines_fen", sa.BigInteger(), nullable=True),
        sa.Column("value_seized_fen", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_protection_cases_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_cases")),
        sa.UniqueConstraint("unit_id", "case_no", name=op.f("uq_protection_cases_unit_id")),
    )
    with op.batch_alter_table("protection_cases", schema=None) as batch_op:
        batch_op.create_index("ix_protection_cases_closed_on", ["closed_on"], unique=False)
        batch_op.create_index("ix_protection_cases_received_on", ["received_on"], unique=False)

    op.create_table(
        "protection_case_units",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["protection_cases.id"],
            name=op.f("fk_protection_case_units_case_id_protection_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_protection_case_units_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("case_id", "unit_id", name=op.f("pk_protection_case_units")),
    )
    with op.batch_alter_table("protection_case_units", schema=None) as batch_op:
        batch_op.create_index("ix_protection_case_units_unit_id", ["unit_id"], unique=False)

    op.create_table(
        "protection_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_unit_id", sa.Integer(), nullable=True),
        sa.Column("to_unit_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_protection_referrals_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["protection_cases.id"],
            name=op.f("fk_protection_referrals_case_id_protection_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_unit_id"], ["units.id"], name=op.f("fk_protection_referrals_from_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["to_unit_id"], ["units.id"], name=op.f("fk_protection_referrals_to_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_referrals")),
    )
    with op.batch_alter_table("protection_referrals", schema=None) as batch_op:
        batch_op.create_index("ix_protection_referrals_case_id", ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("protection_referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_protection_referrals_case_id")

    op.drop_table("protection_referrals")
    with op.batch_alter_table("protection_case_units", schema=None) as batch_op:
        batch_op.drop_index("ix_protection_case_units_unit_id")

    op.drop_table("protection_case_units")
    with op.batch_alter_table("protection_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_protection_cases_received_on")
        batch_op.drop_index("ix_protection_cases_closed_on")

    op.drop_table("protection_cases")
