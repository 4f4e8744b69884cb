"""A program's analysis on a KPI whose observations stay in an external source.

The people come from Lodestar's database as for an imported KPI (``panel._people``); they go
to the engine as a small table (unit, first treated period, arm, team) and are joined there
with the source's rows, so the person x period panel is built where the observations live.
Periods are numbered 1, 2, ... over the periods the population has values in, exactly as
``build_program_panel`` numbers them, and the design is chosen as ``analyse_panel`` chooses
it (from an aggregate query: start cohorts and comparison group). The numbers then equal the
in-memory engine's:

- staggered (and its 2x2 case): :mod:`lodestar.analytics.in_engine.staggered`, with the naive
  comparison beside it from aggregates (:mod:`lodestar.analytics.in_engine.naive`);
- randomised: :mod:`lodestar.analytics.in_engine.randomised`, aggregates only;
- selection on observables: each person's before and after means are computed in the engine
  and read, one row per person, then weighted in memory (``details.engine`` says so).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from lodestar.analytics.data_checks import is_flat
from lodestar.analytics.in_engine.queries import nonfinite
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.db.models import Employee
from lodestar.errors import InvalidInput
from lodestar.services.impact.analyse import (
    PanelDesignChoice,
    ProgramAnalysis,
    analyse_selection,
    flat_kpi,
    panel_choice,
    person_columns,
    program_analysis,
)
from lodestar.services.impact.design_choice import DataStructure, design_for_structure
from lodestar.services.impact.facts import KpiFacts, ProgramFacts
from lodestar.services.impact.panel import PERSON_COLUMNS, _people, _teams
from lodestar.services.impact.source_views import KpiSourceView, open_kpi_source

if TYPE_CHECKING:
    import ibis.expr.types as ir


@dataclass(frozen=True)
class ExternalRows:
    """The program's people joined with the source's rows in the engine: ``rows`` has unit,
    t (periods numbered 1, 2, ... as ``build_program_panel`` numbers them), value,
    first_treat, participant (1/0), arm (1 participant, 0 comparison, -1 neither) and
    team_id; ``people`` is the program's population from Lodestar's database."""

    rows: ir.Table
    people: pd.DataFrame
    periods: np.ndarray
    treated: np.ndarray
    engine: str
    label: str
    info: OutcomeInfo
    warnings: tuple[str, ...] = ()  # rows left out (no period, a value that is not a number)
    codes: dict[int, str] = dataclasses.field(default_factory=dict)  # employee number -> code


def external_rows(
    session: Session, program: ProgramFacts, kpi: KpiFacts, source: KpiSourceView
) -> ExternalRows:
    """Open the source and join its rows with the program's people, in the engine.

    Rows with no period, or whose value is NaN or infinite, are no observation: they are left
    out and counted in ``warnings``; a person with two rows in one period is refused, on every
    design, with the person and the period named."""
    import ibis

    opened, mapping = open_kpi_source(source)
    people = _people(session, program, external_id=Employee.external_id)
    # The employees' codes (external ids), by number: to match a text person column, and to
    # name a person in a refusal.
    codes = (
        dict(zip(people["unit_id"].tolist(), people["external_id"].astype(str), strict=True))
        if kpi.grain == "employee"
        else {}
    )
    if kpi.grain == "team":
        people = _teams(people)
    table = _dated(opened.table, mapping.period)
    by_code = table.schema()[mapping.subject].is_string()
    if by_code and kpi.grain == "team":
        raise InvalidInput(_team_codes_message(mapping.subject, opened.label))
    ids = people["unit_id"].to_numpy(np.int64)
    key = "unit_code" if by_code else "unit_id"
    units = ibis.memtable(_keyed(pd.DataFrame({"unit_id": ids}), codes, by_code))
    value = table[mapping.value]
    mine = table.inner_join(units, table[mapping.subject] == units[key])
    kept = (
        mine[mapping.value].notnull()
        & mine[mapping.period].notnull()
        & ~nonfinite(mine[mapping.value])
    )
    counted = (  # one scan: what is left out, and the spread of what is kept (a flat KPI)
        mine.aggregate(
            rows=mine.count(),
            no_period=mine[mapping.period].isnull().sum(),
            not_number=ibis.ifelse(nonfinite(mine[mapping.value]), 1, 0).sum(),
            low=mine[mapping.value].min(where=kept),
            high=mine[mapping.value].max(where=kept),
        )
        .to_pandas()
        .iloc[0]
    )
    seen = mine.filter(kept)
    warnings = _dropped_warnings(counted, kpi.name, opened.label)
    days = seen.select(period=seen[mapping.period]).distinct().to_pandas()["period"]
    if days.empty:
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}' in the {opened.label}"
            + (f" ({' '.join(warnings)})" if warnings else "")
            + ". Check the person column"
            + (" (its text is matched to the employees' external ids)" if by_code else "")
            + ", the period and value columns and the program's departments, then try again."
        )
    low, high = float(counted["low"]), float(counted["high"])
    if is_flat(np.array([low, high])):
        raise flat_kpi(
            kpi.name, program.name, low,
            f"the {opened.label} maps the column that holds its values ('{mapping.value}')",
        )  # fmt: skip
    periods = np.sort(days.to_numpy())
    starts = people["start_date"].to_numpy()
    group = people["group"].to_numpy()
    treated = (group == "participant") & ~pd.isna(starts)
    at = np.searchsorted(_comparable(periods), _comparable(starts[treated]))
    first_treat = np.zeros(len(people), dtype=np.int64)
    first_treat[treated] = at + 1
    participant = (group == "participant").astype(np.int64)
    who = ibis.memtable(
        _keyed(
            pd.DataFrame(
                {
                    "unit_id": ids,
                    "first_treat": first_treat,
                    "participant": participant,
                    "arm": np.where(participant == 1, 1, np.where(group == "comparison", 0, -1)),
                    "team_id": people["team_id"].to_numpy(np.int64),
                }
            ),
            codes,
            by_code,
        )
    )
    numbered = ibis.memtable(pd.DataFrame({"period": periods, "t": np.arange(1, len(periods) + 1)}))
    clean = table.filter(~nonfinite(value))
    rows = clean.inner_join(who, clean[mapping.subject] == who[key])
    rows = rows.inner_join(numbered, rows[mapping.period] == numbered.period)
    rows = rows.select(
        unit=rows.unit_id,
        t=rows.t,
        value=rows[mapping.value],
        first_treat=rows.first_treat,
        participant=rows.participant,
        arm=rows.arm,
        team_id=rows.team_id,
    )
    info = OutcomeInfo(
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        population="teams" if kpi.grain == "team" else "people",
    )
    return ExternalRows(
        rows, people, periods, treated, opened.engine, opened.label, info, tuple(warnings), codes
    )


def _dated(table: ir.Table, period: str) -> ir.Table:
    """A period column of time-zone-aware timestamps as dates, in UTC (the engines' sessions
    are set to UTC when opened), so that they compare with the program's start dates."""
    kind = table.schema()[period]
    if kind.is_timestamp() and getattr(kind, "timezone", None):
        return table.mutate(**{period: table[period].cast("date")})
    return table


