"""audit trail and privacy: who the event is about, and where the request came from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# What this revision adds to audit_events, named so 0010 can add exactly what a database that
# passed through the empty placeholder of this revision lacks.
def new_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=500), server_default="", nullable=False),
        sa.Column("address", sa.String(length=64), server_default="", nullable=False),
    ]


NEW_INDEXES = {"ix_audit_events_person_id": "person_id", "ix_audit_events_actor_id": "actor_id"}


def upgrade() -> None:
    add_to_audit_events([c.name for c in new_columns()], list(NEW_INDEXES))


def add_to_audit_events(columns: list[str], indexes: list[str]) -> None:
    """Add the named ones of this revision's columns and indexes."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for column in new_columns():
            if column.name in columns:
                batch_op.add_column(column)
        for name in indexes:
            batch_op.create_index(op.f(name), [NEW_INDEXES[name]], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_person_id"))
        batch_op.drop_column("address")
        batch_op.drop_column("path")
        batch_op.drop_column("person_id")
