"""Quiz assessments name the attempt they came from; a revoked badge keeps why and by whom.

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-05 10:30:00

``skill_assessments.quiz_attempt_id``: a quiz-source assessment is recorded from a completed
attempt (its points mapped to a level, docs/quizzes-and-badges.md); the column ties the two, so
an attempt's levels are found, exported and erased with it. A plain integer, not a foreign key:
adding a constrained column to SQLite rebuilds the table, and this one holds millions of rows.

``badge_awards.revoked_reason`` and ``revoked_by_user_id``: revocation already had its date
(``revoked_at``); the public page now says why, in the issuer's words, and the audit says who.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("skill_assessments", sa.Column("quiz_attempt_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_skill_assessments_quiz_attempt",
        "skill_assessments",
        ["quiz_attempt_id"],
        postgresql_where=sa.text("quiz_attempt_id IS NOT NULL"),
        sqlite_where=sa.text("quiz_attempt_id IS NOT NULL"),
    )
    op.add_column(
        "badge_awards",
        sa.Column("revoked_reason", sa.String(300), nullable=False, server_default=""),
    )
    op.add_column("badge_awards", sa.Column("revoked_by_user_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("badge_awards", "revoked_by_user_id")
    op.drop_column("badge_awards", "revoked_reason")
    op.drop_index("ix_skill_assessments_quiz_attempt", table_name="skill_assessments")
    op.drop_column("skill_assessments", "quiz_attempt_id")
