"""Small groups are hidden everywhere an aggregate over people is shown, at the minimum group
size from the settings (LODESTAR_SECURITY__MIN_GROUP_SIZE), with a sentence saying why."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import EnrolmentSatisfaction, Kpi, Program
from lodestar.db.session import make_engine


@pytest.fixture
def k10(monkeypatch):
    monkeypatch.setenv("LODESTAR_SECURITY__MIN_GROUP_SIZE", "10")


def _ids(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as s:
        out = {
            "ramp": s.scalar(select(Kpi.id).where(Kpi.code == "time_to_productivity")),
            "sales": s.scalar(select(Kpi.id).where(Kpi.code == "sales_conversion")),
        }
        for program_id, n in s.execute(
            select(EnrolmentSatisfaction.program_id, func.count()).group_by(
                EnrolmentSatisfaction.program_id
            )
        ):
            if n == 1:
                out["one_answer"] = program_id
            if n >= 10:
                out["many_answers"] = program_id
        ramp = kpi_store.read_columns(s, out["ramp"])
        counts = dict(zip(*np.unique(ramp.day, return_counts=True), strict=True))
        out["ramp_small_periods"] = sum(1 for n in counts.values() if n < 10)
        assert s.get(Program, out["one_answer"])
    engine.dispose()
    return out


def test_a_kpi_trend_never_shows_one_persons_value_to_an_employee(k10, client_as, web_database):
    ids = _ids(web_database)
    assert ids["ramp_small_periods"] > 0  # the demo's time-to-productivity: 1-3 people a week
    employee = client_as("employee")
    trend = employee.get(f"/api/kpis/{ids['ramp']}/trend").json()
    assert trend["points"] == [] and trend["latest"] is None
    assert trend["hidden_periods"] == ids["ramp_small_periods"]
    assert "fewer than 10 people" in trend["suppression_note"]
    page = employee.get(f"/kpis/{ids['ramp']}").text
    assert "fewer than 10 people had a value there" in page
    assert "The values behind the chart" not in page
    assert "No observations have been imported" not in page
    # A KPI with enough people a period is shown whole.
    sales = employee.get(f"/api/kpis/{ids['sales']}/trend").json()
    assert sales["points"] and sales["hidden_periods"] == 0


def test_a_satisfaction_mean_from_one_answer_is_hidden_from_managers(k10, client_as, web_database):
    ids = _ids(web_database)
    manager = client_as("lena")  # a manager of another department than the program's people
    api = manager.get(f"/api/programs/{ids['one_answer']}/impact").json()
    activity = api["tiers"]["activity"]
    assert activity["satisfaction_responses"] == 1 and activity["satisfaction_mean"] is None
    assert activity["completed"] is None  # fewer than 10 enrolled: who finished is hidden too
    assert "fewer than 10 people" in activity["hidden_note"]
    for track in api["tiers"]["behaviour"]:
        for point in track["points"]:
            if point["people"] < 10:
                assert point["share_observed"] is None and point["mean_score"] is None
    page = manager.get(f"/programs/{ids['one_answer']}").text
    assert "hidden (1 response)" in page
    assert "The satisfaction mean hidden (1 person)" in page
    assert "Windows with fewer than 10 people are not shown" in page
    shown = manager.get(f"/api/programs/{ids['many_answers']}/impact").json()
    assert shown["tiers"]["activity"]["satisfaction_mean"] is not None


def test_the_default_minimum_is_five(client_as, web_database):
    ids = _ids(web_database)
    page = client_as("lena").get(f"/programs/{ids['one_answer']}").text
    assert "Windows with fewer than 5 people are not shown" in page
    assert re.search(r"fewer than 5 people", page)
