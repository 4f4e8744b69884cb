"""Skill gaps: per person, team (the team × skill heat map) and job title; the top gaps of
each strategic priority; and the self-rating bias where managers and people differ.

A gap is target − current on the skill's scale, never below zero, weighted by the skill's
importance to the job and the priorities' weight on it (``domain.skills``). Group figures are
over the people *assessed* on the skill (a person nobody has assessed has an unknown level,
not level zero); how many of the people who need the skill were assessed is shown beside.

Who sees what:

- a person sees their own gaps; their managers (through the reporting line) and the L&D team
  see them too;
- the heat map: the L&D team, administrators and executives see every team; a manager sees
  the teams of the people in their reporting line;
- job titles, priorities and the self-rating bias across the company: the L&D team,
  administrators and executives; a manager sees the bias in their reporting line.

Every figure over fewer people than the minimum group size is hidden, complementarily within
each skill (``suppress``), so no filter's total minus the shown groups reveals a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.errors import PermissionDenied
from lodestar.services.privacy.groups import GroupRule, group_rule
from lodestar.services.reporting_line import reports_of
from lodestar.services.skills.assessments import can_read_person
from lodestar.services.skills.base import WARMERS, SkillsBase, skills_base, view
from lodestar.services.skills.suppress import hidden_mask

MAX_COLUMNS = 25
MAX_ROWS = 60  # teams shown at once: those with the largest gaps (a filter narrows the rest)
# What the priorities' gaps read besides the frame: each priority's title and skills.
PRIORITY_TABLES = ("priority_skills", "skills", "strategic_priorities")


@dataclass(frozen=True)
class HeatCell:
    people: int  # assessed people who need the skill in the team
    needing: int  # people who need it
    mean_gap: float | None  # None: hidden or nobody assessed
    weighted_gap: float | None
    hidden: bool


@dataclass(frozen=True)
class HeatRow:
    team_id: int
    team: str
    department: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    skills: tuple[tuple[str, str], ...]  # (code, name) per column
    rows: tuple[HeatRow, ...]
    totals: tuple[HeatCell, ...]
    scope: str
    min_group_size: int
    teams_total: int = 0  # teams in scope; ``rows`` holds those with the largest gaps

    def largest(self, n: int = 5) -> list[tuple[str, str, HeatCell]]:
        """The shown cells with the largest weighted gap: (team, skill name, cell)."""
        cells = [
            (row.team, self.skills[i][1], cell)
            for row in self.rows
            for i, cell in enumerate(row.cells)
            if cell.weighted_gap is not None
        ]
        return sorted(cells, key=lambda c: -(c[2].weighted_gap or 0.0))[:n]


def _require_company_reader(actor: Actor) -> None:
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            "Skill gaps across the company are for the L&D team, administrators and executives. "
            "Managers see their own teams on the heat map."
        )


def _team_scope(session: Session, actor: Actor, base: SkillsBase) -> tuple[set[int] | None, str]:
    if actor.role in ("ld", "admin", "executive"):
        return None, "every team"
    if actor.role != "manager":
        raise PermissionDenied(
            "The team heat map is for managers, the L&D team and executives. Your own skills "
            "and gaps are on My skills."
        )
    people = reports_of(session, actor)
    need = base.need
    teams = set(need.loc[need["employee_id"].isin(people), "team_id"].tolist())
    return teams, "the teams in your reporting line"


def _cell_table(need: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    assessed = need["level"].notna()
    table = (
        need.assign(assessed=assessed)
        .groupby(by, sort=False)
        .agg(
            needing=("employee_id", "size"),
            people=("assessed", "sum"),
            gap=("gap", "mean"),
            weighted=("weighted_gap", "mean"),
        )
    )
    return table.reset_index()


def heat_map(
    session: Session, actor: Actor, *, department_id: int | None = None, max_rows: int = MAX_ROWS
) -> HeatMap:
    """Teams × skills: mean gap of the assessed people who need each skill; the ``max_rows``
    teams with the largest weighted gaps (suppression is decided over every team in scope)."""
    base = skills_base(session)
    rule = group_rule(session)
    teams, scope = _team_scope(session, actor, base)
    scope_key = tuple(sorted(teams)) if teams is not None else None
    key = ("heat", scope_key, department_id, rule.min_size, max_rows)
    return view(
        session,
        base,
        key,
        lambda: _heat(base, rule, teams, department_id, scope, max_rows),
    )


def _heat(
    base: SkillsBase,
    rule: GroupRule,
    teams: set[int] | None,
    department: int | None,
    scope: str,
    max_rows: int,
) -> HeatMap:
    need = base.need
    if teams is not None:
        need = need[need["team_id"].isin(teams)]
    if department is not None:
        need = need[need["department_id"] == department]
    columns = need.groupby("skill_id").size().sort_values(ascending=False).head(MAX_COLUMNS)
    skill_ids = sorted(columns.index, key=lambda s: str(base.skills.loc[s, "name"]))
    need = need[need["skill_id"].isin(skill_ids)]
    cells = _cell_table(need, ["team_id", "skill_id"])
    cells["hidden"] = hidden_mask(cells, "team_id", "people", "skill_id", rule)
    shown = cells[~cells["hidden"] & (cells["people"] > 0)]
    worst = shown.groupby("team_id")["weighted"].max().sort_values(ascending=False)
    every = set(cells["team_id"])
    picked = list(worst.index[:max_rows])
    picked += sorted(every - set(worst.index))[: max(0, max_rows - len(picked))]
    kept = cells[cells["team_id"].isin(picked)]
    lookup = {(int(r.team_id), int(r.skill_id)): r for r in kept.itertuples()}
    rows = []
    for team_id in sorted(picked, key=lambda t: str(base.teams.loc[t, "team"])):
        row_cells = tuple(_cell(lookup.get((int(team_id), int(s))), rule) for s in skill_ids)
        rows.append(
            HeatRow(
                int(team_id),
                str(base.teams.loc[team_id, "team"]),
                str(base.teams.loc[team_id, "department"]),
                row_cells,
            )
        )
    totals = _cell_table(need, ["skill_id"]).set_index("skill_id")
    total_cells = tuple(
        _cell(totals.loc[s] if s in totals.index else None, rule, total=True) for s in skill_ids
    )
    return HeatMap(
        skills=tuple(
            (str(base.skills.loc[s, "code"]), str(base.skills.loc[s, "name"])) for s in skill_ids
        ),
        rows=tuple(rows),
        totals=total_cells,
        scope=scope,
        min_group_size=rule.min_size,
        teams_total=len(every),
    )


def _cell(row: object, rule: GroupRule, *, total: bool = False) -> HeatCell:
    if row is None:
        return HeatCell(0, 0, None, None, False)
    people, needing = int(row.people), int(row.needing)  # type: ignore[attr-defined]
    hidden = rule.hides(people) if total else bool(row.hidden)  # type: ignore[attr-defined]
    if hidden or people == 0:
        return HeatCell(people, needing, None, None, hidden)
    return HeatCell(people, needing, float(row.gap), float(row.weighted), False)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GapLine:
    skill_code: str
    skill_name: str
    target: int
    current: float | None
    source: str
    gap: float | None
    importance: int
    priority_weight: float
    weighted_gap: float | None


def employee_gaps(session: Session, actor: Actor, employee_id: int) -> list[GapLine]:
    """One person's gaps against their job title's profile, largest weighted gap first."""
    if not can_read_person(session, actor, employee_id):
        raise PermissionDenied(
            "A person's skill gaps are seen by them, their managers and the L&D team."
        )
    base = skills_base(session)
    mine = base.need[base.need["employee_id"] == employee_id]
    lines = [
        GapLine(
            skill_code=str(base.skills.loc[r.skill_id, "code"]),
            skill_name=str(base.skills.loc[r.skill_id, "name"]),
            target=int(r.target),
            current=None if pd.isna(r.level) else float(r.level),
            source="" if pd.isna(r.level) else str(r.source),
            gap=None if pd.isna(r.gap) else float(r.gap),
            importance=int(r.importance),
            priority_weight=float(r.priority_weight),
            weighted_gap=None if pd.isna(r.weighted_gap) else float(r.weighted_gap),
        )
        for r in mine.itertuples()
    ]
    return sorted(
        lines,
        key=lambda g: (
            -(g.weighted_gap if g.weighted_gap is not None else g.target * 10),
            g.skill_name,
        ),
    )


@dataclass(frozen=True)
class GroupGap:
    group: str  # job title or priority
    skill_code: str
    skill_name: str
    people: int
    needing: int
    mean_gap: float | None
    below_target: float | None  # share of assessed people below target
    weighted_total: float | None  # summed weighted gap (how much closing it matters)
    hidden: bool


def job_title_gaps(session: Session, actor: Actor) -> list[GroupGap]:
    """Per job title and skill, largest summed weighted gap first."""
    _require_company_reader(actor)
    base, rule = skills_base(session), group_rule(session)
    return view(session, base, ("titles", rule.min_size), lambda: _title_gaps(base, rule))


def _group_table(need: pd.DataFrame, by: str) -> pd.DataFrame:
    assessed = need["level"].notna()
    below = assessed & (need["gap"] > 0)
    return (
        need.assign(assessed=assessed, below=below)
        .groupby([by, "skill_id"], sort=False)
        .agg(
            needing=("employee_id", "size"),
            people=("assessed", "sum"),
            gap=("gap", "mean"),
            below=("below", "sum"),
            weighted=("weighted_gap", "sum"),
        )
        .reset_index()
    )


def _group_gaps(
    base: SkillsBase, table: pd.DataFrame, by: str, names: dict[int, str]
) -> list[GroupGap]:
    out = []
    for r in table.itertuples():
        hidden = bool(r.hidden)
        shown = not hidden and r.people > 0
        out.append(
            GroupGap(
                group=names.get(int(getattr(r, by)), ""),
                skill_code=str(base.skills.loc[r.skill_id, "code"]),
                skill_name=str(base.skills.loc[r.skill_id, "name"]),
                people=int(r.people),
                needing=int(r.needing),
                mean_gap=float(r.gap) if shown else None,
                below_target=float(r.below / r.people) if shown else None,
                weighted_total=float(r.weighted) if shown else None,
                hidden=hidden,
            )
        )
    return sorted(out, key=lambda g: (-(g.weighted_total or 0.0), g.group, g.skill_name))


def _title_gaps(base: SkillsBase, rule: GroupRule) -> list[GroupGap]:
    table = _group_table(base.need, "job_role_id")
    table["hidden"] = hidden_mask(table, "job_role_id", "people", "skill_id", rule)
    names = {int(k): str(v) for k, v in base.roles["title"].items()}
    return _group_gaps(base, table, "job_role_id", names)


def priority_gaps(
    session: Session, actor: Actor, per_priority: int = 5
) -> dict[str, list[GroupGap]]:
    """Each priority's top gaps: the skills it depends on, by summed weighted gap."""
    _require_company_reader(actor)
    rule = group_rule(session)
    key = ("priorities", rule.min_size, per_priority)
    base = skills_base(session)
    return view(
        session,
        base,
        key,
        lambda: _priority_gaps(session, actor, base, rule, per_priority),
        tables=PRIORITY_TABLES,
    )


