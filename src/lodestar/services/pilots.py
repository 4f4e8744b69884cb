"""Pilots ("Trojan mice"): size them before launch, then draw the groups by a seeded lottery
whose assignment table is stored as the program's enrolments.

The minimum detectable effect comes from the KPI's own recent history for the people in the
chosen teams: its person-level spread, how much of it the previous period explains (R²), and,
when whole teams are assigned, the intra-class correlation (design effect 1 + (m − 1)·ICC).
All three need only each person's mean over the last weeks and over the weeks before, so for
a KPI read from an external source (docs/external-sources.md) those means are computed in the
engine that holds it and one row per person travels; the plan names the engine and source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lodestar.analytics.assign import TREATED, assign
from lodestar.analytics.power import mde
from lodestar.db.kpi_store import observations, period_range
from lodestar.db.models import Employee, Program, ProgramEnrolment, WorkspaceMeta
from lodestar.domain.numbers import change_unit
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, PermissionDenied
from lodestar.services import audit
from lodestar.services.impact.facts import KpiFacts, program_facts
from lodestar.services.impact.source_tables import dated_span, holds_dates
from lodestar.services.impact.source_views import KpiSourceView, open_kpi_source, source_of_kpi

#: Designs named after the outcome (time to an event), which say nothing about assignment.
OUTCOME_DESIGNS = ("retention", "time_to_productivity")

AssignBy = Literal["person", "team", "tenure"]
ASSIGN_BY: tuple[AssignBy, ...] = ("person", "team", "tenure")
ASSIGN_LABELS: dict[str, str] = {
    "person": "People drawn within each team (strata by team)",
    "tenure": "People drawn within tenure bands (under 1, 1-3, 3-5, over 5 years)",
    "team": "Whole teams drawn (uncertainty counted in teams)",
}
#: Tenure bands in years for stratifying a lottery: [0, 1), [1, 3), [3, 5), [5, ∞).
TENURE_BANDS = (1.0, 3.0, 5.0)


@dataclass(frozen=True)
class PilotPlan:
    program_id: int
    kpi_name: str
    unit: str
    assign_by: str
    people: int
    teams: int
    pilot_people: int
    comparison_people: int
    sigma: float
    r_squared: float
    icc: float
    mean_team_size: float
    mde: float  # in the KPI's unit, alpha 0.05 two-sided, power 0.8
    explanation: str
    engine: str = ""  # the engine that read the KPI's external source ("" for imported values)
    source: str = ""  # that source in words


def _require_ld(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied("Only the L&D team plans and randomises pilots.")


def _population(session: Session, team_ids: list[int], on: date) -> pd.DataFrame:
    if not team_ids:
        raise InvalidInput("Choose at least one team for the pilot's population.")
    rows = session.execute(
        select(Employee.id, Employee.team_id, Employee.hire_date).where(
            Employee.team_id.in_(team_ids),
            Employee.hire_date <= on,
            or_(Employee.exit_date.is_(None), Employee.exit_date > on),
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["employee_id", "team_id", "hire_date"])
    years = (pd.Timestamp(on) - pd.to_datetime(frame["hire_date"])).dt.days / 365.25
    frame["tenure_band"] = np.searchsorted(np.asarray(TENURE_BANDS), years.to_numpy(), side="right")
    return frame.drop(columns="hire_date")


def plan_pilot(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    team_ids: list[int],
    share: float = 0.5,
    assign_by: str = "person",
    weeks: int = 12,
    on: date | None = None,
) -> PilotPlan:
    """The smallest effect the pilot could detect, from the KPI's last ``weeks`` weeks."""
    _require_ld(actor)
    if assign_by not in ASSIGN_BY:
        raise InvalidInput(
            f"{assign_by!r} is not a way to assign; choose 'person' (within teams), 'tenure' "
            "(within tenure bands) or 'team' (whole teams)."
        )
    if not 0 < share < 1:
        raise InvalidInput(f"The pilot share must lie strictly between 0 and 1; got {share}.")
    program, kpi = program_facts(session, program_id)
    on = on or date.today()
    people = _population(session, team_ids, on)
    ids = people["employee_id"].to_numpy(np.int64)
    source = source_of_kpi(session, kpi.id)
    history = (
        _imported_history(session, kpi, ids, weeks)
        if source is None
        else _source_history(source, kpi, ids, weeks)
    )
    means = history.means
    if len(means) < 10:
        where = (
            f"check the person column of the {history.source}"
            if source
            else ("import the KPI's recent history")
        )
        raise InvalidInput(
            f"Fewer than 10 people in these teams have recent observations of '{kpi.name}'. "
            f"Choose more teams, or {where}."
        )
    both = means.dropna()
    r2 = float(np.corrcoef(both["x"], both["y"])[0, 1] ** 2) if len(both) > 2 else 0.0
    r2 = min(max(r2, 0.0), 0.95)
    teams = people.set_index("employee_id")["team_id"]
    y = means[["y"]].dropna().join(teams, how="inner")
    sigma = float(y["y"].std(ddof=1))
    icc, m = _icc(y), float(people.groupby("team_id").size().mean())
    n1 = max(1, round(share * len(people)))
    n0 = max(1, len(people) - n1)
    by_team = assign_by == "team"
    value = mde(sigma, n1, n0, r2=r2, m=m if by_team else 1.0, icc=icc if by_team else 0.0)
    words = (
        f"With {n1} people in the pilot and {n0} in the comparison group"
        + (f", assigned as whole teams (average {m:.1f} people, ICC {icc:.2f})" if by_team else "")
        + f", the pilot can reliably detect a change of {value:.3g} {change_unit(kpi.unit)} in "
        f"{kpi.name} "
        f"or more (5% significance, 80% power, adjusting for the previous {weeks} weeks, R² "
        f"{r2:.2f}). If the program is expected to move it less than that, enlarge the pilot "
        "or run it longer."
    )
    if source is not None:
        words += (
            f" The KPI's history was read from the {history.source} in {history.engine}: each "
            "person's mean over the two windows came back, no period rows."
        )
    return PilotPlan(
        program.id, kpi.name, kpi.unit, assign_by, len(people), int(people["team_id"].nunique()),
        n1, n0, sigma, r2, icc, m, value, words, history.engine, history.source,
    )  # fmt: skip


