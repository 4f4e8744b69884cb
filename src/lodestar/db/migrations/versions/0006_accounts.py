"""sessions and api tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved in the revision chain; the accounts work fills it in."""


def downgrade() -> None:
    """Nothing to undo yet."""