def _priority_gaps(
    session: Session, actor: Actor, base: SkillsBase, rule: GroupRule, per_priority: int
) -> dict[str, list[GroupGap]]:
    from lodestar.services.skills.profiles import priority_skills

    table = _cell_table(base.need, ["skill_id"])
    below = base.need.assign(b=base.need["gap"] > 0).groupby("skill_id")["b"].sum()
    weighted = base.need.groupby("skill_id")["weighted_gap"].sum()
    out: dict[str, list[GroupGap]] = {}
    by_code = {str(c): int(i) for i, c in base.skills["code"].items()}
    stats = table.set_index("skill_id")
    for line in priority_skills(session, actor):
        sid = by_code[line.skill_code]
        row = stats.loc[sid] if sid in stats.index else None
        people = int(row["people"]) if row is not None else 0
        shown = row is not None and people > 0 and not rule.hides(people)
        out.setdefault(line.priority_title, []).append(
            GroupGap(
                group=line.priority_title,
                skill_code=line.skill_code,
                skill_name=line.skill_name,
                people=people,
                needing=int(row["needing"]) if row is not None else 0,
                mean_gap=float(row["gap"]) if shown and row is not None else None,
                below_target=float(below[sid] / people) if shown else None,
                weighted_total=float(weighted[sid]) if shown else None,
                hidden=row is not None and rule.hides(people),
            )
        )
    return {
        k: sorted(v, key=lambda g: -(g.weighted_total or 0.0))[:per_priority]
        for k, v in out.items()
    }


