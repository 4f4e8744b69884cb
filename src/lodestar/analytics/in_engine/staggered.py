"""Staggered-adoption effects (Callaway & Sant'Anna) on a table that stays in its engine.

:func:`estimate_staggered_table` is :func:`lodestar.analytics.estimators.staggered.
estimate_staggered` for an Ibis table instead of a pandas frame, with the same checks, the
same messages and the same numbers (to rounding):

1. Aggregate queries run in the engine (:mod:`.queries`): per-period facts (missing values,
   missing people, the periods themselves) and per-cohort timing facts, which go through the
   in-memory engine's own checks (``check_timing``) and wording.
2. On a balanced panel without clusters or covariates, the rows of whole people are reduced
   to each cohort's moments: on Spark by the executors, partition by partition
   (:mod:`.spark_moments`), so that only the moments travel; on PostgreSQL by the engine,
   in one aggregate query (:mod:`.engine_moments`); elsewhere read in batches of
   ``batch_rows`` and reduced in Lodestar's process (:mod:`.moments`); the
   group-time effects, every aggregation, the standard errors, the event-study covariance
   and the pre-trend test come from those moments (:mod:`.group_time_moments`).
3. Anything else (covariates, a cluster column, an unbalanced panel, duplicated rows, fewer
   people than the few-cluster bootstrap needs, a cohort that changes over time) reads the
   needed columns in batches and runs the in-memory estimator on them, and says so.

``details["engine"]`` records which engine ran, the source, which path was taken and what
travelled to Python.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from lodestar.analytics.estimators.staggered import (
    effect_from_group_time,
    estimate_staggered,
)
from lodestar.analytics.evidence import FEW_CLUSTERS
from lodestar.analytics.in_engine.engine_moments import (
    MomentsIn,
    check_moments_in,
    engine_moments,
    reduces_in_engine,
)
from lodestar.analytics.in_engine.freed_memory import return_freed_batches
from lodestar.analytics.in_engine.group_time_moments import group_time_from_moments
from lodestar.analytics.in_engine.moments import NotBalanced, reduce_batches
from lodestar.analytics.in_engine.queries import (
    Columns,
    batch_rows,
    finite_rows,
    period_facts,
    unit_bounds,
    unit_facts,
)
from lodestar.analytics.in_engine.spark_moments import is_spark, reduce_on_executors
from lodestar.analytics.panel_checks import NEVER, UnitTiming, check_timing
from lodestar.analytics.panels import (
    MIN_GROUP_SIZE,
    ControlGroup,
    Panel,
    check_control_group,
    missing_people_message,
    missing_periods_message,
    no_values_message,
    numeric_values,
    period_values,
    unobserved_note,
)
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

#: Rows per batch read from the engine (about 32 bytes each once in Python).
BATCH_ROWS = 8_000_000


def estimate_staggered_table(
    table: ir.Table,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    info: OutcomeInfo | None = None,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    control_group: ControlGroup = "never_treated",
    confidence: float = 0.95,
    min_group_size: int = MIN_GROUP_SIZE,
    engine: str = "",
    source: str = "",
    batch_rows_: int = BATCH_ROWS,
    moments_in: MomentsIn = "auto",
) -> EffectEstimate:
    """Callaway & Sant'Anna effects of a program on the KPI in ``table``, computed where the
    table lives. ``engine`` and ``source`` name the engine and the table for the record;
    ``moments_in`` where a balanced panel's moments are reduced (not on Spark, see
    :data:`.engine_moments.MomentsIn`)."""
    control_group = check_control_group(control_group)
    moments_in = check_moments_in(moments_in)
    info = info or OutcomeInfo(name=outcome)
    cols = Columns(unit=unit, time=time, outcome=outcome, cohort=cohort)
    _check_types(table, cols, covariates, cluster)
    table = finite_rows(table, outcome)  # a NaN or infinite value is no observation
    record: dict[str, Any] = {"engine": engine, "source": source}

    def pulled(reason: str) -> EffectEstimate:
        return _pull_and_estimate(
            table,
            cols,
            covariates=covariates,
            cluster=cluster,
            info=info,
            control_group=control_group,
            confidence=confidence,
            min_group_size=min_group_size,
            record={**record, "path": "rows", "why": reason},
            batch=batch_rows_,
        )

    if covariates or cluster:
        return pulled(
            "Covariates and team-level (cluster) standard errors need each person's row, so "
            "the needed columns were read in batches and estimated in memory."
        )
    facts = period_facts(table, cols).to_pandas()
    if int(facts["no_unit"].sum()):
        raise InvalidInput(missing_people_message(unit))
    if facts["time"].isna().any():
        raise InvalidInput(
            missing_periods_message(time, int(facts.loc[facts["time"].isna(), "rows"].sum()))
        )
    notes: list[str] = []
    missing = int(facts["missing"].sum())
    people = unit_facts(table, cols).to_pandas()
    if (people["cohort_low"] != people["cohort_high"]).any():
        return pulled("A cohort changes over time for some people; the in-memory checks say so.")
    if missing:
        notes.append(unobserved_note(missing, info.name))
    observed = facts[facts["rows"] > facts["missing"]]
    if observed.empty:
        raise InvalidInput(no_values_message(info.name))
    periods = np.sort(observed["time"].to_numpy(dtype=np.float64))
    timing = _timing(people)
    checked = check_timing(
        timing,
        periods,
        label=info.name,
        control_group=control_group,
        min_group_size=min_group_size,
    )
    notes.extend(checked.notes)
    if not checked.balanced:
        return pulled(
            "The panel is unbalanced (not everyone is observed in every period), so each "
            "comparison uses the people observed in both of its periods: the needed columns "
            "were read in batches and estimated in memory."
        )
    if checked.n_units < FEW_CLUSTERS:
        return pulled(
            f"With fewer than {FEW_CLUSTERS} people the standard error comes from a bootstrap "
            "over people, which needs each person's values."
        )
    shift = float(observed["total"].sum()) / float((observed["rows"] - observed["missing"]).sum())
    n_rows = int(people["observed"].mul(people["people"]).sum())
    on_executors = is_spark(table)
    in_engine = not on_executors and reduces_in_engine(table, moments_in)
    not_on_executors = ""
    try:
        if on_executors:
            try:
                moments, rows_read = reduce_on_executors(
                    table, cols, periods, shift=shift, partitions=-(-n_rows // batch_rows_)
                )
            except NotBalanced:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. Lodestar not installed on executors
                on_executors = False
                said = [line.strip() for line in str(exc).splitlines() if "Error" in line]
                not_on_executors = (
                    "Spark's executors could not reduce the rows ("
                    + (said[-1] if said else type(exc).__name__)[:200]
                    + "), so they were read in batches; install Lodestar in the executors' "
                    "Python environment to keep the rows on the cluster."
                )
        if in_engine:
            moments, rows_read = engine_moments(table, cols, periods, shift=shift)
        elif not on_executors:
            moments, rows_read = reduce_batches(
                _batches(table, cols, n_rows, batch_rows_), periods, shift=shift
            )
    except NotBalanced as exc:
        return pulled(
            "Some people have more than one row in a period; the in-memory checks say so."
            if exc.duplicated
            else "The panel is unbalanced; the needed columns were read and estimated in memory."
        )
    panel = Panel(
        frame=pd.DataFrame({"unit": [], "time": [], "y": [], "cohort": []}),
        outcome=info.name,
        periods=tuple(float(p) for p in periods),
        cohort_sizes=checked.cohort_sizes,
        n_units=checked.n_units,
        n_never_treated=checked.n_never_treated,
        balanced=checked.balanced,
        notes=tuple(notes),
    )
    effects, cell_notes = group_time_from_moments(moments, periods, control_group)
    est = effect_from_group_time(
        panel,
        effects,
        info,
        cell_notes,
        control_group,
        confidence,
        baseline=_baseline(moments, periods, shift),
    )
    n_numbers = int(moments.n.size + moments.sums.size + moments.cross.size)
    record.update(
        path="moments",
        rows_read=rows_read,
        reduced_in="executors" if on_executors else "engine" if in_engine else "lodestar",
        **({"why": not_on_executors} if not_on_executors else {}),
        travelled=(
            f"Per-period and per-cohort counts, then each cohort's per-period sums and sums of "
            f"products ({n_numbers:,} numbers), "
            + (
                f"reduced from {rows_read:,} rows on Spark's executors (one row of moments per "
                "partition came back)."
                if on_executors
                else f"reduced from {rows_read:,} rows in the engine (one row of moments per "
                "cohort came back)."
                if in_engine
                else f"reduced from {rows_read:,} rows read in batches."
            )
        ),
    )
    return dataclasses.replace(est, details={**est.details, "engine": record})


def _check_types(
    table: ir.Table, cols: Columns, covariates: Sequence[str], cluster: str | None
) -> None:
    """The in-memory engine's column checks, on the table's schema (and a few sample rows
    for the message when a column does not hold numbers)."""
    schema = table.schema()
    wanted = [cols.outcome, cols.unit, cols.time, cols.cohort, *covariates]
    wanted += [cluster] if cluster else []
    missing = [c for c in dict.fromkeys(wanted) if c not in schema]
    if missing:
        raise InvalidInput(
            "The panel has no column "
            + ", ".join(f"'{c}'" for c in missing)
            + ". Available columns are: "
            + ", ".join(schema.names)
            + ". Name the right columns and try again."
        )

    def sample(column: str) -> pd.Series:
        frame = table.select(column).filter(table[column].notnull()).limit(5).to_pandas()
        return frame[column]

    if not (schema[cols.time].is_numeric() or schema[cols.time].is_boolean()):
        period_values(sample(cols.time))
    for column, what in [(cols.outcome, "KPI"), (cols.cohort, "cohort")] + [
        (c, "covariate") for c in covariates
    ]:
        if not (schema[column].is_numeric() or schema[column].is_boolean()):
            numeric_values(sample(column), what)


def _timing(people: pd.DataFrame) -> UnitTiming:
    """One entry per person from the grouped facts (identifiers are positions: only counts
    and the people left out are read from the check, and the engine leaves those out by the
    same rule)."""
    counts = people["people"].to_numpy(dtype=np.int64)
    cohort = people["cohort_high"].to_numpy(dtype=np.float64)
    cohort = np.where(cohort == 0.0, NEVER, cohort)
    return UnitTiming(
        units=np.arange(int(counts.sum())),
        cohort=np.repeat(cohort, counts),
        first_time=np.repeat(people["first_time"].to_numpy(dtype=np.float64), counts),
        observed=np.repeat(people["observed"].to_numpy(dtype=np.int64), counts),
    )


def _batches(table: ir.Table, cols: Columns, rows: int, size: int) -> Iterator[pa.Table]:
    """Whole people at a time, about ``size`` rows per batch: ranges of the person identifier
    when it is a number (a table sorted by person then reads only its own row groups), else
    one batch."""
    return_freed_batches()
    if not table.schema()[cols.unit].is_integer() or rows <= size:
        yield batch_rows(table, cols, None, None).to_pyarrow()
        return
    bounds = unit_bounds(table, cols).to_pandas()
    low, high = int(bounds["low"].iloc[0]), int(bounds["high"].iloc[0]) + 1
    parts = -(-rows // size)
    edges = np.unique(np.linspace(low, high, parts + 1).astype(np.int64))
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        yield batch_rows(table, cols, int(a), int(b)).to_pyarrow()


def _baseline(moments: Any, periods: np.ndarray, shift: float) -> float | None:
    """Participants' mean outcome before their start, from the moments."""
    never = len(periods) + 1
    total, count = 0.0, 0.0
    for c, n, sums in zip(moments.cohort, moments.n, moments.sums, strict=True):
        if c == never:
            continue
        before = np.arange(len(periods)) < c
        total += float(sums[before].sum()) + shift * n * int(before.sum())
        count += n * int(before.sum())
    return total / count if count else None


