"""Brief pins: a program's one-page brief kept on one stored result

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-05 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brief_pins",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("impact_result_id", sa.Integer(), nullable=False),
        sa.Column("pinned_by_id", sa.Integer(), nullable=True),
        sa.Column("pinned_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["impact_result_id"],
            ["impact_results.id"],
            name=op.f("fk_brief_pins_impact_result_id_impact_results"),
        ),
        sa.ForeignKeyConstraint(
            ["pinned_by_id"], ["users.id"], name=op.f("fk_brief_pins_pinned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_brief_pins_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("program_id", name=op.f("pk_brief_pins")),
    )


def downgrade() -> None:
    op.drop_table("brief_pins")
