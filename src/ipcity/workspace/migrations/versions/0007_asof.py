"""Tasks kept from the public (issue 12, visibility)

``tasks.internal``: a task hidden from anonymous visitors until the office publishes it (the
task that follows up a decision of a meeting, which is never public). Existing tasks stay
as public as they were.

Revision ID: 0007_asof
Revises: 0004_web_sessions
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_asof"
down_revision: str | None = "0005_unit_aliases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("internal", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("internal")