def _keyed(frame: pd.DataFrame, codes: dict[int, str], by_code: bool) -> pd.DataFrame:
    """``frame`` with each unit's code when the source names people by code (text)."""
    if not by_code:
        return frame
    return frame.assign(unit_code=[codes.get(int(i), "") for i in frame["unit_id"]])


def _team_codes_message(column: str, label: str) -> str:
    return (
        f"The person column '{column}' of the {label} holds text, but this KPI is measured "
        "per team and teams are named by their numbers in Lodestar. Point the subject at a "
        "column of team numbers and try again."
    )


def _dropped_warnings(counted: pd.Series, name: str, label: str) -> list[str]:
    """What was left out of the source's rows for the program's people, with counts."""
    total = int(counted["rows"] or 0)
    said = []
    if not_number := int(counted["not_number"] or 0):
        said.append(
            f"{not_number:,} of the {total:,} rows of '{name}' for the program's people in the "
            f"{label} hold a value that is not a number (NaN) or is infinite; they were left "
            "out as no observation. Correct them in the source to count them."
        )
    if no_period := int(counted["no_period"] or 0):
        said.append(
            f"{no_period:,} of the {total:,} rows of '{name}' for the program's people in the "
            f"{label} have no period; they were left out. Give each row its period in the "
            "source to count them."
        )
    return said


