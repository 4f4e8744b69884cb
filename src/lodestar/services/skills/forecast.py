"""The skills forecast: the people at target each skill needs 12 and 24 months from now,
against today's supply, and what to start now — build (programs), buy (hire) or borrow
(internal gigs).

For a horizon of *h* months:

- **headcount** of a job title = today's current employees + its headcount plan for *h*
  (the 24-month plan, or else the 12-month one, for 24) + planned moves into it effective
  within *h* − planned moves out of it;
- **need** of a skill = Σ over job titles needing it of their headcount, + the extra people
  at target the strategic priorities ask for within *h*;
- **supply** = the people at or above their job's target on the skill today;
- **shortfall** = need − supply (today's gap and tomorrow's growth), and **growth** = need at
  *h* − need today: the part the plans and priorities add.

What to start now acts on growth: growth due within 12 months cannot be grown in time, so it
is *bought*, unless people elsewhere hold the skill already (*borrow*: at least half the
growth is held at the skill's target by people whose job does not need it); growth between
12 and 24 months is *built* through programs, or borrowed (``domain.skills.recommend``). The
list is ranked by growth × the skill's weight (its highest importance to a job, and the
priorities' weight), which is how the top "build now" skill is chosen.

Aggregates here are counts of positions, not figures about people, so nothing is suppressed;
the page is for the L&D team, administrators and executives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import HeadcountPlan, JobSkill, PlannedMove, PrioritySkill
from lodestar.domain.roles import Actor
from lodestar.domain.skills import HORIZONS, gap_weight, recommend
from lodestar.errors import PermissionDenied
from lodestar.services.skills.base import WARMERS, SkillsBase, skills_base, view

BUILD_MONTHS = 12.0
# What the forecast reads besides the frame (``skills_base``), so it is recomputed when a plan,
# a move, a profile or a priority's extra people change.
FORECAST_TABLES = ("headcount_plans", "job_skills", "planned_moves", "priority_skills")


@dataclass(frozen=True)
class ForecastLine:
    skill_code: str
    skill_name: str
    need_today: int
    supply: int
    need_12: int
    need_24: int
    shortfall_12: int
    shortfall_24: int
    growth_12: int
    growth_24: int
    internal_surplus: int
    weight: float
    now: str  # build / buy / borrow for the growth within 12 months ("" when none)
    later: str  # for the growth from 12 to 24 months ("" when none)
    priority: float  # growth × weight, what the list is ranked by


@dataclass(frozen=True)
class Forecast:
    lines: tuple[ForecastLine, ...]
    as_of: date

    def start_now(self, action: str) -> list[ForecastLine]:
        """Skills whose recommendation (now or later) is ``action``, highest priority first."""
        return [ln for ln in self.lines if action in (ln.now, ln.later)]

    @property
    def top_build_now(self) -> ForecastLine | None:
        built = [ln for ln in self.lines if ln.later == "build"]
        return max(built, key=lambda ln: (ln.growth_24 - ln.growth_12) * ln.weight, default=None)


def skills_forecast(session: Session, actor: Actor, *, today: date | None = None) -> Forecast:
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            "The skills forecast is for the L&D team, administrators and executives."
        )
    as_of = today or date.today()
    base = skills_base(session)
    return _kept_forecast(session, base, as_of)


def _kept_forecast(session: Session, base: SkillsBase, as_of: date) -> Forecast:
    return view(
        session,
        base,
        ("forecast", as_of),
        lambda: _forecast(session, base, as_of),
        tables=FORECAST_TABLES,
    )


def _headcount(session: Session, base: SkillsBase, as_of: date) -> pd.DataFrame:
    """Job title × horizon: today's headcount, then at 12 and 24 months."""
    people = base.need.drop_duplicates("employee_id")
    today = people.groupby("job_role_id").size()
    plans = pd.DataFrame.from_records(
        session.execute(
            select(HeadcountPlan.job_role_id, HeadcountPlan.horizon_months, HeadcountPlan.change)
        ).all(),
        columns=["job_role_id", "months", "change"],
    )
    moves = pd.DataFrame.from_records(
        session.execute(
            select(PlannedMove.employee_id, PlannedMove.to_job_role_id, PlannedMove.effective_on)
        ).all(),
        columns=["employee_id", "to", "on"],
    )
    titles = sorted(set(today.index) | set(plans["job_role_id"]) | set(moves["to"]))
    frame = pd.DataFrame({"today": today.reindex(titles).fillna(0)}, index=titles)
    current_role = people.set_index("employee_id")["job_role_id"]
    for months in HORIZONS:
        plan = plans[plans["months"] == months].set_index("job_role_id")["change"]
        if months == 24:  # the 24-month plan, or else the 12-month one
            twelve = plans[plans["months"] == 12].set_index("job_role_id")["change"]
            plan = plan.combine_first(twelve)
        until = as_of + timedelta(days=round(months * 30.44))
        due = moves[pd.to_datetime(moves["on"]) <= pd.Timestamp(until)]
        into = due.groupby("to").size()
        out = due["employee_id"].map(current_role).dropna().value_counts()
        frame[months] = (
            frame["today"]
            + plan.reindex(titles).fillna(0)
            + into.reindex(titles).fillna(0)
            - out.reindex(titles).fillna(0)
        ).clip(lower=0)
    return frame


