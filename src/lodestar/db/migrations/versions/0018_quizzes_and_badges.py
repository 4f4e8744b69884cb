"""Quizzes kept as data and their attempts; learning paths, their steps, personal plans and
completed steps; badges (achievements, awards with their signed credentials, signing keys)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 07:17:08

Follows 0017 (the skills catalogue), merged beside it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badge_signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("private_jwk", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("created_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_signing_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_badge_signing_keys_key_id")),
    )
    op.create_table(
        "learning_paths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skill_codes", sa.Text(), nullable=False),
        sa.Column("completion_rule", sa.String(length=20), nullable=False),
        sa.Column("min_steps", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_paths")),
        sa.UniqueConstraint("code", name=op.f("uq_learning_paths_code")),
    )
    op.create_table(
        "quizzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("built_in", sa.Boolean(), nullable=False),
        sa.Column("updated_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quizzes")),
        sa.UniqueConstraint("code", name=op.f("uq_quizzes_code")),
    )
    op.create_table(
        "badge_achievements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=True),
        sa.Column("skill_code", sa.String(length=80), nullable=True),
        sa.Column("min_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["learning_paths.id"],
            name=op.f("fk_badge_achievements_path_id_learning_paths"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_achievements")),
        sa.UniqueConstraint("code", name=op.f("uq_badge_achievements_code")),
    )
    op.create_table(
        "learning_path_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["learning_paths.id"],
            name=op.f("fk_learning_path_steps_path_id_learning_paths"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_path_steps")),
        sa.UniqueConstraint(
            "path_id", "position", name=op.f("uq_learning_path_steps_path_id_position")
        ),
    )
    with op.batch_alter_table("learning_path_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_path_steps_path_id"), ["path_id"], unique=False
        )

    op.create_table(
        "badge_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("awarded_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.String(length=300), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["badge_achievements.id"],
            name=op.f("fk_badge_awards_achievement_id_badge_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_badge_awards_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_awards")),
        sa.UniqueConstraint(
            "achievement_id", "employee_id", name=op.f("uq_badge_awards_achievement_id_employee_id")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_badge_awards_public_id")),
    )
    with op.batch_alter_table("badge_awards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_badge_awards_employee_id"), ["employee_id"], unique=False
        )

    op.create_table(
        "learning_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("reason_detail", sa.String(length=300), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("added_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_learning_plan_items_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["learning_paths.id"],
            name=op.f("fk_learning_plan_items_path_id_learning_paths"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_plan_items")),
        sa.UniqueConstraint(
            "employee_id", "path_id", name=op.f("uq_learning_plan_items_employee_id_path_id")
        ),
    )
    with op.batch_alter_table("learning_plan_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_plan_items_employee_id"), ["employee_id"], unique=False
        )

    op.create_table(
        "learning_step_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_learning_step_completions_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_learning_step_completions_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["learning_path_steps.id"],
            name=op.f("fk_learning_step_completions_step_id_learning_path_steps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_step_completions")),
        sa.UniqueConstraint(
            "employee_id", "step_id", name=op.f("uq_learning_step_completions_employee_id_step_id")
        ),
    )
    with op.batch_alter_table("learning_step_completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_step_completions_employee_id"), ["employee_id"], unique=False
        )

    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("outcome_code", sa.String(length=80), nullable=False),
        sa.Column("tie_broken", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("skill_totals", sa.Text(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=True),
        sa.Column("taken_at", lodestar.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_quiz_attempts_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_attempts_quiz_id_quizzes")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quiz_attempts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
    )
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_attempts_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            "ix_quiz_attempts_quiz_outcome", ["quiz_id", "outcome_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_quiz_attempts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_attempts_user_id"))
        batch_op.drop_index("ix_quiz_attempts_quiz_outcome")
        batch_op.drop_index(batch_op.f("ix_quiz_attempts_employee_id"))

    op.drop_table("quiz_attempts")
    with op.batch_alter_table("learning_step_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_step_completions_employee_id"))

    op.drop_table("learning_step_completions")
    with op.batch_alter_table("learning_plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_plan_items_employee_id"))

    op.drop_table("learning_plan_items")
    with op.batch_alter_table("badge_awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_awards_employee_id"))

    op.drop_table("badge_awards")
    with op.batch_alter_table("learning_path_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_path_steps_path_id"))

    op.drop_table("learning_path_steps")
    op.drop_table("badge_achievements")
    op.drop_table("quizzes")
    op.drop_table("learning_paths")
    op.drop_table("badge_signing_keys")
