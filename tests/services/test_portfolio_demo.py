"""On the 2,000-employee demo, the portfolio, stakeholder and plan services find the answers
planted beside the demo truth (``workspace_meta['demo_portfolio_truth']``, written by
``services.demo.story_portfolio`` from its inputs, never from these services' output)."""

from __future__ import annotations

from datetime import date
from html import escape

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import User, WorkspaceMeta
from lodestar.db.session import make_engine
from lodestar.domain.ninety_day_plan import ITEMS_BY_KEY
from lodestar.domain.stakeholders import quadrant
from lodestar.domain.symptoms import SYMPTOMS
from lodestar.services import portfolio, stakeholders
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.demo.story_portfolio import STAKEHOLDERS

pytestmark = pytest.mark.xdist_group("demo2000")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('portfolio') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    with Session(engine) as s:
        ld = actor_of(s.scalars(select(User).where(User.role == "ld").order_by(User.id)).first())
        truth = s.get(WorkspaceMeta, "demo_portfolio_truth").value
        yield s, ld, truth
    engine.dispose()


def test_fixed_top_three_and_80_20_cut(demo):
    s, ld, truth = demo
    p = portfolio.score_portfolio(s, ld)
    assert [i.title for i in p.top(3)] == truth["top_three"]
    assert p.pareto_count == truth["pareto_cut"]
    assert [i.title for i in p.pareto_items] == truth["above_cut"]
    carried = sum(i.expected_value for i in p.pareto_items)
    assert carried >= 0.8 * p.total_value
    # One fewer would not carry 80%: the cut is where it should be.
    assert carried - p.pareto_items[-1].expected_value < 0.8 * p.total_value


def test_known_set_of_symptoms(demo):
    s, ld, truth = demo
    report = portfolio.reactive_symptoms(s, ld)
    assert sorted(v.rule.key for v in report.present) == sorted(truth["symptoms"])
    for view in report.symptoms:
        assert len(view.trend) == 6
        assert view.rule.treatment
        if view.present:
            assert view.examples


def test_stakeholder_map_interviews_and_councils(demo):
    s, ld, truth = demo
    grid = stakeholders.stakeholder_map(s, ld)
    assert len(grid.stakeholders) == truth["stakeholders"]
    expected = sorted(quadrant(inf, intr) for *_, inf, intr, _ in STAKEHOLDERS)
    assert sorted(v.quadrant for v in grid.stakeholders) == expected
    helen = next(v for v in grid.stakeholders if v.name == "Helen Okafor")
    assert helen.owns_priorities and "Repeat-contact rate" in helen.owns_kpis
    assert stakeholders.interview_count(s) == truth["interviews"]
    assert stakeholders.councils_held(s) == truth["councils_held"]
    found = stakeholders.list_interviews(s, ld, q="repeat-contact")
    assert {i.stakeholder_name for i in found} == {"Helen Okafor"}
    assert any(i.requests for i in stakeholders.list_interviews(s, ld))


def test_ninety_day_plan_at_a_known_number_of_items_done(demo):
    s, ld, truth = demo
    plan = portfolio.ninety_day_plan(s, ld, today=date.today())
    assert plan.day == truth["plan_day"]
    assert sorted(i.spec.key for i in plan.items if i.done) == sorted(truth["plan_done"])
    assert plan.done_count == len(truth["plan_done"])
    assert sorted(i.spec.key for i in plan.late) == sorted(truth["plan_late"])
    interviews = next(i for i in plan.items if i.spec.key == "ten_interviews")
    assert interviews.evidence.startswith(f"{truth['interviews']} of {truth['interview_goal']}")


def test_the_portfolio_brief_shows_the_cut_and_the_plan(demo):
    from lodestar.services.briefs import portfolio_brief

    s, ld, truth = demo
    extras = portfolio_brief(s, ld).extras
    assert extras.available
    assert [name for name, _ in extras.pareto] == truth["above_cut"]
    assert sum(share for _, share in extras.pareto) >= 0.8
    done_by_phase = [
        sum(1 for k in truth["plan_done"] if ITEMS_BY_KEY[k].phase == n) for n in (1, 2, 3)
    ]
    assert [words.split(";")[0] for _, words in extras.progress] == [
        f"{n} of 3 done" for n in done_by_phase
    ]
    assert "late: hold 10 stakeholder interviews" in extras.progress[0][1]


def test_the_portfolio_brief_carries_every_symptom_as_the_symptoms_view_finds_it(demo):
    from lodestar.services.briefs import portfolio_brief

    s, ld, _ = demo
    lines = portfolio_brief(s, ld).extras.symptoms
    found = portfolio.reactive_symptoms(s, ld)
    assert [line.name for line in lines] == [rule.name for rule in SYMPTOMS]
    assert [(line.share, line.present) for line in lines] == [
        (view.share, view.present) for view in found.symptoms
    ]
    assert any(line.present for line in lines) and any(not line.present for line in lines)
    for line, view in zip(lines, found.symptoms, strict=True):
        months = [(m, v) for m, v in view.trend if v is not None]
        assert (line.first, line.last) == (
            (months[0], months[-1]) if len(months) > 1 else (None, None)
        )


def test_the_portfolio_brief_file_says_each_symptom_and_the_cut(demo):
    from lodestar.reports.portfolio_output import portfolio_brief_file, symptom_words
    from lodestar.services.briefs import portfolio_brief

    s, ld, truth = demo
    extras = portfolio_brief(s, ld).extras
    html = portfolio_brief_file(s, ld, fmt="html").content.decode()
    for name in truth["above_cut"]:
        assert escape(name) in html
    for line in extras.symptoms:
        assert f"<strong>{escape(line.name)}</strong>: {escape(symptom_words(line))}" in html


def test_a_retention_or_ramp_up_result_is_never_read_as_a_change_in_the_kpi(demo):
    """Their estimates are ratios (hazard ratio 0.5, time ratio 2): scored as a change of 0.5
    or 2 units of the KPI, they gave Stay conversations an expected value of 0 and the buddy
    program a made-up one. The share of the gap is assumed, and the portfolio says why."""
    from lodestar.db.models import Program
    from lodestar.domain.portfolio import DEFAULT_EFFECT_SHARE
    from lodestar.services.impact.program_impact import estimate_program_impact

    s, ld, _ = demo
    codes = ("stay_conversations", "onboarding_buddy")
    ids = {c: s.scalar(select(Program.id).where(Program.code == c)) for c in codes}
    try:
        for pid in ids.values():
            estimate_program_impact(s, ld, pid)
        items = {i.id: i for i in portfolio.score_portfolio(s, ld).items if i.kind == "program"}
        assert items[ids["stay_conversations"]].expected.basis == "kpi"
        for code, pid in ids.items():
            item = items[pid]
            said = " ".join(item.expected.assumptions)
            assert "measured (" not in said and "no effect has been measured" not in said, said
            # The result's evidence grade still counts for the confidence.
            assert "evidence" in item.confidence_source.lower(), item.confidence_source
            if item.expected.basis == "kpi":  # the buddy's KPI has no money value per unit
                assert item.expected.share == DEFAULT_EFFECT_SHARE, (code, said)
                assert item.expected.value is not None and item.expected.value > 0, code
                assert "its result is a ratio" in said, said
    finally:
        s.rollback()