@dataclass(frozen=True)
class _History:
    """Per person (index ``employee_id``) of the chosen teams with a value in the last
    ``2 * weeks`` weeks of the KPI: ``y``, the mean over the last ``weeks`` weeks, and ``x``,
    the mean over the ``weeks`` before (NaN where the person has none)."""

    means: pd.DataFrame
    engine: str = ""  # the engine that read an external source ("" for imported values)
    source: str = ""  # the source in words


def _windows(last: date, weeks: int) -> tuple[date, date]:
    """The day before the earlier window opens, and the last day of the earlier window."""
    return last - timedelta(weeks=2 * weeks), last - timedelta(weeks=weeks)


def _no_history(kpi_name: str, where: str) -> InvalidInput:
    return InvalidInput(
        f"'{kpi_name}' has no observations yet{where}, so the pilot cannot be sized from its "
        "history. "
        + (
            "Check the KPI's source (lodestar source show KPI) and try again."
            if where
            else "Import the KPI first (lodestar import kpis)."
        )
    )


def _imported_history(session: Session, kpi: KpiFacts, ids: np.ndarray, weeks: int) -> _History:
    """The two windows' means from the observations imported into Lodestar."""
    last = period_range(session, kpi.id)[1]
    if last is None:
        raise _no_history(kpi.name, "")
    start, midpoint = _windows(last, weeks)
    found = observations(session, kpi_ids=[kpi.id], first=start + timedelta(days=1))
    found = found[found["employee_id"].isin(ids.tolist())]
    obs = pd.DataFrame(
        {
            "employee_id": found["employee_id"].to_numpy(dtype=np.int64),
            "recent": found["period"].to_numpy() > midpoint,
            "value": found["value"].to_numpy(dtype=np.float64),
        }
    )
    recent = obs[obs["recent"]].groupby("employee_id")["value"].mean()
    earlier = obs[~obs["recent"]].groupby("employee_id")["value"].mean()
    return _History(pd.concat([recent.rename("y"), earlier.rename("x")], axis=1))


def _source_history(source: KpiSourceView, kpi: KpiFacts, ids: np.ndarray, weeks: int) -> _History:
    """The two windows' means computed in the engine that holds the KPI's external source:
    the chosen teams' people go there as a small table, and one row per person comes back
    (after a one-row aggregate for the last period)."""
    import ibis
    import pyarrow as pa

    opened, mapping = open_kpi_source(source)
    if not holds_dates(opened, mapping):
        raise InvalidInput(
            f"The period column '{mapping.period}' of the {opened.label} holds numbers, so the "
            f"last {weeks} weeks cannot be told apart from the weeks before. Point the KPI at "
            "a column of dates (the first day of each week) and try again."
        )
    last = dated_span(opened, mapping)[1]
    if last is None:
        raise _no_history(kpi.name, f" in the {opened.label}")
    start, midpoint = _windows(last, weeks)
    seen = opened.table.filter(opened.table[mapping.value].notnull())
    who = ibis.memtable(pa.table({"pilot_person": pa.array(ids, pa.int64())}))
    joined = seen.inner_join(who, seen[mapping.subject] == who.pilot_person)
    rows = joined.select(
        employee_id=joined.pilot_person,
        period=joined[mapping.period].cast("date"),
        value=joined[mapping.value].cast("float64"),
    )
    rows = rows.filter(rows.period > start)
    recent = rows.period > midpoint
    per_person = rows.group_by("employee_id").aggregate(
        y=rows.value.mean(where=recent), x=rows.value.mean(where=~recent)
    )
    means = per_person.to_pandas().astype({"employee_id": np.int64, "y": float, "x": float})
    return _History(means.set_index("employee_id"), opened.engine, opened.label)


