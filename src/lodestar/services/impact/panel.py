"""Build the analysis panel for one program and its metric that matters.

The population is everyone with observations of the KPI in the departments where the program
has enrolments — participants, the program's own comparison group if it has one, and the
not-enrolled colleagues who serve as a comparison otherwise. For a team-level KPI the units are
those departments' teams instead: a team takes part from its first participant's start, is in
the comparison group when only comparison-group members are enrolled, and carries its members'
mean performance rating and mean hire date (for tenure) as covariates.

The people come from one SQL query (one row each); the KPI's history comes from the columnar
copy ``db.kpi_store`` keeps (a hundred-odd packed arrays instead of millions of rows), and is
laid out as a unit x period matrix, which is what the estimators work on. For 100,000 people x
104 weeks this takes about a second where reading the rows one by one took ten.

``ProgramPanel.frame`` gives the same data as a long table (one row per person and observed
period) for the estimators and tools that want one:

    employee_id, team_id, period, value, weight, group ('participant' | 'comparison' | None),
    start_date, performance_rating, hire_date, t (period index from 1), first_treat (t of
    the start, 0 = never)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from lodestar.db.kpi_store import read_columns
from lodestar.db.models import Employee
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import KpiFacts, ProgramFacts, program_facts
from lodestar.services.impact.population import population

FRAME_COLUMNS = [
    "employee_id",
    "team_id",
    "period",
    "value",
    "weight",
    "group",
    "start_date",
    "performance_rating",
    "hire_date",
]
PERSON_COLUMNS = [
    "unit_id",  # the employee, or the team for a team-level KPI
    "team_id",
    "group",
    "start_date",
    "performance_rating",
    "hire_date",
]


@dataclass(frozen=True)
class ProgramPanel:
    """People x periods for one program's metric.

    ``people``: one row per unit (person, or team for a team-level KPI) with at least one
    observation, sorted by ``unit_id`` (PERSON_COLUMNS + ``first_treat``, and ``employee_id``
    for people); ``periods``: the observed periods (datetime64[ns]),
    ``t`` = position + 1; ``values[i, j]``: person i's KPI value in period j (NaN when not
    observed); ``weights`` likewise (0 when not observed).
    """

    program: ProgramFacts
    kpi: KpiFacts
    people: pd.DataFrame
    periods: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    snapshot: dict[str, Any]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The panel as a long table sorted by person and period (FRAME_COLUMNS, t,
        first_treat)."""
        seen = ~np.isnan(self.values)
        person, col = np.nonzero(seen)  # row-major: by person, then period
        people = self.people

        def spread(name: str) -> np.ndarray:
            return np.asarray(people[name].to_numpy()[person])

        columns: dict[str, Any] = {
            **({"employee_id": spread("employee_id")} if "employee_id" in people else {}),
            "team_id": spread("team_id"),
            "period": self.periods[col],
            "value": self.values[seen],
            "weight": self.weights[seen].astype(np.int64),
            "group": pd.Series(spread("group"), dtype=object, copy=False),
            "start_date": spread("start_date"),
            "performance_rating": spread("performance_rating"),
            "hire_date": spread("hire_date"),
            "t": (col + 1).astype(np.int64),
            "first_treat": spread("first_treat"),
        }
        return pd.DataFrame(columns, copy=False)

    @property
    def participants(self) -> np.ndarray:
        """Row mask of people who took part (with a start inside the data)."""
        return np.asarray(self.people["first_treat"].to_numpy() > 0)


def build_program_panel(session: Session, program_id: int) -> ProgramPanel:
    """The person x period panel for ``program_id`` and its metric that matters."""
    program, kpi = program_facts(session, program_id)
    if kpi.grain not in ("employee", "team"):
        raise InvalidInput(
            f"'{kpi.name}' is measured for the whole organisation: one value per period, so "
            "there is nobody to compare the participants with. Link the program to an "
            "employee- or team-level KPI (the same measure broken down by team will do)."
        )
    people = _people(session, program)
    if not people["group"].eq("participant").any():
        raise InvalidInput(
            f"Program '{program.name}' has no participants enrolled, so there is nobody whose "
            f"'{kpi.name}' the program could have changed. Record who took part (lodestar import "
            "enrolments, or draw the pilot's lottery on its page), then try again."
        )
    if kpi.grain == "team":
        people = _teams(people)
    rows = read_columns(session, kpi.id)
    at = _positions(people["unit_id"].to_numpy(), rows.subject)
    mine = at >= 0
    everyone = bool(mine.all())  # the usual case: no copies needed
    if not mine.any():  # also a KPI with no observations at all
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}'. Import the KPI's history (lodestar import kpis) and try again."
        )
    if not everyone:
        at = at[mine]
    day = rows.day if everyone else rows.day[mine]
    # The store returns rows by period, then by subject (and so by position in ``people``):
    # each new day starts a new column, and a repeated position within a day is a person
    # with two values in one period.
    new_day = np.r_[True, day[1:] != day[:-1]]
    step = np.diff(at)
    if (day[1:] < day[:-1]).any() or ((step < 0) & ~new_day[1:]).any():
        raise RuntimeError("KPI columns came back out of period and subject order.")
    if ((step == 0) & ~new_day[1:]).any():
        raise InvalidInput(
            f"'{kpi.name}' has more than one value for the same person and period. Re-import "
            "the KPI file (one row per person and period) so each value replaces the old one."
        )
    del step
    col = np.cumsum(new_day) - 1
    days = day[new_day]
    # People: only those with at least one observation get a row.
    observed = np.bincount(at, minlength=len(people)) > 0
    row = at if observed.all() else (np.cumsum(observed) - 1)[at]
    n, n_periods = int(observed.sum()), len(days)
    flat = row * n_periods + col
    del col, row
    values = np.full((n, n_periods), np.nan)
    values.flat[flat] = rows.value if everyone else rows.value[mine]
    weights = np.zeros((n, n_periods), dtype=np.int32)
    weights.flat[flat] = rows.weight if everyone else rows.weight[mine]
    kept = len(flat)
    people = people.loc[observed].reset_index(drop=True)
    periods = days.astype("datetime64[D]").astype("datetime64[ns]")
    starts = people["start_date"].to_numpy()
    treated = (people["group"].to_numpy() == "participant") & ~np.isnat(starts)
    # t of each participant's start (n_periods + 1 when they start after the data end).
    people["first_treat"] = np.where(treated, np.searchsorted(periods, starts) + 1, 0)
    snapshot = {
        "rows": kept,
        "unit": kpi.grain,  # what a row of the panel is: an employee or a team
        "people": n,
        "participants": int(treated.sum()),
        "first_period": str(pd.Timestamp(periods[0]).date()),
        "last_period": str(pd.Timestamp(periods[-1]).date()),
        "kpi_observations": len(rows),
        "fingerprint": panel_fingerprint(people, periods, values),
    }
    return ProgramPanel(program, kpi, people, periods, values, weights, snapshot)


