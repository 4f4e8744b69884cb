"""The leadership view: strategic priorities, their KPIs, the programs aimed at them and what
those programs' stored results say, filtered by department and period.

Small groups are suppressed on every aggregate (``services.privacy.groups``):

- a KPI's mean for one department is shown for a period only when the department's people
  *and* the rest of the organisation each hold at least the minimum group size (complementary
  suppression), because the organisation-wide mean is shown elsewhere and the difference of
  the two would expose the rest;
- a program's result is hidden when it describes fewer participants than the minimum;
- participant counts are counts of people and stay visible.

A KPI whose values live in an external source (docs/external-sources.md) shows no trend: the
view would otherwise scan a warehouse table on every visit, or show the observations imported
before the KPI was pointed at its source. Its row says so in a sentence instead.

The period filter keeps KPI trends to the window and lists the programs that were running in
it (started before its end, and either still running or with participants starting inside it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.kpi_store import period_of, read_columns
from lodestar.db.models import (
    Department,
    Employee,
    ImpactResult,
    Kpi,
    Program,
    ProgramEnrolment,
    StrategicPriority,
    Team,
    User,
)
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import audit
from lodestar.services.impact.source_views import not_read_here
from lodestar.services.impact.starts import start_dates
from lodestar.services.privacy.groups import GroupRule, group_rule
from lodestar.services.strategy.trends import kpi_trend
from lodestar.services.views import KpiPoint

#: Period filter keys and their length in days (None: the whole history).
PERIODS: dict[str, tuple[str, int | None]] = {
    "all": ("The whole history", None),
    "12m": ("The last 12 months", 365),
    "6m": ("The last 6 months", 182),
    "3m": ("The last 3 months", 91),
}
RUNNING = ("pilot", "scaled")


@dataclass(frozen=True)
class ResultCell:
    result_id: int
    evidence: str
    causal: bool
    estimate: float
    ci_low: float
    ci_high: float
    estimand: str
    n_treated: int
    hidden: bool  # fewer participants than the minimum group size: no figure is shown
    created_on: date


@dataclass(frozen=True)
class ProgramRow:
    id: int
    code: str
    name: str
    status: str
    kpi_id: int | None
    participants: int  # in the department filtered on, else all
    first_start: date | None
    result: ResultCell | None


@dataclass(frozen=True)
class KpiRow:
    id: int
    name: str
    unit: str
    direction: str
    baseline: float | None
    target: float | None
    horizon: date | None
    trend: tuple[KpiPoint, ...]
    note: str  # why periods are missing, or what a department filter does to this KPI
    starts: tuple[date, ...]  # start dates of the programs aimed at it


@dataclass(frozen=True)
class PriorityBlock:
    id: int
    title: str
    owner: str | None
    kpis: tuple[KpiRow, ...]
    programs: tuple[ProgramRow, ...]


@dataclass(frozen=True)
class LeadershipView:
    department_id: int | None
    department_name: str | None
    period: str
    window: tuple[date | None, date]
    departments: tuple[tuple[int, str], ...]
    priorities: tuple[PriorityBlock, ...]
    focus_priority: int | None
    min_group: int


def _check(actor: Actor) -> None:
    if not actor.can_read_portfolio:
        raise PermissionDenied(
            "The leadership view is for executives and the L&D team. Your home page shows your "
            "own requests and programs."
        )


def leadership_view(
    session: Session,
    actor: Actor,
    *,
    department_id: int | None = None,
    period: str = "all",
    priority_id: int | None = None,
    today: date | None = None,
) -> LeadershipView:
    """Priorities → KPIs → programs → results, for one department and period if asked."""
    _check(actor)
    if period not in PERIODS:
        raise InvalidInput(
            f"{period!r} is not a period. Choose one of: {', '.join(PERIODS)}.",
            details={"fields": {"period": "Choose a period from the list."}},
        )
    departments = tuple(
        (d.id, d.name) for d in session.scalars(select(Department).order_by(Department.name))
    )
    names = dict(departments)
    if department_id is not None and department_id not in names:
        raise InvalidInput(
            f"There is no department #{department_id}. Choose one from the list, or all.",
            details={"fields": {"department": "Choose a department from the list."}},
        )
    end = today or date.today()
    days = PERIODS[period][1]
    start = end - timedelta(days=days) if days else None
    rule = group_rule(session)
    prio_query = select(StrategicPriority).where(StrategicPriority.archived_at.is_(None))
    if priority_id is not None:
        prio_query = prio_query.where(StrategicPriority.id == priority_id)
    prios = list(session.scalars(prio_query.order_by(StrategicPriority.id)))
    owners: dict[int, str] = {
        uid: name for uid, name in session.execute(select(User.id, User.name))
    }
    programs = _programs(session, department_id, start, end, rule)
    blocks = []
    for p in prios:
        mine = tuple(r for r in programs if _priority_of(session, r.id) == p.id)
        kpis = tuple(
            _kpi_row(session, k, department_id, start, rule, mine)
            for k in session.scalars(
                select(Kpi)
                .where(Kpi.priority_id == p.id, Kpi.archived_at.is_(None))
                .order_by(Kpi.id)
            )
        )
        blocks.append(PriorityBlock(p.id, p.title, owners.get(p.owner_id or -1), kpis, mine))
    audit.viewed(session, actor, "leadership", None, f"department={department_id} period={period}")
    return LeadershipView(
        department_id=department_id,
        department_name=names.get(department_id) if department_id else None,
        period=period,
        window=(start, end),
        departments=departments,
        priorities=tuple(blocks),
        focus_priority=priority_id,
        min_group=rule.min_size,
    )


def _priority_of(session: Session, program_id: int) -> int | None:
    prog = session.get(Program, program_id)
    return prog.priority_id if prog else None


def _programs(
    session: Session, department_id: int | None, start: date | None, end: date, rule: GroupRule
) -> list[ProgramRow]:
    """Programs with participants (in the department), running in the window, with their
    newest stored result."""
    enrol = ProgramEnrolment
    in_dept = (
        select(enrol.program_id, func.count().label("n"), func.min(enrol.start_date),
               func.max(enrol.start_date))
        .join(Employee, Employee.id == enrol.employee_id)
        .join(Team, Team.id == Employee.team_id)
        .where(enrol.group == "participant")
        .group_by(enrol.program_id)
    )  # fmt: skip
    if department_id is not None:
        in_dept = in_dept.where(Team.department_id == department_id)
    counts = {pid: (n, first, last) for pid, n, first, last in session.execute(in_dept)}
    rows = []
    for prog in session.scalars(select(Program).order_by(Program.name)):
        n, first, last = counts.get(prog.id, (0, None, None))
        if department_id is not None and n == 0:
            continue
        if start is not None:
            if first is None or first > end:
                continue
            if prog.status not in RUNNING and (last is None or last < start):
                continue
        rows.append(
            ProgramRow(prog.id, prog.code, prog.name, prog.status, prog.kpi_id, n, first,
                       _latest(session, prog.id, rule))
        )  # fmt: skip
    return rows


def _latest(session: Session, program_id: int, rule: GroupRule) -> ResultCell | None:
    row = session.scalar(
        select(ImpactResult)
        .where(ImpactResult.program_id == program_id)
        .order_by(ImpactResult.created_at.desc(), ImpactResult.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    return ResultCell(row.id, row.evidence, row.causal, row.estimate, row.ci_low, row.ci_high,
                      row.estimand, row.n_treated, rule.hides(row.n_treated),
                      row.created_at.date())  # fmt: skip


def _kpi_row(
    session: Session,
    kpi: Kpi,
    department_id: int | None,
    start: date | None,
    rule: GroupRule,
    programs: tuple[ProgramRow, ...],
) -> KpiRow:
    external = not_read_here(session, kpi.id, "its trend")
    note = ""
    if external:
        trend: tuple[KpiPoint, ...] = ()
        note = external
    elif department_id is None or kpi.grain not in ("employee", "team"):
        trend = kpi_trend(session, kpi.id)
        if department_id is not None:
            note = "Measured for the whole organisation only, so the department filter does "
            note += "not apply to it."
    else:
        trend, hidden = department_trend(session, kpi, department_id, rule)
        if hidden:
            note = (
                f"{hidden} period{'s are' if hidden > 1 else ' is'} left out: the department or "
                f"the rest of the organisation had fewer than {rule.min_size} people with a "
                "value there."
            )
    if start is not None:
        trend = tuple(p for p in trend if p.period >= start)
    starts = tuple(
        sorted({d for r in programs if r.kpi_id == kpi.id for d in start_dates(session, r.id)})
    )
    return KpiRow(kpi.id, kpi.name, kpi.unit, kpi.direction, kpi.baseline, kpi.target,
                  kpi.horizon_date, trend, note, starts)  # fmt: skip


def department_trend(
    session: Session, kpi: Kpi, department_id: int, rule: GroupRule, *, max_points: int = 104
) -> tuple[tuple[KpiPoint, ...], int]:
    """One department's mean per period, and how many periods were hidden. For a KPI of
    people, a period is shown only if the department and the rest of the organisation each
    have enough people (complementary suppression); team KPIs are not values of a person."""
    rows = read_columns(session, kpi.id)
    if kpi.grain == "team":
        pairs = session.execute(select(Team.id, Team.department_id)).all()
    elif kpi.grain == "employee":
        pairs = session.execute(
            select(Employee.id, Team.department_id).join(Team, Team.id == Employee.team_id)
        ).all()
    else:  # an organisation's value belongs to no department
        pairs = []
    ids = np.array([i for i, _ in pairs], dtype=np.int64)
    depts = np.array([-2 if d is None else d for _, d in pairs], dtype=np.int64)
    department = np.full(max(ids.max(initial=0), rows.subject.max(initial=0)) + 1, -1)
    department[ids] = depts  # -1: not in the join (no team), -2: a team of no department
    of_row = department[rows.subject]
    joined, here = of_row != -1, of_row == department_id
    days = np.unique(rows.day[joined])[-max_points:]
    if not len(days):
        return (), 0
    slot = np.searchsorted(days, rows.day)
    kept = joined & (slot < len(days)) & (days[np.minimum(slot, len(days) - 1)] == rows.day)
    count = np.bincount(slot[kept & here], minlength=len(days))
    total = np.bincount(slot[kept], minlength=len(days))
    summed = np.bincount(slot[kept & here], weights=rows.value[kept & here], minlength=len(days))
    people = kpi.grain == "employee"  # team rows are nobody's values
    found = [
        (period_of(int(day)), summed[i] / count[i] if count[i] else None,
         int(count[i]) if people else 0, int(total[i]) if people else 0, int(count[i]))
        for i, day in enumerate(days)
    ]  # fmt: skip
    shown, hidden = [], 0
    for period, mean, part, whole, seen in found:
        if not seen:
            continue
        if kpi.grain == "employee" and not rule.shows_part(part, whole):
            hidden += 1
            continue
        shown.append(KpiPoint(period, float(mean or 0.0)))
    return tuple(shown), hidden


__all__ = [
    "PERIODS",
    "KpiRow",
    "LeadershipView",
    "PriorityBlock",
    "ProgramRow",
    "ResultCell",
    "department_trend",
    "leadership_view",
]
