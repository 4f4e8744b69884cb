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


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("path", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("address", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_audit_events_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_person_id"))
        batch_op.drop_column("address")
        batch_op.drop_column("path")
        batch_op.drop_column("person_id")
