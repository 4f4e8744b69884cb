"""KPI observations: the long table, and a columnar copy of it that analyses read.

``kpi_observations`` keeps one row per KPI, subject and period, where imports and audits can
see it. Reading millions of those rows back through a database driver costs about a
microsecond a row (one Python object per row): 10 s for 100,000 people x 104 weeks. So the
same values are also kept in ``kpi_columns``: one row per KPI and period holding that period's
subjects, values and weights as packed arrays (little-endian int64, float64 and int32, sorted
by subject). A whole KPI history comes back as a hundred-odd blobs in well under a second.

With the columns, ``kpi_period_totals`` keeps per KPI and period the number of subjects and
the sum of their values, so a trend (``period_totals``) is a read of a hundred small rows.

Every write to ``kpi_observations`` goes through this module (``add_observations``,
``update_observations``), which updates all three in the caller's transaction, so they commit
or roll back together. As a safety net, ``read_columns`` compares the row counts of the two and,
if something wrote the long table behind this module's back, rebuilds that KPI's columns from
the long table before reading them.

The subject of a row is its employee for employee-grain KPIs, its team for team-grain KPIs,
and 0 for organisation-wide KPIs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, event, func, insert, inspect, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from lodestar.db.bulk import indexes_rebuilt_after, insert_frame
from lodestar.db.models import Kpi, KpiColumn, KpiObservation, KpiPeriodTotal

_SUBJECT = np.dtype("<i8")
_VALUE = np.dtype("<f8")
_WEIGHT = np.dtype("<i4")
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class KpiRows:
    """All observations of one KPI as columns, by period and then by subject."""

    subject: np.ndarray  # int64: employee id, team id, or 0 for the organisation
    day: np.ndarray  # int64: the period as days since 1970-01-01
    value: np.ndarray  # float64
    weight: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.subject)


def subjects_of(frame: pd.DataFrame) -> np.ndarray:
    """The subject of each observation row: employee, else team, else 0."""
    employee = pd.to_numeric(frame["employee_id"]).to_numpy(dtype=np.float64, na_value=np.nan)
    team = pd.to_numeric(frame["team_id"]).to_numpy(dtype=np.float64, na_value=np.nan)
    chosen = np.where(np.isnan(employee), np.where(np.isnan(team), 0.0, team), employee)
    return chosen.astype(np.int64)


def add_observations(
    session: Session, frame: pd.DataFrame, *, on_rows: Callable[[int], None] | None = None
) -> int:
    """Insert new observations (``kpi_id, employee_id, team_id, period, value, weight``)
    into both stores; returns the number of rows written."""
    if frame.empty:
        return 0
    with indexes_rebuilt_after(session, KpiObservation, len(frame)):
        written = insert_frame(session, KpiObservation, frame, on_rows=on_rows)
    _merge(session, frame)
    return written


def update_observations(session: Session, changed: pd.DataFrame) -> None:
    """Give stored observations new values: ``id, value, weight`` and the row's
    ``kpi_id, employee_id, team_id, period`` (so the columns can follow)."""
    if changed.empty:
        return
    values = changed[["id", "value", "weight"]].astype({"id": np.int64, "weight": np.int64})
    session.execute(update(KpiObservation), values.to_dict("records"))
    _merge(session, changed)


def read_columns(session: Session, kpi_id: int) -> KpiRows:
    """Every observation of ``kpi_id``, rebuilt from the long table first if the columnar
    copy does not hold as many rows as the long table."""
    if _stored_rows(session, kpi_id) != _long_rows(session, kpi_id):
        rebuild_columns(session, kpi_id)
    table = _columns_table()
    result = session.execute(
        select(
            table.c.period,
            table.c.row_count,
            table.c.subject_data,
            table.c.value_data,
            table.c.weight_data,
        )
        .where(table.c.kpi_id == kpi_id)
        .order_by(table.c.period)
    ).all()
    if not result:
        return KpiRows(*(np.empty(0, np.int64),) * 2, np.empty(0), np.empty(0, np.int64))
    sizes = np.fromiter((r.row_count for r in result), np.int64, len(result))
    days = np.fromiter((_day(r.period) for r in result), np.int64, len(result))
    return KpiRows(
        subject=np.frombuffer(b"".join(r.subject_data for r in result), _SUBJECT).astype(
            np.int64, copy=False
        ),
        day=np.repeat(days, sizes),
        value=np.frombuffer(b"".join(r.value_data for r in result), _VALUE).astype(
            np.float64, copy=False
        ),
        weight=np.frombuffer(b"".join(r.weight_data for r in result), _WEIGHT).astype(np.int64),
    )


def rebuild_columns(session: Session, kpi_id: int) -> None:
    """Rewrite the columnar copy of one KPI from the long table (slow at scale: the
    repair path, not the normal one)."""
    table = _columns_table()
    session.execute(delete(table).where(table.c.kpi_id == kpi_id))
    session.execute(delete(KpiPeriodTotal).where(KpiPeriodTotal.kpi_id == kpi_id))
    t = KpiObservation
    rows = session.execute(
        select(t.kpi_id, t.employee_id, t.team_id, t.period, t.value, t.weight).where(
            t.kpi_id == kpi_id
        )
    ).all()
    frame = pd.DataFrame.from_records(
        rows, columns=["kpi_id", "employee_id", "team_id", "period", "value", "weight"]
    )
    _merge(session, frame, keep_repeats=True)


def remove_employee_observations(session: Session, employee_id: int) -> int:
    """Delete every observation whose subject is ``employee_id`` from both stores (erasure
    of a person's KPI values); returns the number of long-table rows deleted."""
    t = KpiObservation
    table = _columns_table()
    deleted, updates, totals = 0, [], []
    # One KPI at a time through the (kpi_id, employee_id) index; SQLite without statistics
    # would otherwise pick the (kpi_id, period) index and read every row of the KPI.
    for kpi_id in session.scalars(select(Kpi.id)).all():
        found = session.execute(
            select(t.id, t.period)
            .where(t.kpi_id == kpi_id, t.employee_id == employee_id)
            .with_hint(t, "INDEXED BY ix_kpi_observations_kpi_employee", "sqlite")
        ).all()
        if not found:
            continue
        periods = sorted({p for _, p in found})
        gone = session.execute(delete(t).where(t.id.in_([i for i, _ in found])))
        deleted += cast(CursorResult[Any], gone).rowcount or 0
        for row in session.execute(
            select(table).where(table.c.kpi_id == kpi_id, table.c.period.in_(periods))
        ):
            subject = np.frombuffer(row.subject_data, _SUBJECT)
            keep = subject != employee_id
            value = np.frombuffer(row.value_data, _VALUE)[keep]
            updates.append(
                {
                    "id": row.id,
                    "row_count": int(keep.sum()),
                    "subject_data": subject[keep].tobytes(),
                    "value_data": value.tobytes(),
                    "weight_data": np.frombuffer(row.weight_data, _WEIGHT)[keep].tobytes(),
                }
            )
            totals.append(_total(kpi_id, row.period, value))
    if updates:
        session.execute(update(KpiColumn), updates)
        _store_totals(session, totals)
    return int(deleted)


# --- keeping the columns --------------------------------------------------------------


def _columns_table() -> Table:
    table = KpiColumn.__table__
    assert isinstance(table, Table)
    return table


def _day(value: Any) -> int:
    return (pd.Timestamp(value).date() - _EPOCH).days


def _days(periods: pd.Series) -> np.ndarray:
    return np.asarray(pd.to_datetime(periods).to_numpy().astype("datetime64[D]").astype(np.int64))


def _stored_rows(session: Session, kpi_id: int) -> int:
    table = _columns_table()
    total = select(func.coalesce(func.sum(table.c.row_count), 0))
    return int(session.scalar(total.where(table.c.kpi_id == kpi_id)) or 0)


def _long_rows(session: Session, kpi_id: int) -> int:
    t = KpiObservation
    return int(session.scalar(select(func.count()).where(t.kpi_id == kpi_id)) or 0)


def _merge(session: Session, frame: pd.DataFrame, *, keep_repeats: bool = False) -> None:
    """Fold ``frame``'s rows into the columns of their KPI and period: a subject already
    there takes the new value and weight (unless ``keep_repeats``, used when rebuilding
    from the long table, which keeps every row)."""
    if frame.empty:
        return
    parts = pd.DataFrame(
        {
            "kpi_id": frame["kpi_id"].to_numpy(dtype=np.int64),
            "day": _days(frame["period"]),
            "subject": subjects_of(frame),
            "value": frame["value"].to_numpy(dtype=np.float64),
            "weight": frame["weight"].fillna(1).to_numpy(dtype=np.int64),
        }
    )
    table = _columns_table()
    for kpi_id, rows in parts.groupby("kpi_id", sort=True):
        days = np.unique(rows["day"].to_numpy())
        stored = {
            _day(r.period): r
            for r in session.execute(
                select(table).where(
                    table.c.kpi_id == int(kpi_id),
                    table.c.period.in_([_EPOCH + pd.Timedelta(days=int(d)) for d in days]),
                )
            )
        }
        inserts, updates, totals = [], [], []
        for day, group in rows.groupby("day", sort=True):
            old = stored.get(int(day))
            subject, value, weight = _folded(old, group, keep_repeats)
            totals.append(_total(int(kpi_id), _EPOCH + pd.Timedelta(days=int(day)), value))
            fields = {
                "row_count": len(subject),
                "subject_data": subject.astype(_SUBJECT).tobytes(),
                "value_data": value.astype(_VALUE).tobytes(),
                "weight_data": weight.astype(_WEIGHT).tobytes(),
            }
            if old is None:
                period = _EPOCH + pd.Timedelta(days=int(day))
                inserts.append({"kpi_id": int(kpi_id), "period": period, **fields})
            else:
                updates.append({"id": old.id, **fields})
        if inserts:
            session.execute(insert(table), inserts)
        if updates:
            session.execute(update(KpiColumn), updates)
        _store_totals(session, totals)


def _total(kpi_id: int, period: Any, value: np.ndarray) -> dict[str, Any]:
    return {
        "kpi_id": kpi_id,
        "period": pd.Timestamp(period).date(),
        "row_count": len(value),
        "value_total": float(np.sum(value, dtype=np.float64)),
    }


def _store_totals(session: Session, totals: list[dict[str, Any]]) -> None:
    """Replace the totals of these KPIs and periods (one KPI per call from ``_merge``)."""
    for kpi_id in {t["kpi_id"] for t in totals}:
        periods = [t["period"] for t in totals if t["kpi_id"] == kpi_id]
        session.execute(
            delete(KpiPeriodTotal).where(
                KpiPeriodTotal.kpi_id == kpi_id, KpiPeriodTotal.period.in_(periods)
            )
        )
    if totals:
        session.execute(insert(KpiPeriodTotal), totals)


def refresh_totals(session: Session, pairs: set[tuple[int, Any]]) -> None:
    """Recompute the totals of these (KPI, period) pairs from the long table (for the odd
    row written through the ORM; imports go through ``add_observations``)."""
    t = KpiObservation
    for kpi_id in sorted({k for k, _ in pairs}):
        periods = sorted({p for k, p in pairs if k == kpi_id})
        session.execute(
            delete(KpiPeriodTotal).where(
                KpiPeriodTotal.kpi_id == kpi_id, KpiPeriodTotal.period.in_(periods)
            )
        )
        summed = (
            select(t.kpi_id, t.period, func.count(), func.sum(t.value))
            .where(t.kpi_id == kpi_id, t.period.in_(periods))
            .group_by(t.kpi_id, t.period)
        )
        columns = ["kpi_id", "period", "row_count", "value_total"]
        session.execute(insert(KpiPeriodTotal).from_select(columns, summed))


@event.listens_for(Session, "after_flush")
def _totals_follow_orm_writes(session: Session, _flush: Any) -> None:
    pairs: set[tuple[int, Any]] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, KpiObservation):
            state = inspect(obj)  # the values before a change count too
            kpis = {obj.kpi_id, *state.attrs.kpi_id.history.deleted}
            periods = {obj.period, *state.attrs.period.history.deleted}
            pairs |= {(k, p) for k in kpis for p in periods if k is not None and p is not None}
    if pairs:
        refresh_totals(session, pairs)


