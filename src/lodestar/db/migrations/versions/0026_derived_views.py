"""Views derived from the facts (a program's tiers) are stored with the data versions they
were computed at, so one computation serves every server process and survives restarts.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 11:05:00

Before, each server process computed every program's tiers once after it started (seconds per
program at 100,000 employees), while the requests for them waited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lodestar.db.base import UtcDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived_views",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("stamp", sa.Text(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_derived_views"),
    )


def downgrade() -> None:
    op.drop_table("derived_views")
