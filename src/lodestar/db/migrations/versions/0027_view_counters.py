"""Data-version counters for the tables that name the rows of the skills views

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 14:00:00

Each kept view now depends on the tables it reads, not on every counted table (a manager's
skill assessment no longer makes every program's tiers stale). The skills frame also reads
teams, departments and job titles, and the priorities' gaps the priorities' titles: their
writes were never counted, so a renamed team kept its old name on the heat map until something
else changed. They get counters here (``db.versions.COUNTED`` grows by these tables).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# The counters this revision adds (a migration does not import the code it predates).
COUNTED = ("departments", "job_roles", "strategic_priorities", "teams")


def upgrade() -> None:
    versions = sa.table("data_versions", sa.column("name"), sa.column("version"))
    op.bulk_insert(versions, [{"name": name, "version": 0} for name in COUNTED])


def downgrade() -> None:
    names = ", ".join(f"'{name}'" for name in COUNTED)
    op.execute(f"DELETE FROM data_versions WHERE name IN ({names})")
