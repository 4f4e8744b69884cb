"""A program whose metric is measured per team is analysed with teams as the units."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import Employee, Kpi, Program, ProgramEnrolment, Team
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services.impact.panel import build_program_panel
from lodestar.services.impact.program_impact import estimate_program_impact

FIRST = date(2024, 1, 1)
WEEKS = 30
START_WEEK = 16
EFFECT = 4.0


def team_kpi(db: Session, grain: str = "team") -> Kpi:
    kpi = Kpi(code=f"team_nps_{grain}", name="Team NPS", unit="points", direction="up",
              grain=grain, cadence="weekly", lead_lag="lag")  # fmt: skip
    db.add(kpi)
    db.flush()
    return kpi


def pilot_by_team(db: Session, kpi: Kpi) -> tuple[Program, dict[int, bool]]:
    """Half of the teams (by a seeded draw) take part from week 16, the rest are compared;
    each team's weekly score moves by EFFECT once it has started."""
    teams = list(db.scalars(select(Team.id).order_by(Team.id)))
    rng = np.random.default_rng(11)
    treated = dict(zip(teams, rng.permutation(len(teams)) < len(teams) // 2, strict=True))
    program = Program(code="team_pilot", name="Team huddles", kpi_id=kpi.id, status="pilot",
                      evaluation_design="randomised")  # fmt: skip
    db.add(program)
    db.flush()
    start = FIRST + timedelta(weeks=START_WEEK)
    members = db.execute(select(Employee.id, Employee.team_id)).all()
    db.add_all(
        ProgramEnrolment(
            program_id=program.id,
            employee_id=person,
            group="participant" if treated[team] else "comparison",
            start_date=start if treated[team] else None,
        )
        for person, team in members
        if team in treated
    )
    level = rng.normal(50, 5, len(teams))
    week = np.tile(np.arange(WEEKS), len(teams))
    team = np.repeat(teams, WEEKS)
    took_part = np.repeat([treated[t] for t in teams], WEEKS)
    value = (
        np.repeat(level, WEEKS)
        + 0.2 * week
        + EFFECT * (took_part & (week >= START_WEEK))
        + rng.normal(0, 1.0, len(week))
    )
    kpi_store.write_observations(
        db,
        pd.DataFrame(
            {
                "kpi_id": kpi.id,
                "employee_id": pd.array([None] * len(week), dtype="Int64"),
                "team_id": team,
                "period": [FIRST + timedelta(weeks=int(w)) for w in week],
                "value": value,
                "weight": 1,
            }
        ),
    )
    db.flush()
    return program, treated


def test_team_level_pilot_recovers_the_planted_effect(
    db: Session, actors: dict[str, Actor]
) -> None:
    kpi = team_kpi(db)
    program, treated = pilot_by_team(db, kpi)
    panel = build_program_panel(db, program.id)
    assert "employee_id" not in panel.people
    assert sorted(panel.people["unit_id"]) == sorted(treated)
    assert panel.values.shape == (len(treated), WEEKS)
    impact = estimate_program_impact(db, actors["ld"], program.id)
    est = impact.business
    assert est is not None and impact.design == "randomised"
    assert est.n_treated == sum(treated.values())  # teams, not people
    assert est.n_treated + est.n_comparison == len(treated)
    assert est.ci_low <= EFFECT <= est.ci_high
    assert est.ci_low > 0
    assert f"the {est.n_treated} teams who took part" in est.summary()


def test_team_of_starters_takes_its_first_members_start(db: Session) -> None:
    kpi = team_kpi(db)
    program, treated = pilot_by_team(db, kpi)
    team = next(t for t, took_part in treated.items() if took_part)
    first = db.scalars(
        select(ProgramEnrolment)
        .join(Employee, Employee.id == ProgramEnrolment.employee_id)
        .where(ProgramEnrolment.program_id == program.id, Employee.team_id == team)
        .limit(1)
    ).one()
    first.start_date = FIRST + timedelta(weeks=START_WEEK - 3)
    db.flush()
    people = build_program_panel(db, program.id).people.set_index("unit_id")
    assert people.loc[team, "first_treat"] == START_WEEK - 3 + 1  # t is 1-based
    assert people.loc[team, "group"] == "participant"


def test_organisation_wide_kpi_is_refused_with_what_to_do(db: Session) -> None:
    kpi = team_kpi(db, grain="org")
    program = Program(code="org_program", name="Town halls", kpi_id=kpi.id)
    db.add(program)
    db.flush()
    with pytest.raises(InvalidInput, match="nobody to compare") as caught:
        build_program_panel(db, program.id)
    assert "employee- or team-level KPI" in caught.value.message
