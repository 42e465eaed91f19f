"""Server-side page sessions (ipcity.workspace.auth_sessions)

A row per logged-in page session (the SHA-256 of the cookie's random id), so logout, a
password change and an admin's "end all sessions of this user" take effect at once; and
``users.sessions_ended_at``, before which the user's API tokens are refused.

Revision ID: 0004_web_sessions
Revises: 0003_protection
Create Date: 2026-12-06 04:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_web_sessions"
down_revision: str | None = "0003_protection"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"], unique=False)
    op.add_column("users", sa.Column("sessions_ended_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "sessions_ended_at")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
