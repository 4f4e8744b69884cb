"""import jobs and unique KPI keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved in the revision chain; the imports work fills it in."""


def downgrade() -> None:
    """Nothing to undo yet."""
