"""The KPI values that time to productivity reads, from wherever the KPI's observations live.

Time to productivity (:mod:`.ramp`) needs four things of the KPI: the first period its values
cover for the program's people (new hires are followed from then), how many observations it
holds (for the data snapshot), the steady level (the mean among colleagues with a year's
tenure or more, when the program has no target) and the new hires' weekly values from their
hire date. :func:`kpi_values` gives them

- from the columns imported into Lodestar (``db.kpi_store``), or
- from the KPI's external source (docs/external-sources.md), in the engine that holds it: the
  program's people go to the engine as a small table (person, hire date, the day a year after
  it) and are joined there with the source's rows; the first period, the count and the steady
  level come back as one-row aggregates, and only the new hires' rows from their hire date
  travel (person, period and value, read in batches), because reaching the standard is decided
  week by week (a run of observed weeks at it) per person. ``new_hires`` also returns
  what the stored result's ``details.engine`` says of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from lodestar.db.kpi_store import read_columns
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import KpiFacts, ProgramFacts
from lodestar.services.impact.source_tables import holds_dates
from lodestar.services.impact.source_views import KpiSourceView, open_kpi_source, source_of_kpi

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

TENURED_DAYS = 365
BATCH_ROWS = 1_000_000
#: The new hires' values: ``employee_id``, ``period`` (datetime64) and ``value`` of the people
#: in the frame given (``employee_id``, ``hire_date``) from their hire date on, ordered by
#: period then person; and what the stored ``details.engine`` says of the reading ({} when
#: the values are Lodestar's own).
NewHires = Callable[[pd.DataFrame], tuple[pd.DataFrame, dict[str, Any]]]


@dataclass(frozen=True)
class KpiValues:
    """The KPI's values for a program's people, ready for time to productivity."""

    first_period: pd.Timestamp  # new hires are followed from here
    observations: int  # every observation the KPI holds, for the data snapshot
    steady: float | None  # the mean among people with a year's tenure or more (None: nobody)
    new_hires: NewHires
    engine: str = ""  # the engine that read an external source ("" for imported values)
    source: str = ""  # the source in words


def kpi_values(
    session: Session, program: ProgramFacts, kpi: KpiFacts, people: pd.DataFrame
) -> KpiValues:
    """The KPI's values for ``people`` (``employee_id``, ``hire_date``): from its external
    source when it has one, else from the columns imported into Lodestar."""
    source = source_of_kpi(session, kpi.id)
    if source is not None:
        return _from_source(program, kpi, source, people)
    stored = read_columns(session, kpi.id)
    rows = pd.DataFrame(
        {
            "employee_id": stored.subject,
            "period": stored.day.astype("datetime64[D]").astype("datetime64[ns]"),
            "value": stored.value,
        }
    )
    rows = rows[rows["employee_id"].isin(people["employee_id"])].reset_index(drop=True)
    if rows.empty:
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}'. Import the KPI's history (lodestar import kpis) and try again."
        )
    hired = rows["employee_id"].map(people.set_index("employee_id")["hire_date"])
    tenured = rows.loc[(rows["period"] - hired).dt.days >= TENURED_DAYS, "value"]

    def new_hires(hires: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
        hire = rows["employee_id"].map(hires.set_index("employee_id")["hire_date"])
        return rows[rows["period"] >= hire].reset_index(drop=True), {}

    steady = None if tenured.empty else float(tenured.mean())
    return KpiValues(rows["period"].min(), len(stored), steady, new_hires)


def _from_source(
    program: ProgramFacts, kpi: KpiFacts, source: KpiSourceView, people: pd.DataFrame
) -> KpiValues:
    """The values in the engine that holds the source: aggregates, then the new hires' rows."""
    import ibis

    opened, mapping = open_kpi_source(source)
    table = opened.table
    if not holds_dates(opened, mapping):
        raise InvalidInput(
            f"The period column '{mapping.period}' of the {opened.label} holds numbers, so new "
            "hires' weeks cannot be counted from their hire dates. Point the KPI at a column of "
            "dates (the first day of each week) and try again."
        )
    seen = table.filter(table[mapping.value].notnull())
    who = ibis.memtable(_people_table(people))
    joined = seen.inner_join(who, seen[mapping.subject] == who.employee_id)
    rows = joined.select(
        employee_id=joined.employee_id,
        period=joined[mapping.period].cast("date"),
        value=joined[mapping.value].cast("float64"),
        hire_date=joined.hire_date,
        tenured_from=joined.tenured_from,
    )
    tenured = rows.period >= rows.tenured_from
    facts = (
        rows.aggregate(
            first=rows.period.min(),
            tenured_n=ibis.ifelse(tenured, 1, 0).sum(),
            tenured_sum=ibis.ifelse(tenured, rows.value, 0.0).sum(),
        )
        .to_pandas()
        .iloc[0]
    )
    if pd.isna(facts["first"]):
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}' in the {opened.label}. Check the person column and the "
            "program's departments, then try again."
        )
    n_tenured = 0 if pd.isna(facts["tenured_n"]) else int(facts["tenured_n"])

    def new_hires(hires: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
        frame = _read_new_hires(rows, hires)
        return frame, {
            "engine": opened.engine,
            "source": opened.label,
            "path": "rows",
            "why": (
                "A new hire reaches the standard at the first of a run of observed weeks at it, "
                "which is decided week by week for each person, so the new hires' values "
                "from their hire date were read; the first period, the steady level and the "
                "count of observations were computed in the engine."
            ),
            "people": int(frame["employee_id"].nunique()),
            "rows_read": len(frame),
            "travelled": (
                f"{len(frame):,} rows of person, period and value (the new hires compared, "
                "from their hire date), read in batches, and two one-row aggregates."
            ),
        }

    return KpiValues(
        first_period=pd.Timestamp(facts["first"]),
        observations=int(seen.count().to_pandas()),
        steady=float(facts["tenured_sum"]) / n_tenured if n_tenured else None,
        new_hires=new_hires,
        engine=opened.engine,
        source=opened.label,
    )


def _read_new_hires(rows: ir.Table, hires: pd.DataFrame) -> pd.DataFrame:
    """Person, period and value of ``hires`` from their hire date, in batches."""
    import ibis
    import pyarrow as pa

    chosen = ibis.memtable(pa.table({"hire": pa.array(hires["employee_id"], pa.int64())}))
    mine = rows.inner_join(chosen, rows.employee_id == chosen.hire)
    mine = mine.filter(mine.period >= mine.hire_date)
    reader = (
        mine.select("employee_id", "period", "value")
        .order_by(["period", "employee_id"])
        .to_pyarrow_batches(chunk_size=BATCH_ROWS)
    )
    frame = pa.Table.from_batches(list(reader), schema=reader.schema).to_pandas()
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
    frame["employee_id"] = frame["employee_id"].astype(np.int64)
    return frame


def _people_table(people: pd.DataFrame) -> pa.Table:
    """The program's people for the engine: person, hire date and the day a year after it."""
    import pyarrow as pa

    hire = pd.to_datetime(people["hire_date"])
    year_on = hire + pd.Timedelta(days=TENURED_DAYS)
    return pa.table(
        {
            "employee_id": pa.array(people["employee_id"].to_numpy(np.int64)),
            "hire_date": pa.array(hire.to_numpy("datetime64[D]"), pa.date32(), from_pandas=True),
            "tenured_from": pa.array(
                year_on.to_numpy("datetime64[D]"), pa.date32(), from_pandas=True
            ),
        }
    )