def _pull_and_estimate(
    table: ir.Table,
    cols: Columns,
    *,
    covariates: Sequence[str],
    cluster: str | None,
    info: OutcomeInfo,
    control_group: ControlGroup,
    confidence: float,
    min_group_size: int,
    record: dict[str, Any],
    batch: int,
) -> EffectEstimate:
    """The in-memory estimator on only the columns it needs, read in batches."""
    needed = list(dict.fromkeys([cols.unit, cols.time, cols.outcome, cols.cohort, *covariates]))
    needed += [cluster] if cluster and cluster not in needed else []
    reader = table.select(*needed).to_pyarrow_batches(chunk_size=min(batch, 1_000_000))
    frame = pa.Table.from_batches(list(reader), schema=reader.schema).to_pandas()
    est = estimate_staggered(
        frame,
        outcome=cols.outcome,
        unit=cols.unit,
        time=cols.time,
        cohort=cols.cohort,
        covariates=covariates,
        cluster=cluster,
        info=info,
        control_group=control_group,
        confidence=confidence,
        min_group_size=min_group_size,
    )
    record = {
        **record,
        "rows_read": len(frame),
        "travelled": f"{len(frame):,} rows of the columns " + ", ".join(needed) + ".",
    }
    return dataclasses.replace(est, details={**est.details, "engine": record})
