"""KPI sources: a KPI whose observations stay in a Parquet file, a DuckDB file, a PostgreSQL
or a Spark table, with its column mapping (no credentials: only a connection's name)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 08:00:00

Follows 0018 (quizzes and badges), which landed first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_sources",
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=1000), nullable=False),
        sa.Column("connection", sa.String(length=60), nullable=True),
        sa.Column("subject_column", sa.String(length=120), nullable=False),
        sa.Column("period_column", sa.String(length=120), nullable=False),
        sa.Column("value_column", sa.String(length=120), nullable=False),
        sa.Column("weight_column", sa.String(length=120), nullable=True),
        sa.Column("checked_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"], name=op.f("fk_kpi_sources_kpi_id_kpis")),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_kpi_sources_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("kpi_id", name=op.f("pk_kpi_sources")),
    )


def downgrade() -> None:
    op.drop_table("kpi_sources")