def _refuse_repeats(data: ExternalRows) -> None:
    """Refuse two observed rows of one person in one period, naming the person (their code
    and number) and the period (a date), on every design alike. One aggregate over every
    (person, period) pair: the randomised and selection designs run it first (they reduce
    each person's rows and would average repeats); the staggered design only once its own
    balance check found repeats, so a table of a billion rows is not grouped twice."""
    rows = data.rows
    pairs = rows.group_by(["unit", "t"]).aggregate(n=rows.count())
    repeated = pairs.filter(pairs.n > 1)
    found = repeated.aggregate(pairs=repeated.count(), unit=repeated.unit.min()).to_pandas()
    count = int(found["pairs"].iloc[0] or 0)
    if not count:
        return
    unit = int(found["unit"].iloc[0])
    first = repeated.filter(repeated.unit == unit).aggregate(t=repeated.t.min()).to_pandas()
    when = data.periods[int(first["t"].iloc[0]) - 1]
    when_said = (
        f"period {when:g}"
        if isinstance(when, int | float | np.number)
        else f"the period of {pd.Timestamp(when).date()}"
    )
    label, codes = data.label, data.codes
    who = (
        f"team {unit}"
        if data.info.population == "teams"
        else f"employee {codes[unit]} (number {unit})"
        if unit in codes
        else f"employee {unit}"
    )
    raise InvalidInput(
        f"The {label} has more than one row for the same person and period {count:,} times "
        f"(for example {who} in {when_said}). Keep one row per person and period in the "
        "source, or point the KPI at a view that averages or sums the KPI within the period, "
        "and try again."
    )


def external_design(
    program: ProgramFacts, data: ExternalRows, requested: str | None
) -> PanelDesignChoice:
    """The design as ``choose_for_panel`` chooses it, from one aggregate query in the engine
    (the start cohorts and comparison group among the people with values)."""
    rows = data.rows
    seen = rows.filter(rows.value.notnull())
    found = seen.select(seen.first_treat, seen.arm).distinct().to_pandas()
    facts = DataStructure(
        int(np.unique(found["first_treat"][found["first_treat"] > 0]).size),
        bool((found["arm"] == 0).any()),
    )
    choice = design_for_structure(program.evaluation_design or "", facts, requested=requested)
    return panel_choice(choice, program.name)


def analyse_external(
    session: Session,
    program: ProgramFacts,
    kpi: KpiFacts,
    source: KpiSourceView,
    requested: str | None,
) -> tuple[ProgramAnalysis, dict[str, Any]]:
    """The program's analysis with the design ``analyse_panel`` would use, run where the
    KPI's rows live, and the data snapshot to store with it."""
    data = external_rows(session, program, kpi, source)
    choice = external_design(program, data, requested)
    if choice.design != "staggered":
        _refuse_repeats(data)
    if choice.design == "staggered":
        try:
            headline = _staggered(data)
        except InvalidInput as refused:
            if refused.details.get("repeated_rows"):
                _refuse_repeats(data)  # the same refusal, with an employee code and a date
            raise
        naive = _naive(program, data)
        analysis = program_analysis(choice, headline, naive, headline.n_treated)
    elif choice.design == "randomised":
        headline = _randomised(program, kpi, data)
        analysis = program_analysis(choice, headline, None, headline.n_treated)
    else:
        analysis = _selection(program, data, choice)
        headline = analysis.headline
    if data.warnings:
        headline = dataclasses.replace(headline, warnings=(*headline.warnings, *data.warnings))
        analysis = dataclasses.replace(analysis, headline=headline)
    snapshot = {
        "unit": kpi.grain,
        "people": int(headline.n_treated + headline.n_comparison),
        "participants": int(data.treated.sum()),
        "first_period": str(pd.Timestamp(data.periods[0]).date()),
        "last_period": str(pd.Timestamp(data.periods[-1]).date()),
        "rows": headline.details["engine"].get("rows_read"),
        "engine": data.engine,
        "source": data.label,
    }
    return analysis, snapshot


def _staggered(data: ExternalRows) -> EffectEstimate:
    """Callaway & Sant'Anna, with honest-DiD sensitivity (:mod:`..in_engine.staggered`)."""
    from lodestar.analytics.in_engine.staggered import estimate_staggered_table
    from lodestar.analytics.sensitivity import add_sensitivity

    rows = data.rows.select("unit", "t", "value", "first_treat")
    headline = estimate_staggered_table(
        rows,
        outcome="value",
        unit="unit",
        time="t",
        cohort="first_treat",
        info=data.info,
        control_group="not_yet_treated",
        engine=data.engine,
        source=data.label,
    )
    return add_sensitivity(headline)