def _people(session: Session, program: ProgramFacts, **extra: Any) -> pd.DataFrame:
    """One row per person in the enrolled departments, sorted by employee id (with the
    ``extra`` employee columns, name → column, as ``population`` takes them)."""
    people = population(
        session,
        program,
        team_id=Employee.team_id,
        performance_rating=Employee.performance_rating,
        hire_date=Employee.hire_date,
        **extra,
    )
    return people.astype(
        {"employee_id": np.int64, "team_id": np.int64, "performance_rating": np.float64}
    ).assign(
        unit_id=people["employee_id"].astype(np.int64),
        hire_date=_dates(people["hire_date"]),
        start_date=_dates(people["start_date"]),
        group=people["group"].astype(object).where(people["group"].notna(), None),
    )


def _teams(people: pd.DataFrame) -> pd.DataFrame:
    """One row per team of ``people``: in the program from its first participant's start."""
    participant = people["group"].eq("participant")
    teams = people.assign(
        _participant=participant,
        _comparison=people["group"].eq("comparison"),
        _start=people["start_date"].where(participant),
    ).groupby("team_id", sort=True)
    out = pd.DataFrame(
        {
            "unit_id": teams.size().index.to_numpy(dtype=np.int64),
            "team_id": teams.size().index.to_numpy(dtype=np.int64),
            "performance_rating": teams["performance_rating"].mean().to_numpy(),
            "hire_date": teams["hire_date"].mean().to_numpy(),
            "start_date": teams["_start"].min().to_numpy(),
        }
    )
    took_part = teams["_participant"].any().to_numpy()
    compared = teams["_comparison"].any().to_numpy()
    group = np.full(took_part.shape, None, dtype=object)
    group[compared] = "comparison"
    group[took_part] = "participant"
    out["group"] = pd.Series(group, dtype=object).where(took_part | compared, None)
    return out[PERSON_COLUMNS]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[ns]")


def _positions(ids: np.ndarray, subjects: np.ndarray) -> np.ndarray:
    """For each subject, its position in ``ids`` (sorted, unique), or -1 if not there."""
    if len(ids) == 0 or len(subjects) == 0:
        return np.full(len(subjects), -1, dtype=np.int64)
    top = int(max(ids.max(), subjects.max()))
    if ids.min() >= 0 and subjects.min() >= 0 and top < 50_000_000:
        lookup = np.full(top + 1, -1, dtype=np.int64)  # one gather beats a binary search
        lookup[ids] = np.arange(len(ids))
        return lookup[subjects]
    at = np.minimum(np.searchsorted(ids, subjects), len(ids) - 1)
    return np.where(ids[at] == subjects, at, -1)


FINGERPRINT_BLOCK = 1 << 22  # bytes of a non-contiguous value matrix hashed at a time


def panel_fingerprint(people: pd.DataFrame, periods: np.ndarray, values: np.ndarray) -> str:
    """A short hash of the analysed data, so a stored result can be traced to its input. The
    value matrix is fed to the hash as it lies in memory (row blocks if it is not C-ordered),
    never copied whole: the same digest as hashing its bytes in one piece."""
    digest = hashlib.sha256()
    for part in (
        people["unit_id"].to_numpy(dtype=np.int64),
        people["first_treat"].to_numpy(dtype=np.int64),
        periods.astype("datetime64[D]").astype(np.int64),
    ):
        digest.update(np.ascontiguousarray(part).data)
    if values.flags.c_contiguous:
        digest.update(values.data)
    else:
        rows = max(1, FINGERPRINT_BLOCK // max(1, values.shape[-1] * values.itemsize))
        for start in range(0, len(values), rows):
            digest.update(np.ascontiguousarray(values[start : start + rows]).data)
    return digest.hexdigest()[:16]
