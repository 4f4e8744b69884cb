"""Employees are indexed by their manager: a manager's reports are looked up that way (the
reporting line, the team heat map, work patterns, the demo's quiz story).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 10:30:00

Without it each lookup read the whole employees table; the demo's list of people who have
someone reporting to them read it once per person (over 20 minutes at 128,000 people).
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_employees_manager", "employees", ["manager_id"])


def downgrade() -> None:
    op.drop_index("ix_employees_manager", table_name="employees")
