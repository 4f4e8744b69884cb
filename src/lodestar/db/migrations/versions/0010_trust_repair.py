"""what the empty placeholders of 0006-0008 left out; an account's last sign-in

Revisions 0006 (sessions, API tokens, sign-in failures), 0007 (unique KPI and enrolment keys,
import jobs and locks) and 0008 (audit events: whom, path, address) were first committed as
empty placeholders and filled in later. A database upgraded while they were empty is stamped
past them without their tables, columns and indexes, and the filled-in revisions never run on
it. This revision looks at the database and makes whatever of those is missing, with the same
steps those revisions use (each exposes one function per table or change), so every database
ends with the same schema however it got here. On a database that has them all, it changes
nothing of theirs.

It also adds ``users.last_sign_in_at``, shown on the administrators' accounts page.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 04:10:00
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

HERE = Path(__file__).parent


def _revision(filename: str) -> ModuleType:
    """An earlier revision's module, to run its own steps."""
    spec = importlib.util.spec_from_file_location(
        f"lodestar_revision_{filename[:4]}", HERE / filename
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())

    accounts = _revision("0006_accounts.py")
    for table, make in (
        ("user_sessions", accounts.create_user_sessions),
        ("api_tokens", accounts.create_api_tokens),
        ("sign_in_failures", accounts.create_sign_in_failures),
    ):
        if table not in tables:
            make()
    if "api_token_hash" in {c["name"] for c in inspector.get_columns("users")}:
        accounts.carry_over_unnamed_tokens()

    imports = _revision("0007_imports.py")
    # The unique KPI key is an expression index, which SQLite does not reflect; the plain
    # index it replaced is still there if 0007 never ran.
    old_index = "ix_kpi_observations_kpi_period"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # "skipped expression-based index"
        kpi_indexes = {i["name"] for i in inspector.get_indexes("kpi_observations")}
    if old_index in kpi_indexes:
        imports.add_unique_keys()
    if "unlisted_problems" not in {c["name"] for c in inspector.get_columns("import_runs")}:
        imports.add_unlisted_problems()
    if "import_locks" not in tables:
        imports.create_import_locks()
    if "import_jobs" not in tables:
        imports.create_import_jobs()

    privacy = _revision("0008_privacy.py")
    have_columns = {c["name"] for c in inspector.get_columns("audit_events")}
    have_indexes = {i["name"] for i in inspector.get_indexes("audit_events")}
    columns = [c.name for c in privacy.new_columns() if c.name not in have_columns]
    indexes = [name for name in privacy.NEW_INDEXES if name not in have_indexes]
    if columns or indexes:
        privacy.add_to_audit_events(columns, indexes)

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("last_sign_in_at", lodestar.db.base.UtcDateTime(), nullable=True)
        )


def downgrade() -> None:
    # What the repair made belongs to 0006-0008 and is undone by their downgrades.
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("last_sign_in_at")
