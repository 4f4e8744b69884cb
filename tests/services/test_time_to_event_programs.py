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
from lodestar.services.impact.tiers import PROGRAM_VIEWS

pytestmark = pytest.mark.xdist_group("demo2000")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('tte') / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def web_database(demo_url):
    """The web client fixtures (``client_as``) read this module's 2,000-employee demo."""
    return demo_url


@pytest.fixture(scope="module")
def demo(demo_url):
    engine = make_engine(demo_url)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture(autouse=True)
def _a_transaction_per_test(demo):
    """Each test starts on a transaction of its own and leaves none open.

    The module's session outlives its tests; a savepoint rolled back leaves the outer SQLite
    transaction open, with its write lock or its snapshot, into the next test. Program views
    computed by one test are stored by a writer thread of their own (``services.derived``), on
    another connection: a write of the session from an old snapshot, or one waiting behind that
    thread, is refused ("database is locked"). So the views computed so far are stored first,
    and the session's transaction ends with the test.
    """
    PROGRAM_VIEWS.wait_stored()
    demo.rollback()
    yield
    demo.rollback()
    PROGRAM_VIEWS.wait_stored()


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


# --- how the comparison may be read: the stored assignment decides, never the roll-out text ---


def _lottery(demo, prog):
    return demo.get(WorkspaceMeta, f"pilot_assignment:{prog.id}")


def test_the_demo_stores_the_lotteries_it_drew(demo, results):
    assert _lottery(demo, _program(demo, "onboarding_buddy")).value["assign_by"] == "person"
    assert _lottery(demo, _program(demo, "stay_conversations")).value["assign_by"] == "team"
    assert _lottery(demo, _program(demo, "negotiation_masterclass")) is None


def test_ramp_up_without_a_stored_lottery_is_adjusted_not_randomised(demo, ld, results):
    prog = _program(demo, "onboarding_buddy")
    with demo.begin_nested() as nested:
        demo.delete(_lottery(demo, prog))
        prog.rollout = "not randomised: managers picked the buddies"
        demo.flush()
        est = estimate_program_impact(demo, ld, prog.id).business
        nested.rollback()
    # The buddy program runs in one department, so only the hire date varies to adjust for.
    assert est.details["assignment"] == "not randomised: adjusted for hire date"
    assert est.details["adjusted_for"] == ["hire_date"]
    assert est.method_label.endswith("adjusted for hire date")
    assert any("not decided by a lottery" in w for w in est.warnings)
    assert est.design_reason.startswith("No lottery is stored for this program")
    assert est.evidence in ("moderate", "weak")  # never "strong" without a lottery


def test_ramp_up_with_a_stored_lottery_is_randomised_whatever_the_words(demo, ld, results):
    prog = _program(demo, "onboarding_buddy")
    with demo.begin_nested() as nested:
        prog.rollout = "buddies picked by hand, as managers saw fit"  # words do not decide
        demo.flush()
        est = estimate_program_impact(demo, ld, prog.id).business
        nested.rollback()
    assert est.causal and est.details["assignment"].startswith("randomised")
    assert est.details["adjusted_for"] == []
    assert not any("not decided by a lottery" in w for w in est.warnings)
    assert est.design_reason.startswith("The program's stored pilot lottery drew people")


def test_retention_without_a_stored_lottery_says_it_is_not_randomised(demo, ld, results):
    _, randomised, _ = results["stay_conversations"]
    assert randomised.business.details["assignment"].startswith("randomised")
    assert "whole teams" in randomised.business.design_reason
    prog = _program(demo, "stay_conversations")
    with demo.begin_nested() as nested:
        demo.delete(_lottery(demo, prog))
        demo.flush()
        impact = estimate_program_impact(demo, ld, prog.id)
        nested.rollback()
    est = impact.business
    assert est.details["assignment"] == (
        "not randomised: adjusted for tenure at entry and performance rating"
    )
    assert any("not decided by a lottery" in w for w in est.warnings)
    assert est.design_reason.startswith("No lottery is stored for this program")
    assert est.evidence != "strong"
    # Without a lottery the hazard ratio says how strong an unmeasured factor would have to be,
    # against tenure at entry and performance rating; the lottery's result needs no such check.
    sens = est.sensitivity
    assert sens is not None and sens.kind == "hazard_e_value"
    assert sens.benchmark_label in ("tenure at entry", "performance rating")
    assert "risk ratio" in est.summary() or "already includes a hazard ratio of 1" in est.summary()
    assert randomised.business.sensitivity is None


def test_a_pilot_lottery_keeps_a_time_to_event_design(demo, ld, results):
    from lodestar.db.models import Team
    from lodestar.services.pilots import randomise_pilot

    model = _program(demo, "stay_conversations")
    with demo.begin_nested() as nested:
        prog = Program(code="stay_again", name="Stay again", kpi_id=model.kpi_id,
                       evaluation_design="retention")  # fmt: skip
        demo.add(prog)
        demo.flush()
        teams = list(demo.scalars(select(Team.id).order_by(Team.id).limit(6)))
        randomise_pilot(demo, ld, prog.id, team_ids=teams, start_date=date(2025, 4, 14), seed=3)
        design = prog.evaluation_design
        nested.rollback()
    assert design == "retention"


