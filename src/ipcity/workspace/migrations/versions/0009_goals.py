"""Yearly milestones of an indicator target (plans, goals and targets managed in the pages)

``indicator_targets.milestones``: a JSON object year -> planned value, between the baseline
and the target year.

Revision ID: 0009_goals
Revises: 0004_web_sessions
Create Date: 2026-12-06 05:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_goals"
down_revision: str | None = "0006_report_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_targets") as batch:
        batch.add_column(sa.Column("milestones", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicator_targets") as batch:
        batch.drop_column("milestones")
