"""Statements cost fewer index writes: the voiding and registration indexes hold only the rows
that have a value (partial), and the object index that ``(object_id, id)`` already covers goes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 08:00:00

Every statement was written into ten indexes; most have no registration and are not voiding
statements, so two of those held a NULL per row, and ``ix_learning_statements_object`` repeated
the prefix of ``ix_learning_statements_object_pk``. Queries are unchanged: an equality or IN on
the column implies IS NOT NULL, which both databases use to pick the partial index.

Employees get an index on ``lower(email)``: every batch of statements matches its actors to
people by e-mail in any case, which read the whole employees table without it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

PARTIAL = ("voids_statement_id", "registration")
NAMES = {
    "voids_statement_id": "ix_learning_statements_voids",
    "registration": "ix_learning_statements_registration",
}


def upgrade() -> None:
    # Matching statements' actors to people looks e-mails up in any case, for every batch.
    op.create_index("ix_employees_email_lower", "employees", [sa.text("lower(email)")])
    op.drop_index("ix_learning_statements_object", table_name="learning_statements")
    for column in PARTIAL:
        op.drop_index(NAMES[column], table_name="learning_statements")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            NAMES[column],
            "learning_statements",
            [column],
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    for column in PARTIAL:
        op.drop_index(NAMES[column], table_name="learning_statements")
        op.create_index(NAMES[column], "learning_statements", [column])
    op.create_index("ix_learning_statements_object", "learning_statements", ["object_id"])
    op.drop_index("ix_employees_email_lower", table_name="employees")
