"""Pre-aggregated KPI totals per period and data versions for cached views

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-05 04:00:00

``kpi_period_totals`` is filled from the observations already stored; ``data_versions``
gets a counter row for each table whose writes are counted (``db.versions.COUNTED``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

# db.versions.COUNTED as of this revision (a migration does not import the code it predates).
COUNTED = (
    "behaviour_observations",
    "enrolment_satisfaction",
    "program_behaviours",
    "program_enrolments",
    "programs",
)


def upgrade() -> None:
    op.create_table(
        "kpi_period_totals",
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("value_total", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpis.id"], name=op.f("fk_kpi_period_totals_kpi_id_kpis")
        ),
        sa.PrimaryKeyConstraint("kpi_id", "period", name=op.f("pk_kpi_period_totals")),
    )
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.execute(
        "INSERT INTO kpi_period_totals (kpi_id, period, row_count, value_total) "
        "SELECT kpi_id, period, count(*), sum(value) FROM kpi_observations "
        "GROUP BY kpi_id, period"
    )
    versions = sa.table("data_versions", sa.column("name"), sa.column("version"))
    op.bulk_insert(versions, [{"name": name, "version": 0} for name in COUNTED])


def downgrade() -> None:
    op.drop_table("data_versions")
    op.drop_table("kpi_period_totals")
