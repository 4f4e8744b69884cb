"""Nudges in the flow of work: templates and schedules, deliveries (the claim rows that make a
message go out once), opt-outs, and people's working calendars

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-05 05:00:00

down_revision is the head of main when this branch was cut (0014); the xAPI branch's 0015
comes in between once it is merged, and the chain is re-pointed then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_patterns",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("working_days", sa.String(length=40), nullable=False),
        sa.Column("updated_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_work_patterns_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_work_patterns")),
    )
    op.create_table(
        "nudge_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("created_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_nudge_opt_outs_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_nudge_opt_outs_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_opt_outs")),
        sa.UniqueConstraint(
            "employee_id", "program_id", name=op.f("uq_nudge_opt_outs_employee_id_program_id")
        ),
    )
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("behaviour", sa.String(length=120), nullable=False),
        sa.Column("send_at", sa.Time(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_nudges_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_nudges_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudges")),
    )
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nudges_program_id"), ["program_id"], unique=False)

    op.create_table(
        "nudge_deliveries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("nudge_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("due_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("claimed_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("answer", sa.String(length=12), nullable=True),
        sa.Column("answered_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_nudge_deliveries_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["nudge_id"], ["nudges.id"], name=op.f("fk_nudge_deliveries_nudge_id_nudges")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["employees.id"],
            name=op.f("fk_nudge_deliveries_recipient_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_deliveries")),
        sa.UniqueConstraint(
            "nudge_id",
            "employee_id",
            "occurrence",
            name=op.f("uq_nudge_deliveries_nudge_id_employee_id_occurrence"),
        ),
    )
    with op.batch_alter_table("nudge_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_nudge_deliveries_claimed_by", ["claimed_by"], unique=False)
        batch_op.create_index(
            "ix_nudge_deliveries_status_next", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("nudge_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_nudge_deliveries_status_next")
        batch_op.drop_index("ix_nudge_deliveries_claimed_by")

    op.drop_table("nudge_deliveries")
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nudges_program_id"))

    op.drop_table("nudges")
    op.drop_table("nudge_opt_outs")
    op.drop_table("work_patterns")
