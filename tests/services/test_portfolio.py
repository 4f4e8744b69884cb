"""The portfolio service on the seeded database, both backends: scoring, ranking, the 80/20
cut, filters, who sees what, and the inputs people set."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.models import ImpactResult, Program, StrategicPriority, TrainingRequest
from lodestar.domain.portfolio import pareto_cut
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import portfolio
from lodestar.services.portfolio import PortfolioFilters, RequestScoringInput
from lodestar.services.privacy.groups import SETTINGS_KEY


def test_items_are_ranked_by_score_and_the_cut_carries_80_percent(db: Session, actors):
    p = portfolio.score_portfolio(db, actors["ld"])
    scores = [i.score for i in p.items if i.score is not None]
    assert scores == sorted(scores, reverse=True)
    assert [i.rank for i in p.items] == list(range(1, len(p.items) + 1))
    values = [i.expected_value for i in p.items]
    assert p.pareto_count == pareto_cut(values)
    above = sum(i.expected_value or 0 for i in p.items if i.above_cut)
    assert above >= 0.8 * p.total_value
    smallest_above = min(i.expected_value or 0 for i in p.items if i.above_cut)
    assert all((i.expected_value or 0) <= smallest_above for i in p.items if not i.above_cut)
    # Stopped programs and requests that became programs are not scored twice.
    kinds = {(i.kind, i.id) for i in p.items}
    stopped = db.scalar(select(Program.id).where(Program.status == "stopped"))
    assert ("program", stopped) not in kinds
    linked = db.scalar(select(Program.request_id).where(Program.request_id.is_not(None)))
    assert ("request", linked) not in kinds


def test_weight_and_effort_move_an_items_score(db: Session, actors):
    ld = actors["ld"]
    before = portfolio.score_portfolio(db, ld)
    item = next(i for i in before.items if i.kind == "program" and i.score)
    portfolio.set_priority_weight(db, actors["executive"], item.priority_id, 5)
    after = next(i for i in portfolio.score_portfolio(db, ld).items if i.key == item.key)
    assert after.weight == 5 and after.weight_set
    assert after.score == pytest.approx(item.expected_value * item.confidence / item.effort_days)
    portfolio.set_program_scoring(db, ld, item.id, portfolio.ProgramScoringInput(effort_days=40))
    slower = next(i for i in portfolio.score_portfolio(db, ld).items if i.key == item.key)
    assert slower.score == pytest.approx(after.score * after.effort_days / 40)


def test_a_request_with_a_numeric_cost_of_inaction_gets_an_expected_value(db: Session, actors):
    req = db.scalar(
        select(TrainingRequest).where(
            TrainingRequest.kpi_id.is_(None), TrainingRequest.state == "submitted"
        )
    )
    data = RequestScoringInput(origin="ad_hoc", cost_of_inaction_amount=80_000, effort_days=4)
    portfolio.set_request_scoring(db, actors["ld"], req.id, data)
    item = next(i for i in portfolio.score_portfolio(db, actors["ld"]).items if i.id == req.id)
    assert item.origin == "ad_hoc"
    assert item.expected.basis == "cost_of_inaction"
    assert item.expected_value == pytest.approx(20_000)
    assert item.band == "10k to 100k"


def test_filters_keep_only_matching_items(db: Session, actors):
    prio = db.scalars(select(StrategicPriority).order_by(StrategicPriority.id)).first()
    p = portfolio.score_portfolio(db, actors["ld"], PortfolioFilters(priority_id=prio.id))
    assert p.items and all(i.priority_id == prio.id for i in p.items)
    progs = portfolio.score_portfolio(db, actors["ld"], PortfolioFilters(kind="program"))
    assert progs.items and all(i.kind == "program" for i in progs.items)
    by_title = portfolio.score_portfolio(
        db, actors["ld"], PortfolioFilters(sort="title", descending=False)
    )
    titles = [i.title.casefold() for i in by_title.items]
    assert titles == sorted(titles)


def test_managers_see_their_department_and_employees_nothing(db: Session, actors):
    manager = actors["manager"]
    mine = portfolio.score_portfolio(db, manager)
    assert mine.items and all(i.department_id == manager.department_id for i in mine.items)
    everything = portfolio.score_portfolio(db, actors["executive"])
    assert len(everything.items) > len(mine.items)
    with pytest.raises(PermissionDenied, match="Ask your manager"):
        portfolio.score_portfolio(db, actors["employee"])
    with pytest.raises(PermissionDenied, match="leaders"):
        portfolio.set_priority_weight(db, manager, 1, 3)
    with pytest.raises(PermissionDenied, match="Only the L&D team"):
        portfolio.set_program_scoring(db, actors["executive"], 1, portfolio.ProgramScoringInput())


def test_a_measured_effect_over_too_few_people_is_not_used(db: Session, actors):
    """Small-group rule: a stored estimate over fewer participants than the minimum group
    size is an aggregate over too few people; the score falls back and says why."""
    prog = db.scalars(
        select(Program).where(Program.status != "stopped").order_by(Program.id)
    ).first()
    db.add(
        ImpactResult(
            program_id=prog.id, kpi_id=prog.kpi_id, design="randomised", method="t",
            estimand="ATT", causal=True, estimate=1.0, se=0.1, ci_low=0.8, ci_high=1.2,
            n_treated=3, n_comparison=3, evidence="strong", summary="", result={},
            settings={}, snapshot={},
        )
    )  # fmt: skip
    db.flush()
    key = f"program-{prog.id}"
    used = next(i for i in portfolio.score_portfolio(db, actors["ld"]).items if i.key == key)
    assert used.confidence == 0.9
    assert "The effect measured" in " ".join(used.expected.assumptions)
    db.info[SETTINGS_KEY] = Settings(security={"min_group_size": 10**6})
    try:
        hidden = next(i for i in portfolio.score_portfolio(db, actors["ld"]).items if i.key == key)
    finally:
        del db.info[SETTINGS_KEY]
    assert "The effect measured" not in " ".join(hidden.expected.assumptions)
    assert "fewer than 1,000,000 people" in hidden.expected.assumptions[-1].replace(
        "1000000", "1,000,000"
    )


def test_weight_out_of_range_is_refused(db: Session, actors):
    with pytest.raises(InvalidInput, match="0 to 5"):
        portfolio.set_priority_weight(db, actors["ld"], 1, 9)
