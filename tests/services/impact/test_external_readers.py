"""The readers of a KPI's values outside the program analysis, for a KPI pointed at Parquet:
the pilot plan and retention's data window read the source through its engine (aggregates
only); the trend cards, the leadership view and the program brief say in a sentence that the
values live in the source instead of drawing the observations imported before; a person's
export and erasure name the sources that hold their values, which Lodestar never writes to."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from tests.services.impact.test_external_program_impact import kpi_frame, point_at
from tests.services.test_pilots import (
    START,
    program_and_teams,  # noqa: F401 - a fixture used below
)

from lodestar.db.kpi_store import period_range
from lodestar.db.models import Employee, Kpi, Program
from lodestar.errors import InvalidInput
from lodestar.services import briefs
from lodestar.services.impact.facts import program_facts
from lodestar.services.impact.retention import data_window, people_followed
from lodestar.services.pilots import plan_pilot
from lodestar.services.privacy.erasure import erase_person
from lodestar.services.privacy.export import person_export
from lodestar.services.strategy.trends import kpi_card


@pytest.fixture
def pilot(db, program_and_teams):  # noqa: F811 - the fixture imported above
    """The pilot program of ``test_pilots`` on the repeat contact rate, its KPI and the service
    department's teams."""
    prog, teams = program_and_teams
    return prog, db.get(Kpi, prog.kpi_id), teams


def test_the_pilot_is_sized_from_the_source_in_its_engine(db, actors, pilot, tmp_path):
    prog, kpi, teams = pilot
    imported = plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START, assign_by="team")
    assert imported.engine == "" and "was read from" not in imported.explanation
    # The same rows in Parquet give the same plan, read in DuckDB.
    frame = kpi_frame(db, kpi.id)
    frame.to_parquet(tmp_path / "same.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "same.parquet"))
    same = plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START, assign_by="team")
    for field in ("sigma", "r_squared", "icc", "mde"):
        assert getattr(same, field) == pytest.approx(getattr(imported, field), abs=1e-9)
    assert (same.engine, same.source) == ("duckdb", f"Parquet at {tmp_path / 'same.parquet'}")
    assert "read from the Parquet at" in same.explanation and "in duckdb" in same.explanation
    # Values twice as large in the source: the plan follows the source, not what was imported
    # (the spread and the detectable effect double, the R² and ICC do not move).
    frame.assign(value=frame["value"] * 2).to_parquet(tmp_path / "double.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "double.parquet"))
    double = plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START, assign_by="team")
    assert double.sigma == pytest.approx(2 * imported.sigma, rel=1e-9)
    assert double.mde == pytest.approx(2 * imported.mde, rel=1e-9)
    assert double.r_squared == pytest.approx(imported.r_squared, abs=1e-9)
    assert double.icc == pytest.approx(imported.icc, abs=1e-9)


def test_a_pilot_on_a_source_without_dates_or_people_is_refused(db, actors, pilot, tmp_path):
    prog, kpi, teams = pilot
    frame = kpi_frame(db, kpi.id)
    numbered = frame.assign(week=frame["week_start"].rank(method="dense").astype("int64"))
    numbered.to_parquet(tmp_path / "numbered.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "numbered.parquet"), period="week")
    with pytest.raises(InvalidInput, match="holds numbers.*column of dates"):
        plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START)
    frame.assign(employee=frame["employee"] + 10_000_000).to_parquet(tmp_path / "others.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "others.parquet"))
    with pytest.raises(InvalidInput, match="check the person column of the Parquet at"):
        plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START)