@dataclass(frozen=True)
class BiasLine:
    skill_code: str
    skill_name: str
    people: int  # rated by both themselves and their manager
    bias: float | None  # mean (self − manager); above 0: self-ratings run high
    hidden: bool


@dataclass(frozen=True)
class SelfRatingBias:
    overall: float | None
    people: int
    lines: tuple[BiasLine, ...]
    scope: str


def self_rating_bias(session: Session, actor: Actor) -> SelfRatingBias:
    """Where people's self-ratings and their managers' assessments differ, per skill."""
    base, rule = skills_base(session), group_rule(session)
    if actor.role in ("ld", "admin", "executive"):
        people, scope = None, "the company"
    elif actor.role == "manager":
        people, scope = reports_of(session, actor), "your reporting line"
    else:
        raise PermissionDenied("The self-rating bias is for managers, the L&D team and executives.")
    key = ("bias", tuple(sorted(people)) if people is not None else None, rule.min_size)
    return view(session, base, key, lambda: _bias(base, rule, people, scope))


def _bias(base: SkillsBase, rule: GroupRule, people: set[int] | None, scope: str) -> SelfRatingBias:
    latest = base.latest
    if people is not None:
        latest = latest[latest["employee_id"].isin(people)]
    wide = latest.pivot_table(
        index=["employee_id", "skill_id"], columns="source", values="level", aggfunc="last"
    )
    if "self" not in wide or "manager" not in wide:
        return SelfRatingBias(None, 0, (), scope)
    pairs = (wide["self"] - wide["manager"]).dropna().rename("diff").reset_index()
    table = pairs.groupby("skill_id").agg(people=("diff", "size"), bias=("diff", "mean"))
    table = table.reset_index().assign(all="all")
    table["hidden"] = hidden_mask(table, "skill_id", "people", "all", rule)
    lines = tuple(
        BiasLine(
            str(base.skills.loc[r.skill_id, "code"]),
            str(base.skills.loc[r.skill_id, "name"]),
            int(r.people),
            None if r.hidden else float(r.bias),
            bool(r.hidden),
        )
        for r in table.sort_values("bias", ascending=False).itertuples()
    )
    total = len(pairs["employee_id"].unique())
    overall = None if rule.hides(total) or pairs.empty else float(pairs["diff"].mean())
    return SelfRatingBias(overall, total, lines, scope)


__all__ = [
    "PRIORITY_TABLES",
    "BiasLine",
    "GapLine",
    "GroupGap",
    "HeatCell",
    "HeatMap",
    "HeatRow",
    "SelfRatingBias",
    "employee_gaps",
    "heat_map",
    "job_title_gaps",
    "priority_gaps",
    "self_rating_bias",
]


def _warm(session: Session, base: SkillsBase) -> None:
    """The company-wide heat map and job-title gaps, as the L&D team opens them."""
    rule = group_rule(session)
    view(
        session,
        base,
        ("heat", None, None, rule.min_size, MAX_ROWS),
        lambda: _heat(base, rule, None, None, "every team", MAX_ROWS),
    )
    view(session, base, ("titles", rule.min_size), lambda: _title_gaps(base, rule))


WARMERS.append(_warm)


def department_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the departments that have teams, for the heat map's filter."""
    teams = skills_base(session).teams
    pairs = teams[["department_id", "department"]].drop_duplicates().sort_values("department")
    return [
        (int(i), str(n)) for i, n in zip(pairs["department_id"], pairs["department"], strict=True)
    ]
