"""A program's staggered analysis on a KPI whose observations stay in an external source.

The people come from Lodestar's database as for an imported KPI (``panel._people``); they go
to the engine as a small table (unit, first treated period) and are joined there with the
source's rows, so the person x period panel is built where the observations live. Periods
are numbered 1, 2, ... over the periods the population has values in, exactly as
``build_program_panel`` numbers them, and the comparison is with people not yet trained, as
``analyse_panel`` does; the numbers then equal the in-memory engine's
(:mod:`lodestar.analytics.in_engine.staggered`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import KpiFacts, ProgramFacts
from lodestar.services.impact.kpi_sources import KpiSourceView, open_kpi_source
from lodestar.services.impact.panel import _people, _teams


def analyse_external_staggered(
    session: Session, program: ProgramFacts, kpi: KpiFacts, source: KpiSourceView
) -> tuple[EffectEstimate, dict[str, Any]]:
    """The staggered (Callaway & Sant'Anna) headline, with honest-DiD sensitivity, and the
    data snapshot to store with it."""
    import ibis

    from lodestar.analytics.in_engine.staggered import estimate_staggered_table
    from lodestar.analytics.sensitivity import add_sensitivity

    opened, mapping = open_kpi_source(source)
    people = _people(session, program)
    if kpi.grain == "team":
        people = _teams(people)
    table = opened.table
    units = ibis.memtable(pd.DataFrame({"unit_id": people["unit_id"].to_numpy(np.int64)}))
    mine = table.filter(table[mapping.value].notnull())
    mine = mine.inner_join(units, mine[mapping.subject] == units.unit_id)
    days = mine.select(period=mine[mapping.period]).distinct().to_pandas()["period"]
    if days.empty:
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}' in the {opened.label}. Check the person column and the program's "
            "departments, then try again."
        )
    periods = np.sort(days.to_numpy())
    starts = people["start_date"].to_numpy()
    treated = (people["group"].to_numpy() == "participant") & ~pd.isna(starts)
    at = np.searchsorted(_comparable(periods), _comparable(starts[treated]))
    first_treat = np.zeros(len(people), dtype=np.int64)
    first_treat[treated] = at + 1
    who = ibis.memtable(
        pd.DataFrame({"unit_id": people["unit_id"].to_numpy(np.int64), "first_treat": first_treat})
    )
    numbered = ibis.memtable(pd.DataFrame({"period": periods, "t": np.arange(1, len(periods) + 1)}))
    rows = table.inner_join(who, table[mapping.subject] == who.unit_id)
    rows = rows.inner_join(numbered, rows[mapping.period] == numbered.period)
    rows = rows.select(
        unit=rows.unit_id, t=rows.t, value=rows[mapping.value], first_treat=rows.first_treat
    )
    info = OutcomeInfo(
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        population="teams" if kpi.grain == "team" else "people",
    )
    headline = estimate_staggered_table(
        rows,
        outcome="value",
        unit="unit",
        time="t",
        cohort="first_treat",
        info=info,
        control_group="not_yet_treated",
        engine=opened.engine,
        source=opened.label,
    )
    headline = add_sensitivity(headline)
    snapshot = {
        "unit": kpi.grain,
        "people": int(headline.n_treated + headline.n_comparison),
        "participants": int(treated.sum()),
        "first_period": str(pd.Timestamp(periods[0]).date()),
        "last_period": str(pd.Timestamp(periods[-1]).date()),
        "rows": headline.details["engine"]["rows_read"],
        "engine": opened.engine,
        "source": opened.label,
    }
    return headline, snapshot


def _comparable(values: np.ndarray) -> np.ndarray:
    """Dates as datetime64[ns], so that periods and start dates compare."""
    if np.issubdtype(np.asarray(values).dtype, np.number):
        raise InvalidInput(
            "The source's period column holds numbers, so the program's start dates cannot be "
            "placed among its periods. Point the KPI at a column of dates (the first day of "
            "each week or month) and try again."
        )
    return np.asarray(pd.to_datetime(values).astype("datetime64[ns]"))