def _icc(frame: pd.DataFrame) -> float:
    """One-way ANOVA estimator of the intra-class correlation of ``y`` within ``team_id``."""
    groups = frame.groupby("team_id")["y"]
    k = groups.ngroups
    n = len(frame)
    if k < 2 or n <= k:
        return 0.0
    sizes = groups.size().to_numpy(dtype=float)
    grand = frame["y"].mean()
    msb = float((sizes * (groups.mean().to_numpy() - grand) ** 2).sum() / (k - 1))
    msw = float(((frame["y"] - groups.transform("mean")) ** 2).sum() / (n - k))
    n0 = (n - (sizes**2).sum() / n) / (k - 1)
    icc = (msb - msw) / (msb + (n0 - 1) * msw) if msb + (n0 - 1) * msw > 0 else 0.0
    return float(min(max(icc, 0.0), 1.0))


def randomise_pilot(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    team_ids: list[int],
    start_date: date,
    share: float = 0.5,
    assign_by: str = "person",
    seed: int,
) -> dict[str, object]:
    """Draw the pilot and comparison groups and store them as the program's enrolments.

    People are assigned within their team (each team is a stratum) or, with
    ``assign_by="team"``, whole teams are assigned; ``"tenure"`` draws within tenure bands.
    The same seed gives the same groups.
    """
    _require_ld(actor)
    if assign_by not in ASSIGN_BY:
        raise InvalidInput(
            f"{assign_by!r} is not a way to assign; choose 'person' (within teams), 'tenure' "
            "(within tenure bands) or 'team' (whole teams)."
        )
    program, _ = program_facts(session, program_id)
    existing = session.scalar(select(func.count()).where(ProgramEnrolment.program_id == program.id))
    if existing:
        raise Conflict(
            f"Program '{program.name}' already has {existing} enrolments, so a lottery would "
            "overwrite who took part. Randomise a new program, or remove the enrolments first."
        )
    people = _population(session, team_ids, start_date)
    if len(people) < 10:
        raise InvalidInput(
            f"Only {len(people)} people work in the chosen teams on {start_date}; a pilot needs "
            "at least 10 to compare anything. Choose more teams."
        )
    table = assign(
        people,
        id="employee_id",
        strata={"team": (), "person": ("team_id",), "tenure": ("tenure_band",)}[assign_by],
        cluster="team_id" if assign_by == "team" else None,
        share=share,
        seed=seed,
    )
    cohort = f"Pilot {start_date.isoformat()}"
    session.add_all(
        ProgramEnrolment(
            program_id=program.id,
            employee_id=int(row.employee_id),
            group="participant" if getattr(row, TREATED) == 1 else "comparison",
            cohort=cohort,
            start_date=start_date,
        )
        for row in table.itertuples()
    )
    record: dict[str, object] = {
        "seed": seed,
        "share": share,
        "assign_by": assign_by,
        "teams": sorted(int(t) for t in team_ids),
        "start_date": start_date.isoformat(),
        "participants": int(table[TREATED].sum()),
        "comparison": int((table[TREATED] == 0).sum()),
        "randomised_by": actor.user_id,
    }
    session.merge(WorkspaceMeta(key=f"pilot_assignment:{program.id}", value=record))
    # The lottery is what makes the comparison fair, so the analysis may rely on it. A program
    # analysed on time to an event keeps that design: the stored lottery above is what its
    # analysis reads to know the groups were drawn at random (impact.design_choice).
    stored = session.get(Program, program.id)
    assert stored is not None
    if stored.evaluation_design not in OUTCOME_DESIGNS:
        stored.evaluation_design = "randomised"
    session.flush()
    audit.record(session, actor, "pilot.randomise", "program", program.id, str(record))
    return record


__all__ = ["ASSIGN_BY", "ASSIGN_LABELS", "PilotPlan", "asdict", "plan_pilot", "randomise_pilot"]
