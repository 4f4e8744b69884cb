"""Symptoms of a reactive department, measured from the data (``domain.symptoms``), each with
its treatment and its trend.

The figure now is over the current items: open requests and programs not stopped (all
programs, stopped ones included, for spend). The trend is by month raised: of the requests
(or programs) raised in each of the last months, the share that shows the sign. These are
counts of requests and programs, not aggregates over people, so no group is too small.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    BehaviourObservation,
    Diagnosis,
    ImpactResult,
    Program,
    ProgramBehaviour,
    ProgramCanvas,
    ProgramEnrolment,
    TrainingRequest,
)
from lodestar.domain.roles import Actor
from lodestar.domain.symptoms import (
    ONE_OFF_FORMATS,
    SYMPTOMS,
    SymptomRule,
    is_present,
    share,
)
from lodestar.services.portfolio.access import require_overview_reader
from lodestar.services.portfolio.scoring import OPEN_REQUEST_STATES, program_cost

TREND_MONTHS = 6
TAKEN_ON = ("accepted", "in_design", "pilot", "scaled", "stopped")
EXAMPLES = 5


@dataclass(frozen=True)
class Sample:
    """One item a symptom looks at: when it was raised, whether it shows the sign, its
    weight (1, or money for spend), and whether it is current (open or running)."""

    title: str
    url: str
    raised: date
    sign: bool
    weight: float = 1.0
    current: bool = True


@dataclass(frozen=True)
class SymptomView:
    rule: SymptomRule
    count: float
    total: float
    share: float | None
    present: bool
    examples: tuple[tuple[str, str], ...]  # (title, url) of items showing the sign
    trend: tuple[tuple[str, float | None], ...]  # (month, share), oldest first


@dataclass(frozen=True)
class SymptomReport:
    symptoms: tuple[SymptomView, ...]
    months: tuple[str, ...]

    @property
    def present(self) -> tuple[SymptomView, ...]:
        return tuple(s for s in self.symptoms if s.present)


def _months(today: date, n: int) -> list[tuple[int, int]]:
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _view(rule: SymptomRule, samples: list[Sample], months: list[tuple[int, int]]) -> SymptomView:
    now = [s for s in samples if s.current]
    count = sum(s.weight for s in now if s.sign)
    total = sum(s.weight for s in now)
    trend = []
    for y, m in months:
        raised = [s for s in samples if (s.raised.year, s.raised.month) == (y, m)]
        trend.append(
            (
                date(y, m, 1).strftime("%b %Y"),
                share(sum(s.weight for s in raised if s.sign), sum(s.weight for s in raised)),
            )
        )
    return SymptomView(
        rule=rule,
        count=count,
        total=total,
        share=share(count, total),
        present=is_present(rule, count, total),
        examples=tuple((s.title, s.url) for s in now if s.sign)[:EXAMPLES],
        trend=tuple(trend),
    )


def _day(at: datetime | None) -> date:
    return at.date() if at is not None else date.min


def reactive_symptoms(
    session: Session, actor: Actor, *, today: date | None = None
) -> SymptomReport:
    require_overview_reader(actor, "The symptoms view")
    months = _months(today or date.today(), TREND_MONTHS)
    requests = session.scalars(
        select(TrainingRequest).where(TrainingRequest.state != "draft")
    ).all()
    progs = session.scalars(select(Program)).all()
    became = {p.request_id for p in progs if p.request_id}
    diagnosed = set(
        session.scalars(
            select(Diagnosis.request_id).where(
                Diagnosis.concluded_at.is_not(None), Diagnosis.outcome == "learning_solution"
            )
        )
    )
    behaviours: dict[int, list[str]] = {}
    for pid, name in session.execute(
        select(ProgramBehaviour.program_id, ProgramBehaviour.behaviour)
    ):
        behaviours.setdefault(pid, []).append(name)
    wanted = {b for names in behaviours.values() for b in names}
    observed = set(
        session.scalars(
            select(BehaviourObservation.behaviour)
            .where(BehaviourObservation.behaviour.in_(wanted))
            .group_by(BehaviourObservation.behaviour)
        )
    )
    formats = {
        pid: tuple(f or ())
        for pid, f in session.execute(select(ProgramCanvas.program_id, ProgramCanvas.formats))
    }
    evidenced = set(
        session.scalars(
            select(ImpactResult.program_id).where(ImpactResult.evidence.in_(("moderate", "strong")))
        )
    )
    people = {
        pid: n
        for pid, n in session.execute(
            select(ProgramEnrolment.program_id, func.count())
            .where(ProgramEnrolment.group == "participant")
            .group_by(ProgramEnrolment.program_id)
        )
    }

    def req(r: TrainingRequest, sign: bool, current: bool) -> Sample:
        return Sample(r.title, f"/requests/{r.id}", _day(r.created_at), sign, 1.0, current)

    def prog(p: Program, sign: bool, weight: float = 1.0, current: bool | None = None) -> Sample:
        running = p.status != "stopped" if current is None else current
        return Sample(p.name, f"/programs/{p.id}", _day(p.created_at), sign, weight, running)

    def is_open(r: TrainingRequest) -> bool:
        return r.state in OPEN_REQUEST_STATES and r.id not in became

    samples: dict[str, Callable[[], list[Sample]]] = {
        "ad_hoc_requests": lambda: [
            req(r, r.origin == "ad_hoc" or r.urgency in ("high", "urgent"), is_open(r))
            for r in requests
        ],
        "no_metric": lambda: (
            [req(r, r.kpi_id is None, is_open(r)) for r in requests]
            + [prog(p, p.kpi_id is None) for p in progs]
        ),
        "no_behaviour": lambda: [
            prog(p, not behaviours.get(p.id) or not (set(behaviours[p.id]) & observed))
            for p in progs
        ],
        "one_off_events": lambda: [
            prog(p, set(formats[p.id]) <= ONE_OFF_FORMATS) for p in progs if formats.get(p.id)
        ],
        "no_diagnosis": lambda: [
            req(r, r.id not in diagnosed, True) for r in requests if r.state in TAKEN_ON
        ],
        "spend_without_evidence": lambda: [
            prog(p, p.id not in evidenced, cost, current=True)
            for p in progs
            if (cost := program_cost(session, p, people.get(p.id, 0)))
        ],
    }
    views = tuple(_view(rule, samples[rule.key](), months) for rule in SYMPTOMS)
    return SymptomReport(views, tuple(date(y, m, 1).strftime("%b %Y") for y, m in months))