def period_totals(session: Session, kpi_id: int, *, last: int) -> list[tuple[date, int, float]]:
    """The ``last`` most recent periods of ``kpi_id``, oldest first, as (period, number of
    subjects with a value, sum of their values): the rows a trend is drawn from."""
    t = KpiPeriodTotal
    rows = session.execute(
        select(t.period, t.row_count, t.value_total)
        .where(t.kpi_id == kpi_id)
        .order_by(t.period.desc())
        .limit(last)
    ).all()
    return [(p, int(n), float(v)) for p, n, v in reversed(rows)]


def _folded(
    old: Any, new: pd.DataFrame, keep_repeats: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    subject = new["subject"].to_numpy()
    value = new["value"].to_numpy()
    weight = new["weight"].to_numpy()
    if old is not None:
        subject = np.concatenate([np.frombuffer(old.subject_data, _SUBJECT), subject])
        value = np.concatenate([np.frombuffer(old.value_data, _VALUE), value])
        weight = np.concatenate([np.frombuffer(old.weight_data, _WEIGHT), weight])
    order = np.argsort(subject, kind="stable")  # stored rows before new ones per subject
    subject, value, weight = subject[order], value[order], weight[order]
    if not keep_repeats and len(subject) > 1:
        last = np.r_[subject[1:] != subject[:-1], True]
        subject, value, weight = subject[last], value[last], weight[last]
    return subject, value, weight
