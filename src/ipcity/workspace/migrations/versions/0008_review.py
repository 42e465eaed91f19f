"""A work plan's reporting rhythm; when a user last cleared their inbox badge

``work_plans.report_rhythm`` (month | quarter | half | year; default quarter): the new-report
form proposes the current period of this rhythm. ``users.inbox_seen_at``: a leader reads the
inbox without marking notices (a write for the office or unit), so clearing the badge records
when this user last looked; the badge counts newer unread notices only.

Revision ID: 0008_review
Revises: 0004_web_sessions
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_review"
down_revision: str | None = "0007_asof"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_plans") as batch:
        batch.add_column(
            sa.Column(
                "report_rhythm", sa.String(length=8), nullable=False, server_default="quarter"
            )
        )

    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("inbox_seen_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("inbox_seen_at")
    with op.batch_alter_table("work_plans") as batch:
        batch.drop_column("report_rhythm")
