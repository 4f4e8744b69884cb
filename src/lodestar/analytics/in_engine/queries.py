"""The panel's checks and its rows, written once as Ibis expressions.

Each function takes an Ibis table of person-period rows (any backend: DuckDB over Parquet,
PostgreSQL, Spark, ...) and the names of its person, period, KPI and cohort columns, and
returns an expression that the engine holding the rows runs:

- :func:`period_facts`: one row per period: rows, rows with no KPI value, rows with no person
  and the sum of the values (T rows travel).
- :func:`unit_facts`: people grouped by lowest and highest cohort, first observed period and
  number of observed periods: what :func:`lodestar.analytics.panel_checks.check_timing`
  decides on (a few rows travel).
- :func:`unit_bounds`: the lowest and highest person identifier, to cut the people into
  batches.
- :func:`batch_rows`: the observed rows of one batch of people, only the four columns the
  estimate needs, for :mod:`.moments` to reduce to cohort moments batch by batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir


@dataclass(frozen=True)
class Columns:
    """Which column of the table holds what (the user's names, used in every message)."""

    unit: str
    time: str
    outcome: str
    cohort: str


def finite_rows(rows: ir.Table, outcome: str) -> ir.Table:
    """``rows`` without the rows whose value is NaN or infinite (a float column of Parquet,
    PostgreSQL or Spark can hold them): they are no observation, and one of them would turn
    every sum, mean and moment it enters into NaN. Rows with no value (NULL) stay, as the
    checks count them."""
    value = rows[outcome]
    if not value.type().is_floating():
        return rows
    return rows.filter(value.isnull() | ~(value.isnan() | value.isinf()))


def nonfinite(value: ir.Value) -> ir.BooleanValue:
    """Whether a row's value is NaN or infinite (never for a NULL nor a non-float column)."""
    if not value.type().is_floating():
        return ibis.literal(False)
    return (value.isnan() | value.isinf()).fill_null(False)


def period_facts(rows: ir.Table, c: Columns) -> ir.Table:
    """Per period (a NULL period is its own row): rows, rows with no KPI value, rows with no
    person, and the sum of the observed values."""
    return (
        rows.group_by(rows[c.time].name("time"))
        .aggregate(
            rows=rows.count(),
            missing=rows[c.outcome].isnull().sum(),
            no_unit=rows[c.unit].isnull().sum(),
            total=rows[c.outcome].cast("float64").sum(),
        )
        .order_by("time")
    )


def _cohort(rows: ir.Table, c: Columns) -> ir.Value:
    """The cohort with missing read as 0, never treated (as ``prepare_panel`` reads it)."""
    return rows[c.cohort].cast("float64").fill_null(0.0)


def unit_facts(rows: ir.Table, c: Columns) -> ir.Table:
    """People grouped by (lowest cohort, highest cohort, first observed period, observed
    periods): the two cohorts differ for people whose cohort changes over time. Only rows
    with a value count as observed; people with none are not in the panel."""
    seen = rows.filter(rows[c.outcome].notnull())
    per_unit = seen.group_by(seen[c.unit].name("unit")).aggregate(
        cohort_low=_cohort(seen, c).min(),
        cohort_high=_cohort(seen, c).max(),
        first_time=seen[c.time].cast("float64").min(),
        observed=seen.count(),
    )
    return per_unit.group_by(["cohort_low", "cohort_high", "first_time", "observed"]).aggregate(
        people=per_unit.count()
    )


def unit_bounds(rows: ir.Table, c: Columns) -> ir.Table:
    """The lowest and highest person identifier (one row)."""
    return rows.aggregate(low=rows[c.unit].min(), high=rows[c.unit].max())


def batch_rows(rows: ir.Table, c: Columns, low: object | None, high: object | None) -> ir.Table:
    """The observed rows of the people with ``low <= unit < high`` (all people when both are
    None): person, period, value and cohort, nothing else."""
    seen = rows.filter(rows[c.outcome].notnull())
    if low is not None:
        seen = seen.filter(seen[c.unit] >= low)
    if high is not None:
        seen = seen.filter(seen[c.unit] < high)
    return seen.select(
        unit=seen[c.unit],
        time=seen[c.time].cast("float64"),
        y=seen[c.outcome].cast("float64"),
        cohort=_cohort(seen, c),
    )
