"""On the 2,000-employee demo, the skills services find the answers planted beside the demo
truth (``workspace_meta['demo_skills_truth']``, written by ``services.demo.story_skills_people``
from its inputs, never from these services' output)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import JobRole, JobSkill, Program, Skill, User, WorkspaceMeta
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.demo.story_skills import CATALOGUE
from lodestar.services.skills import forecast, gaps, program_tier

pytestmark = pytest.mark.xdist_group("demo2000")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('skills') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    with Session(engine) as s:
        ld = actor_of(s.scalars(select(User).where(User.role == "ld").order_by(User.id)).first())
        truth = s.get(WorkspaceMeta, "demo_skills_truth").value
        yield s, ld, truth
    engine.dispose()


def test_about_25_skills_and_a_profile_for_every_job_title(demo):
    # 26 of Brightwater's own, four of them renamed to the quiz's codes, plus the quiz's three
    # other trainings (storytelling, analytical thinking, diversity & inclusion): 29.
    s, _, truth = demo
    assert truth["skills"] == len(CATALOGUE) == 29
    assert truth["skills"] == s.scalar(select(func.count()).select_from(Skill))
    titles = s.scalar(select(func.count()).select_from(JobRole))
    profiled = s.scalar(select(func.count(JobSkill.job_role_id.distinct())))
    assert profiled == titles


def test_self_ratings_run_high_by_the_planted_amount(demo):
    s, ld, truth = demo
    bias = gaps.self_rating_bias(s, ld)
    assert bias.overall == pytest.approx(truth["self_rating_bias"], abs=1e-6)
    assert 0.5 < bias.overall < truth["self_rating_share_up"] + 1e-9


def test_consultative_discovery_participants_gain_one_level(demo):
    s, _, truth = demo
    program = s.scalar(select(Program.id).where(Program.code == "consultative_discovery"))
    gained = {g.skill_code: g for g in program_tier.skills_gained(s, program)}
    discovery = gained[truth["discovery_skill"]]
    assert discovery.people == truth["discovery_participants"]
    assert discovery.change == pytest.approx(truth["discovery_gain"], abs=1e-9)


def test_the_largest_gap_is_in_the_planted_team(demo):
    s, ld, truth = demo
    heat = gaps.heat_map(s, ld)
    team, skill, cell = heat.largest(1)[0]
    code = dict((name, code) for code, name in heat.skills)[skill]
    assert (team, code) == (truth["largest_gap_team"], truth["largest_gap_skill"])
    assert not cell.hidden and cell.people >= 5


def test_the_small_team_is_suppressed_everywhere_on_the_heat_map(demo):
    s, ld, truth = demo
    heat = gaps.heat_map(s, ld, max_rows=10_000)
    row = next(r for r in heat.rows if r.team == truth["small_team"])
    assessed = [c for c in row.cells if c.people]
    assert assessed and all(c.hidden and c.mean_gap is None for c in assessed)
    assert sum(c.people for c in assessed) >= truth["small_team_assessed"]


def test_complementary_suppression_protects_the_column_totals(demo):
    s, ld, _ = demo
    heat = gaps.heat_map(s, ld, max_rows=10_000)
    for i, total in enumerate(heat.totals):
        hidden = [r.cells[i].people for r in heat.rows if r.cells[i].hidden]
        if hidden and total.mean_gap is not None:
            assert sum(hidden) >= heat.min_group_size


def test_the_headcount_plan_makes_solution_selling_the_top_build_now(demo):
    s, ld, truth = demo
    result = forecast.skills_forecast(s, ld)
    assert result.top_build_now is not None
    assert result.top_build_now.skill_code == truth["top_build_now_skill"]
    negotiation = next(ln for ln in result.lines if ln.skill_code == truth["borrow_skill"])
    assert negotiation.internal_surplus > 0 and "borrow" in (negotiation.now, negotiation.later)


def test_the_page_shows_the_teams_with_the_largest_gaps_first(demo):
    s, ld, truth = demo
    heat = gaps.heat_map(s, ld, max_rows=10)
    assert len(heat.rows) == 10 < heat.teams_total
    assert truth["largest_gap_team"] in {r.team for r in heat.rows}


def test_the_program_impact_carries_skills_gained_in_tier_2(demo):
    from lodestar.services.impact import program_impact

    s, ld, truth = demo
    program = s.scalar(select(Program.id).where(Program.code == "consultative_discovery"))
    impact = program_impact.latest_program_impact(s, ld, program)
    codes = {g.skill_code: g.change for g in impact.skills}
    assert codes[truth["discovery_skill"]] == pytest.approx(1.0)
