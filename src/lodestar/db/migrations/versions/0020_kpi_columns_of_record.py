"""KPI observations are stored once, as columns: ``kpi_observations`` is dropped

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 07:40:00

Until now every observation was written twice: a row of ``kpi_observations`` and an entry in
the packed arrays of ``kpi_columns`` (per KPI and period). The columns become the storage of
record (``db.kpi_store``). Before the long table goes, every KPI whose columns do not hold as
many entries as its long-table rows (columns written before 0005, or a row written behind the
store's back) gets its columns and period totals rebuilt from the long table, so no value is
lost. Downgrading unpacks the columns back into rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# The packing of db.kpi_store as of this revision (a migration does not import the code).
SUBJECT, VALUE, WEIGHT = np.dtype("<i8"), np.dtype("<f8"), np.dtype("<i4")

columns = sa.table(
    "kpi_columns",
    sa.column("id"),
    sa.column("kpi_id"),
    sa.column("period", sa.Date()),
    sa.column("row_count"),
    sa.column("subject_data", sa.LargeBinary()),
    sa.column("value_data", sa.LargeBinary()),
    sa.column("weight_data", sa.LargeBinary()),
)
totals = sa.table(
    "kpi_period_totals",
    sa.column("kpi_id"),
    sa.column("period", sa.Date()),
    sa.column("row_count"),
    sa.column("value_total"),
)
observations = sa.table(
    "kpi_observations",
    sa.column("kpi_id"),
    sa.column("employee_id"),
    sa.column("team_id"),
    sa.column("period", sa.Date()),
    sa.column("value"),
    sa.column("weight"),
)


def upgrade() -> None:
    bind = op.get_bind()
    for (kpi_id,) in bind.execute(sa.text("SELECT id FROM kpis ORDER BY id")).all():
        long_rows = bind.execute(
            sa.text("SELECT count(*) FROM kpi_observations WHERE kpi_id = :k"), {"k": kpi_id}
        ).scalar()
        packed = bind.execute(
            sa.text("SELECT coalesce(sum(row_count), 0) FROM kpi_columns WHERE kpi_id = :k"),
            {"k": kpi_id},
        ).scalar()
        if int(long_rows or 0) != int(packed or 0):
            _rebuild(bind, int(kpi_id))
    if bind.dialect.name == "postgresql":
        # The arrays are stored as they are: compressing them on every write (TOAST's pglz)
        # cost more than writing them, and packed doubles hardly compress.
        for column in ("subject_data", "value_data", "weight_data"):
            op.execute(f"ALTER TABLE kpi_columns ALTER COLUMN {column} SET STORAGE EXTERNAL")
    op.drop_index("ix_kpi_observations_kpi_team", table_name="kpi_observations")
    op.drop_index("ix_kpi_observations_kpi_employee", table_name="kpi_observations")
    op.drop_index("ux_kpi_observations_key", table_name="kpi_observations")
    op.drop_table("kpi_observations")


def _rebuild(bind: Any, kpi_id: int) -> None:
    """The columns and totals of one KPI, from its long-table rows."""
    bind.execute(sa.delete(columns).where(columns.c.kpi_id == kpi_id))
    bind.execute(sa.delete(totals).where(totals.c.kpi_id == kpi_id))
    for period, rows in _periods(bind, kpi_id):
        subject = np.array([r[0] for r in rows], dtype=np.int64)
        value = np.array([r[1] for r in rows], dtype=np.float64)
        weight = np.array([r[2] for r in rows], dtype=np.int64)
        order = np.argsort(subject, kind="stable")
        subject, value, weight = subject[order], value[order], weight[order]
        bind.execute(
            sa.insert(columns).values(
                kpi_id=kpi_id,
                period=period,
                row_count=len(subject),
                subject_data=subject.astype(SUBJECT).tobytes(),
                value_data=value.astype(VALUE).tobytes(),
                weight_data=weight.astype(WEIGHT).tobytes(),
            )
        )
        bind.execute(
            sa.insert(totals).values(
                kpi_id=kpi_id,
                period=period,
                row_count=len(subject),
                value_total=float(np.sum(value, dtype=np.float64)),
            )
        )


def _periods(bind: Any, kpi_id: int) -> Iterator[tuple[Any, list[Any]]]:
    """The KPI's long-table rows as (subject, value, weight), period by period."""
    t = observations
    result = bind.execute(
        sa.select(t.c.period, sa.func.coalesce(t.c.employee_id, t.c.team_id, 0), t.c.value,
                  t.c.weight)
        .where(t.c.kpi_id == kpi_id)
        .order_by(t.c.period)
    )  # fmt: skip
    current: Any = None
    rows: list[Any] = []
    for period, subject, value, weight in result:
        if rows and period != current:
            yield current, rows
            rows = []
        current = period
        rows.append((subject, value, weight))
    if rows:
        yield current, rows


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in ("subject_data", "value_data", "weight_data"):
            op.execute(f"ALTER TABLE kpi_columns ALTER COLUMN {column} SET STORAGE EXTENDED")
    op.create_table(
        "kpi_observations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_kpi_observations_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpis.id"], name=op.f("fk_kpi_observations_kpi_id_kpis")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_kpi_observations_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_observations")),
    )
    bind = op.get_bind()
    grains: dict[int, str] = dict(bind.execute(sa.text("SELECT id, grain FROM kpis")).all())
    stored = bind.execute(
        sa.select(
            columns.c.kpi_id,
            columns.c.period,
            columns.c.subject_data,
            columns.c.value_data,
            columns.c.weight_data,
        ).order_by(columns.c.kpi_id, columns.c.period)
    ).all()
    for kpi_id, period, subject_data, value_data, weight_data in stored:
        grain = grains.get(kpi_id)
        subject = np.frombuffer(subject_data, SUBJECT).tolist()
        value = np.frombuffer(value_data, VALUE).tolist()
        weight = np.frombuffer(weight_data, WEIGHT).tolist()
        rows = [
            {
                "kpi_id": kpi_id,
                "employee_id": s if grain == "employee" else None,
                "team_id": s if grain == "team" else None,
                "period": period,
                "value": v,
                "weight": w,
            }
            for s, v, w in zip(subject, value, weight, strict=True)
        ]
        if rows:
            bind.execute(sa.insert(observations), rows)
    op.create_index(
        "ux_kpi_observations_key",
        "kpi_observations",
        ["kpi_id", "period", sa.text("coalesce(employee_id, 0)"), sa.text("coalesce(team_id, 0)")],
        unique=True,
    )
    op.create_index(
        "ix_kpi_observations_kpi_employee", "kpi_observations", ["kpi_id", "employee_id"]
    )
    op.create_index("ix_kpi_observations_kpi_team", "kpi_observations", ["kpi_id", "team_id"])