def _forecast(session: Session, base: SkillsBase, as_of: date) -> Forecast:
    need = base.need
    heads = _headcount(session, base, as_of)
    # Every job title's profile, not only the titles someone holds today: a plan to hire into a
    # new title needs that title's skills too.
    profile = pd.DataFrame.from_records(
        session.execute(
            select(JobSkill.job_role_id, JobSkill.skill_id, JobSkill.target_level,
                   JobSkill.importance)
        ).all(),
        columns=["job_role_id", "skill_id", "target", "importance"],
    )  # fmt: skip
    demand = profile.merge(heads, left_on="job_role_id", right_index=True)
    extras = (
        pd.DataFrame.from_records(
            session.execute(
                select(
                    PrioritySkill.skill_id,
                    PrioritySkill.extra_people_12,
                    PrioritySkill.extra_people_24,
                )
            ).all(),
            columns=["skill_id", "e12", "e24"],
        )
        .groupby("skill_id")
        .sum()
    )
    by_skill = demand.groupby("skill_id").agg(
        today=("today", "sum"),
        n12=(12, "sum"),
        n24=(24, "sum"),
        importance=("importance", "max"),
        target=("target", "min"),
    )
    by_skill["n12"] += extras["e12"].reindex(by_skill.index).fillna(0)
    by_skill["n24"] += extras["e24"].reindex(by_skill.index).fillna(0)
    supply = need[need["level"] >= need["target"]].groupby("skill_id").size()
    surplus = _surplus(base, by_skill["target"])
    lines = []
    for sid, r in by_skill.iterrows():
        have = int(supply.get(sid, 0))
        g12, g24 = int(round(r["n12"] - r["today"])), int(round(r["n24"] - r["today"]))
        weight = gap_weight(float(r["importance"]), float(base.priority_weight.get(sid, 0.0)))
        spare = int(surplus.get(sid, 0))
        now = (
            recommend(shortfall=g12, internal_surplus=spare, months=12, build_months=BUILD_MONTHS)
            if g12 > 0
            else ""
        )
        later_growth = g24 - max(g12, 0)
        later = (
            recommend(
                shortfall=later_growth, internal_surplus=spare, months=24, build_months=BUILD_MONTHS
            )
            if later_growth > 0
            else ""
        )
        lines.append(
            ForecastLine(
                skill_code=str(base.skills.loc[sid, "code"]),
                skill_name=str(base.skills.loc[sid, "name"]),
                need_today=int(r["today"]),
                supply=have,
                need_12=int(round(r["n12"])),
                need_24=int(round(r["n24"])),
                shortfall_12=max(0, int(round(r["n12"])) - have),
                shortfall_24=max(0, int(round(r["n24"])) - have),
                growth_12=g12,
                growth_24=g24,
                internal_surplus=spare,
                weight=weight,
                now=now,
                later=later,
                priority=max(g24, g12, 0) * weight,
            )
        )
    lines.sort(key=lambda ln: (-ln.priority, ln.skill_name))
    return Forecast(tuple(lines), as_of)


def _surplus(base: SkillsBase, target: pd.Series) -> pd.Series:
    """People at the skill's (lowest) target whose own job does not need the skill."""
    current = base.latest.sort_values("source").drop_duplicates(["employee_id", "skill_id"])
    needed = base.need[["employee_id", "skill_id"]].assign(needed=True)
    held = current.merge(needed, on=["employee_id", "skill_id"], how="left")
    held = held[held["needed"].isna() & held["employee_id"].isin(base.need["employee_id"])]
    held = held[held["level"] >= held["skill_id"].map(target)]
    return held.groupby("skill_id").size()


def _warm(session: Session, base: SkillsBase) -> None:
    _kept_forecast(session, base, date.today())


WARMERS.append(_warm)

__all__ = ["FORECAST_TABLES", "Forecast", "ForecastLine", "skills_forecast"]
