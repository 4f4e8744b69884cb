"""import jobs and unique KPI keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 01:00:00

- ``kpi_observations`` gets a unique key on (KPI, period, employee, team) and
  ``program_enrolments`` on (program, employee): before them, two imports of one file at
  once could both commit. Rows that already break the key are removed first, keeping the
  most recently written row of each key (the highest id, i.e. the last import's value),
  and the columnar copy of every KPI concerned is dropped so that the next read rebuilds
  it from the long table. The migration says how many rows it removed.
- ``import_jobs`` (imports running in the background, with progress) and ``import_locks``
  (one row per kind of import, locked while an import writes).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

KPI_KEY = "kpi_id, period, coalesce(employee_id, 0), coalesce(team_id, 0)"
ENROLMENT_KEY = "program_id, employee_id"


def _remove_duplicates(table: str, key: str, what: str) -> list[int]:
    """Delete all but the highest id of every repeated key; returns the first key column's
    values that had repeats. Says how many rows went."""
    conn = op.get_bind()
    first = key.split(",")[0].strip()
    repeated = [
        int(v)
        for (v,) in conn.exec_driver_sql(
            f"SELECT DISTINCT {first} FROM (SELECT {first} FROM {table} "
            f"GROUP BY {key} HAVING COUNT(*) > 1) AS d"
        )
    ]
    if not repeated:
        return []
    removed = conn.exec_driver_sql(
        f"DELETE FROM {table} WHERE id NOT IN (SELECT MAX(id) FROM {table} GROUP BY {key})"
    ).rowcount
    log.warning(
        "Removed %s duplicate %s (the same %s stored more than once, from imports that ran "
        "at the same time); kept the most recently written row of each.",
        f"{removed:,}",
        table.replace("_", " "),
        what,
    )
    return repeated


def upgrade() -> None:
    add_unique_keys()
    add_unlisted_problems()
    create_import_locks()
    create_import_jobs()


# One function per change, so 0010 can make exactly what a database that passed through the
# empty placeholder of this revision lacks.


def add_unique_keys() -> None:
    """Duplicates go (the newest row of each key stays), then the two keys become unique."""
    kpis = _remove_duplicates("kpi_observations", KPI_KEY, "KPI, subject and period")
    if kpis:
        op.get_bind().exec_driver_sql(
            f"DELETE FROM kpi_columns WHERE kpi_id IN ({', '.join(map(str, kpis))})"
        )
        log.warning(
            "The columnar copy of %d KPI(s) will be rebuilt from the long table on first read.",
            len(kpis),
        )
    _remove_duplicates("program_enrolments", ENROLMENT_KEY, "program and employee")

    op.drop_index("ix_kpi_observations_kpi_period", table_name="kpi_observations")
    op.create_index(
        "ux_kpi_observations_key",
        "kpi_observations",
        [
            "kpi_id",
            "period",
            sa.text("coalesce(employee_id, 0)"),
            sa.text("coalesce(team_id, 0)"),
        ],
        unique=True,
    )
    op.drop_index("ix_program_enrolments_program_employee", table_name="program_enrolments")
    op.create_index(
        "ix_program_enrolments_program_employee",
        "program_enrolments",
        ["program_id", "employee_id"],
        unique=True,
    )


def add_unlisted_problems() -> None:
    with op.batch_alter_table("import_runs") as batch_op:
        batch_op.add_column(
            sa.Column("unlisted_problems", sa.Integer(), server_default="0", nullable=False)
        )


def create_import_locks() -> None:
    op.create_table(
        "import_locks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("taken_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_import_locks")),
    )


def create_import_jobs() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=80), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("rows_total", sa.BigInteger(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("file_kept", sa.Boolean(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("heartbeat", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("finished_at", lodestar.db.base.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["import_runs.id"], name=op.f("fk_import_jobs_run_id_import_runs")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_import_jobs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index("ix_import_jobs_status", "import_jobs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_import_jobs_status", table_name="import_jobs")
    op.drop_table("import_jobs")
    op.drop_table("import_locks")
    with op.batch_alter_table("import_runs") as batch_op:
        batch_op.drop_column("unlisted_problems")
    op.drop_index("ix_program_enrolments_program_employee", table_name="program_enrolments")
    op.create_index(
        "ix_program_enrolments_program_employee",
        "program_enrolments",
        ["program_id", "employee_id"],
        unique=False,
    )
    op.drop_index("ux_kpi_observations_key", table_name="kpi_observations")
    op.create_index(
        "ix_kpi_observations_kpi_period", "kpi_observations", ["kpi_id", "period"], unique=False
    )
