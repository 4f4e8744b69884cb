"""Retention and time to productivity as stored program analyses, on the demo company.

The demo plants two time-to-event programs with a known truth (workspace_meta['demo_truth']):
Stay conversations lowers the hazard of resigning by a hazard ratio of 0.5 from its start,
and the Onboarding buddy halves new hires' ramp-up time constant. These tests check the
stored analyses recover them, never headline an "ever trained" comparison, and refuse bad
data with sentences that say what to do next.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import Employee, ImpactResult, Program, User, WorkspaceMeta
from lodestar.db.session import make_engine
from lodestar.errors import InvalidInput
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.impact.program_impact import (
    estimate_program_impact,
    latest_program_impact,
)

pytestmark = pytest.mark.xdist_group("demo2000")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('tte') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture(scope="module")
def ld(demo):
    return actor_of(demo.scalar(select(User).where(User.role == "ld").order_by(User.id)))


@pytest.fixture(scope="module")
def results(demo, ld):
    out = {}
    for code in ("stay_conversations", "onboarding_buddy"):
        pid = demo.scalar(select(Program.id).where(Program.code == code))
        truth = demo.get(WorkspaceMeta, "demo_truth").value["programs"][code]
        out[code] = (pid, estimate_program_impact(demo, ld, pid), truth)
    demo.commit()
    return out


def test_retention_recovers_the_planted_hazard_ratio(results):
    _, impact, truth = results["stay_conversations"]
    est = impact.business
    assert impact.design == "retention" and truth["evaluation_design"] == "retention"
    assert est.method == "cox_time_varying" and est.causal
    assert truth["true_effect"] == 0.5
    assert est.ci_low <= truth["true_effect"] <= est.ci_high, est
    assert est.ci_high < 1, "the planted effect is large enough to be seen"
    assert est.summary().startswith("Among the")
    prevented = est.details["leavers_prevented_per_100_per_year"]
    low, high = est.details["leavers_prevented_ci"]
    assert 0 < low < prevented < high
    assert "leavers prevented per 100 participants per year" in impact.money_note
    assert impact.money is None


def test_ever_trained_is_only_the_flagged_contrast_never_the_headline(results):
    _, impact, _ = results["stay_conversations"]
    naive, est = impact.naive, impact.business
    assert naive is not None and not naive.causal and naive.method == "cox_ever_trained"
    assert any("immortal-time bias" in w for w in naive.warnings)
    # Counting people as trained from hire makes the program look far better than it is.
    assert naive.estimate < est.estimate
    assert naive.evidence == "none"
    assert "kaplan_meier_ever_trained" not in est.details
    landmark = est.details["kaplan_meier_landmark"]
    assert landmark["landmark"] == "2025-04-14" and len(landmark["n"]) == 2


def test_time_to_productivity_recovers_the_planted_ramp(results):
    _, impact, truth = results["onboarding_buddy"]
    est, d = impact.business, impact.business.details
    assert impact.design == "time_to_productivity" and est.causal  # a lottery
    assert est.ci_low > 1, "participants reach the standard sooner"
    low, high = d["time_ratio_ci"]
    assert low <= truth["true_effect"] <= high
    assert low <= truth["true_time_ratio_of_medians"] <= high
    # Weekly data: medians within a week of the coupled truth (same noise, with/without).
    assert abs(d["median_days"]["took part"] - truth["participants_median_days_to_target"]) <= 7
    comparison = d["median_days"]["did not take part"]
    assert abs(comparison - truth["participants_median_days_without_buddy"]) <= 7
    assert d["threshold"] == truth["target"] and "target" in d["threshold_rule"]


def test_results_are_stored_with_snapshot_and_settings(demo, ld, results):
    for code, (pid, impact, _) in results.items():
        row = demo.get(ImpactResult, impact.result_id)
        snap = row.snapshot
        for key in ("rows", "people", "participants", "events", "censored", "fingerprint"):
            assert key in snap, (code, key)
        assert snap["events"] + snap["censored"] == snap["people"]
        assert len(snap["fingerprint"]) == 16 and snap["first_period"] < snap["last_period"]
        assert row.settings["design"] == impact.design and row.settings["money_note"]
        again = latest_program_impact(demo, ld, pid)
        assert again.business.estimate == pytest.approx(impact.business.estimate)
        assert again.design == impact.design


def test_the_same_data_gives_the_same_fingerprint(demo, ld, results):
    pid, impact, _ = results["stay_conversations"]
    rerun = estimate_program_impact(demo, ld, pid, design="retention")
    assert rerun.snapshot["fingerprint"] == impact.snapshot["fingerprint"]
    assert rerun.business.estimate == pytest.approx(impact.business.estimate)
    demo.rollback()


def _program(demo, code):
    return demo.scalar(select(Program).where(Program.code == code))


def test_no_voluntary_exits_is_refused_with_advice(demo, ld, results):
    prog = _program(demo, "stay_conversations")
    with demo.begin_nested() as nested:
        demo.execute(update(Employee).values(exit_reason="involuntary"))
        with pytest.raises(InvalidInput, match=r"left voluntarily.*exit reasons.*run the analysis"):
            estimate_program_impact(demo, ld, prog.id)
        nested.rollback()


def test_no_new_hires_is_refused_with_advice(demo, ld, results):
    prog = _program(demo, "onboarding_buddy")
    with demo.begin_nested() as nested:
        demo.execute(update(Employee).values(hire_date=date(2019, 1, 7)))
        with pytest.raises(InvalidInput, match=r"0 participants and 0 other new hires.*Enrol"):
            estimate_program_impact(demo, ld, prog.id)
        nested.rollback()


@pytest.mark.parametrize("design", ["retention", "time_to_productivity"])
def test_a_program_without_participants_is_refused_with_advice(demo, ld, results, design):
    model = _program(demo, "stay_conversations" if design == "retention" else "onboarding_buddy")
    with demo.begin_nested() as nested:
        prog = Program(
            code=f"empty_{design}", name="Empty", kpi_id=model.kpi_id, evaluation_design=design
        )
        demo.add(prog)
        demo.flush()
        with pytest.raises(InvalidInput, match=r"no participants.*enrolments.*again"):
            estimate_program_impact(demo, ld, prog.id)
        nested.rollback()


def test_a_target_less_program_uses_the_steady_level_rule(demo, ld, results):
    prog = _program(demo, "onboarding_buddy")
    with demo.begin_nested() as nested:
        prog.target = None
        demo.flush()
        impact = estimate_program_impact(demo, ld, prog.id)
        rule = impact.business.details["threshold_rule"]
        assert "90% of the steady level" in rule and "no target" in rule
        assert 50 < impact.business.details["threshold"] < 56
        nested.rollback()


def test_an_unknown_design_lists_the_choices(demo, ld, results):
    prog = _program(demo, "stay_conversations")
    with pytest.raises(InvalidInput, match=r"'ever_trained' is not a program design.*'retention'"):
        estimate_program_impact(demo, ld, prog.id, design="ever_trained")