def _naive(program: ProgramFacts, data: ExternalRows) -> EffectEstimate:
    """Participants' mean after the first start against everyone else's, as ``analyse_panel``
    shows it beside the staggered estimate, from aggregate queries (:mod:`..in_engine.naive`)."""
    from lodestar.analytics.in_engine.naive import estimate_naive_table
    from lodestar.analytics.in_engine.randomised import PilotColumns

    return estimate_naive_table(
        data.rows,
        columns=PilotColumns(unit="unit", time="t", outcome="value", treated="participant"),
        split=_first_start(program, data),
        info=data.info,
        engine=data.engine,
        source=data.label,
    )


def _first_start(program: ProgramFacts, data: ExternalRows) -> int:
    """The period number of the first start among the people with values (``person_level``'s
    split)."""
    rows = data.rows
    started = rows.filter(rows.value.notnull() & (rows.first_treat > 0))
    first = started.aggregate(first=started.first_treat.min()).to_pandas()["first"].iloc[0]
    if pd.isna(first):
        raise InvalidInput(
            f"Program '{program.name}' has no participants with observations before and "
            "after its start. Check the enrolments' start dates against the KPI's history."
        )
    return int(first)


def _randomised(program: ProgramFacts, kpi: KpiFacts, data: ExternalRows) -> EffectEstimate:
    """The pilot against its comparison group from aggregate queries
    (:mod:`..in_engine.randomised`)."""
    from lodestar.analytics.in_engine.randomised import (
        PilotColumns,
        estimate_randomised_table,
    )

    rows = data.rows
    by_team = program.assigned_by == "team" and kpi.grain == "employee"
    return estimate_randomised_table(
        rows.filter(rows.arm >= 0),
        columns=PilotColumns(
            unit="unit",
            time="t",
            outcome="value",
            treated="arm",
            # Whole teams drawn: the uncertainty is counted in teams, as in memory.
            cluster="team_id" if by_team else None,
        ),
        split=_first_start(program, data),
        info=data.info,
        engine=data.engine,
        source=data.label,
    )


def _selection(
    program: ProgramFacts, data: ExternalRows, choice: PanelDesignChoice
) -> ProgramAnalysis:
    """Selection on observables: each person's before and after means are computed in the
    engine and read (one row per person), then weighted in memory with the person's
    attributes from Lodestar's database."""
    from lodestar.analytics.in_engine.randomised import PilotColumns, person_means

    split = _first_start(program, data)
    means = (
        person_means(
            data.rows,
            PilotColumns(unit="unit", time="t", outcome="value", treated="participant"),
            split,
        )
        .select("unit", "pre_mean", "post_mean")
        .to_pandas()
    )
    people = data.people[PERSON_COLUMNS].merge(
        means, left_on="unit_id", right_on="unit", how="inner", validate="one_to_one"
    )
    people = people.sort_values("unit_id", kind="stable").drop(columns="unit")
    people = person_columns(people.reset_index(drop=True), data.periods[0])
    analysis = analyse_selection(choice, people, data.info, program.name)
    record = {
        "engine": data.engine,
        "source": data.label,
        "path": "people",
        "why": (
            "Selection on observables weights each person by their attributes (rating, tenure, "
            "the KPI before the program), so each person's two means are needed."
        ),
        "people": len(people),
        "travelled": (
            f"{len(people):,} rows, one per person: the means before and after the first "
            "start, computed in the engine; no period rows."
        ),
    }
    headline = analysis.headline
    return dataclasses.replace(
        analysis,
        headline=dataclasses.replace(headline, details={**headline.details, "engine": record}),
    )


def _comparable(values: np.ndarray) -> np.ndarray:
    """Dates as datetime64[ns], so that periods and start dates compare (time-zone-aware
    timestamps in UTC)."""
    if np.issubdtype(np.asarray(values).dtype, np.number):
        raise InvalidInput(
            "The source's period column holds numbers, so the program's start dates cannot be "
            "placed among its periods. Point the KPI at a column of dates (the first day of "
            "each week or month) and try again."
        )
    dates = pd.to_datetime(pd.Series(values), utc=True).dt.tz_localize(None)
    return np.asarray(dates.astype("datetime64[ns]"))