def test_retentions_window_opens_at_the_sources_first_period(db, actors, pilot, tmp_path):
    prog, kpi, _ = pilot
    program, facts = program_facts(db, prog.id)
    people = people_followed(db, program)
    imported_first = period_range(db)[0]
    opens, _, read = data_window(db, people, facts)
    assert opens == pd.Timestamp(imported_first) and read == {}
    # The source holds two more years of history than anything imported.
    frame = kpi_frame(db, kpi.id)
    earlier = frame.head(1).assign(week_start=pd.Timestamp(imported_first - timedelta(weeks=104)))
    pd.concat([earlier, frame]).to_parquet(tmp_path / "longer.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "longer.parquet"))
    opens, _, read = data_window(db, people, facts)
    assert opens == pd.Timestamp(imported_first - timedelta(weeks=104))
    assert read["engine"] == "duckdb" and read["source"].startswith("Parquet at")
    assert read["first_period"] == (imported_first - timedelta(weeks=104)).isoformat()
    # A source of period numbers cannot place the window: it is left out, and said so.
    numbered = frame.assign(week=frame["week_start"].rank(method="dense").astype("int64"))
    numbered.to_parquet(tmp_path / "numbered.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "numbered.parquet"), period="week")
    opens, _, read = data_window(db, people, facts)
    assert opens == pd.Timestamp(imported_first)
    assert "holds numbers, not dates" in read["note"] and "first_period" not in read


def test_pages_say_the_values_live_in_the_source_instead_of_drawing_old_imports(
    db, actors, pilot, tmp_path
):
    _, kpi, _ = pilot
    before = kpi_card(db, actors["ld"], kpi.id)
    assert before.trend and before.latest is not None and before.source_note == ""
    kpi_frame(db, kpi.id).to_parquet(tmp_path / "kpi.parquet")
    point_at(db, actors["ld"], kpi.id, str(tmp_path / "kpi.parquet"))
    card = kpi_card(db, actors["ld"], kpi.id)
    assert card.trend == () and card.latest is None
    assert card.source_note.startswith(
        f"This KPI's values live in Parquet at {tmp_path / 'kpi.parquet'}; the trend is not "
        "drawn here"
    )
    assert "lodestar impact run PROGRAM" in card.source_note
    # The leadership view, for everyone and for one department, says the same of its row.
    executive = actors["executive"]
    everyone = briefs.leadership_view(db, executive)
    department_id = everyone.departments[0][0]
    for view in (everyone, briefs.leadership_view(db, executive, department_id=department_id)):
        rows = [k for b in view.priorities for k in b.kpis if k.id == kpi.id]
        assert rows, "the KPI belongs to a priority in the demo"
        assert all(r.trend == () for r in rows)
        assert all(r.note.startswith("This KPI's values live in Parquet at") for r in rows)
        assert all("its trend is not drawn here" in r.note for r in rows)


def test_the_program_brief_says_where_the_latest_level_lives(db, actors, tmp_path):
    program = db.scalars(select(Program).where(Program.code == "fcr_pilot")).one()
    kpi_frame(db, program.kpi_id).to_parquet(tmp_path / "kpi.parquet")
    before = briefs.program_brief(db, actors["executive"], program.id).target
    assert before.latest is not None and before.source_note == ""
    point_at(db, actors["ld"], program.kpi_id, str(tmp_path / "kpi.parquet"))
    target = briefs.program_brief(db, actors["executive"], program.id).target
    assert target.latest is None
    assert "its latest level is not drawn here" in target.source_note


def test_export_and_erasure_name_the_sources_that_hold_a_persons_values(
    db, actors, pilot, tmp_path
):
    _, kpi, _ = pilot
    person = db.get(Employee, int(kpi_frame(db, kpi.id)["employee"].iloc[0]))
    admin = actors["admin"]
    assert person_export(db, admin, person.external_id).sections["kpi_values_held_elsewhere"] == []
    path = tmp_path / "kpi.parquet"
    kpi_frame(db, kpi.id).to_parquet(path)
    point_at(db, actors["ld"], kpi.id, str(path))
    elsewhere = person_export(db, admin, person.external_id).sections["kpi_values_held_elsewhere"]
    assert elsewhere == [
        {
            "kpi_code": "repeat_contact_rate",
            "source": f"Parquet at {path}",
            "note": (
                f"The values of 'repeat_contact_rate' are read from the Parquet at {path} when "
                "an analysis runs and are not held in Lodestar, so this person's values there "
                "are not in this export; ask whoever keeps that source for them."
            ),
        }
    ]
    outcome = erase_person(
        db, admin, person.external_id, confirm=person.external_id, delete_facts=True
    )
    assert outcome.summary().endswith(
        f"Their values of 'repeat_contact_rate' stay in the Parquet at {path}, under their "
        "internal number: Lodestar reads that source and never writes to it, so delete them "
        "there, or a new analysis will still count them."
    )
    # The source itself is untouched: the person's rows are still there.
    assert (pd.read_parquet(path)["employee"] == person.id).any()


def test_a_stored_result_with_missing_numbers_is_graded_and_charted_not_a_500():
    """PostgreSQL keeps a NaN estimate; read back it may be None: the readers cope."""
    import dataclasses

    from lodestar.analytics.evidence import evidence_grade
    from lodestar.analytics.results import EffectEstimate
    from lodestar.reports.impact_charts import effect_interval_svg

    est = EffectEstimate(
        estimate=None, se=None, ci_low=None, ci_high=None, estimand="ate", method="ancova",
        method_label="ANCOVA", citation="", design="randomised", causal=True, n_treated=20,
        n_comparison=20, outcome="sales",
    )  # fmt: skip
    assert evidence_grade(est) == "none"
    assert evidence_grade(dataclasses.replace(est, estimate=1.0)) == "weak"
    svg = effect_interval_svg([("Effect", None, None, float("nan"), True)], unit="%")
    assert "no estimate yet" in svg