# --- what a stored result may say about people --------------------------------------------


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def test_stored_ramp_up_holds_aggregates_only(demo, results):
    _, impact, _ = results["onboarding_buddy"]
    stored = demo.get(ImpactResult, impact.result_id).result["details"]
    assert "per_person" not in stored
    assert not {"person", "employee_id", "employee"} & set(_keys(stored))
    table = stored["kaplan_meier"]
    assert table and min(r["at_risk"] for r in table) >= 5
    assert stored["curves_min_at_risk"] == 5
    landmark = results["stay_conversations"][1].business.details["kaplan_meier_landmark"]
    assert min(r["at_risk"] for r in landmark["curves"]) >= 5


def test_a_manager_reading_the_api_gets_no_person_level_rows(demo, results, client_as):
    pid, impact, _ = results["onboarding_buddy"]
    row = demo.get(ImpactResult, impact.result_id)
    # A row stored before the rule: one entry per new hire, and curve steps of one person.
    old = dict(row.result)
    details = dict(old["details"])
    details["per_person"] = [{"person": 4242, "cohort": "took part", "days": 21.0, "reached": 1}]
    details["kaplan_meier"] = details["kaplan_meier"] + [
        {"group": "took part", "time": 400.0, "survival": 0.0, "at_risk": 1, "events": 1}
    ]
    legacy = ImpactResult(
        program_id=row.program_id, kpi_id=row.kpi_id, design=row.design, method=row.method,
        estimand=row.estimand, causal=row.causal, estimate=row.estimate, se=row.se,
        ci_low=row.ci_low, ci_high=row.ci_high, n_treated=row.n_treated,
        n_comparison=row.n_comparison, evidence=row.evidence, summary=row.summary,
        result=old | {"details": details}, settings=row.settings, snapshot=row.snapshot,
        created_by_id=row.created_by_id, created_at=row.created_at.replace(year=2099),
    )  # fmt: skip
    demo.add(legacy)
    demo.commit()
    try:
        body = client_as("manager").get(f"/api/programs/{pid}/impact")
        assert body.status_code == 200, body.text
        data = body.json()
        assert data["result_id"] == legacy.id
        shown = data["tiers"]["business"]["details"]
        assert "per_person" not in shown and "4242" not in body.text
        assert not {"person", "employee_id", "employee"} & set(_keys(data))
        assert min(r["at_risk"] for r in shown["kaplan_meier"]) >= 5
    finally:
        demo.delete(legacy)
        demo.commit()


def test_the_curve_cut_follows_the_minimum_group_size_setting(demo, ld, results):
    from lodestar.config import SecuritySettings, Settings
    from lodestar.services.privacy.groups import SETTINGS_KEY

    pid, impact, _ = results["onboarding_buddy"]
    demo.info[SETTINGS_KEY] = Settings(security=SecuritySettings(min_group_size=60))
    try:
        shown = latest_program_impact(demo, ld, pid).business.details
    finally:
        del demo.info[SETTINGS_KEY]
    assert shown["curves_min_at_risk"] == 60
    assert min(r["at_risk"] for r in shown["kaplan_meier"]) >= 60
    assert len(shown["kaplan_meier"]) < len(impact.business.details["kaplan_meier"])


def _text(fragment: str) -> str:
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def _tier_business(page: str) -> str:
    start = page.index('id="tier-business"')
    return _text(page[start : page.index("</section>", start)])


@pytest.mark.parametrize(
    ("code", "label", "kpi"),
    [
        (
            "onboarding_buddy",
            "Rate of reaching the Order lines per hour standard, participants against the "
            "comparison 1.",
            "Order lines per hour",
        ),
        (
            "stay_conversations",
            "Rate of leaving voluntarily, participants against the comparison 0.",
            "Voluntary attrition",
        ),
    ],
)
def test_a_hazard_ratio_is_labelled_as_the_rate_ratio_it_is(results, client_as, code, label, kpi):
    """The 1.91× of the ramp-up is the ratio of the rates of reaching the standard, and the
    0.62× of the retention program the ratio of the rates of leaving: neither is an effect on
    the KPI's own values (order lines per hour, the attrition rate)."""
    pid = results[code][0]
    tier = _tier_business(client_as("ld").get(f"/programs/{pid}").text)
    assert f"Estimated effect on {kpi}" not in tier
    assert label in tier, tier


def test_no_p_value_reads_zero(results, client_as):
    """The ramp-up's proportional-hazards test has p far below 0.001: everywhere it is shown
    (warning, check, check's value) it reads "p < 0.001", never "p = 0.000"."""
    pid = results["onboarding_buddy"][0]
    page = _text(client_as("ld").get(f"/programs/{pid}").text)
    assert "0.000" not in page
    assert "proportional-hazards test p < 0.001" in page
    assert "Test of a constant hazard ratio over tenure: p < 0.001." in page
