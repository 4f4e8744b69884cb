"""One program described in words: what the CLI prints after a create, an edit or a decision.

The facts a person needs to recognise the program (name, code, state, priority, the metric that
matters with its baseline, target and horizon, the request it came from) and its statement of
intent, so the command line describes a program as its pages do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from lodestar.db.models import Kpi, StrategicPriority
from lodestar.domain.program_lifecycle import state_label
from lodestar.domain.roles import Actor
from lodestar.services.programs.access import load_program, require_reader
from lodestar.services.programs.canvas import program_canvas


@dataclass(frozen=True)
class ProgramSummary:
    id: int
    code: str
    name: str
    status: str
    state: str  # the status in words
    priority: str  # "" = none linked
    kpi_name: str  # "" = no metric that matters linked
    unit: str
    baseline: float | None
    target: float | None
    start_date: date | None
    horizon_date: date | None
    request_id: int | None
    statement: str

    @property
    def unaligned(self) -> bool:
        return not self.kpi_name

    def lines(self) -> list[str]:
        """The summary as the lines the CLI prints."""
        out = [f"Program #{self.id} {self.name} ({self.code}) — {self.state}"]
        out.append(f"Strategic priority: {self.priority or 'none linked'}")
        if self.unaligned:
            out.append(
                "Metric that matters: none linked, so nothing can be measured yet. Link one "
                f"with `lodestar program edit {self.code} --kpi CODE`."
            )
        else:
            span = " → ".join(
                f"{v:g} {self.unit}".rstrip() for v in (self.baseline, self.target) if v is not None
            )
            by = f" by {self.horizon_date.isoformat()}" if self.horizon_date else ""
            out.append(f"Metric that matters: {self.kpi_name}" + (f", {span}{by}" if span else by))
        if self.start_date:
            out.append(f"Starts: {self.start_date.isoformat()}")
        if self.request_id:
            out.append(f"Answers request #{self.request_id}, which follows the program's state.")
        out.append(f"Statement of intent: {self.statement}")
        return out


def program_summary(session: Session, actor: Actor, program_id: int) -> ProgramSummary:
    require_reader(actor)
    prog = load_program(session, program_id)
    kpi = session.get(Kpi, prog.kpi_id) if prog.kpi_id else None
    priority = session.get(StrategicPriority, prog.priority_id) if prog.priority_id else None
    return ProgramSummary(
        id=prog.id, code=prog.code, name=prog.name, status=prog.status,
        state=state_label(prog.status), priority=priority.title if priority else "",
        kpi_name=kpi.name if kpi else "", unit=kpi.unit if kpi else "",
        baseline=prog.baseline, target=prog.target, start_date=prog.start_date,
        horizon_date=prog.horizon_date, request_id=prog.request_id,
        statement=program_canvas(session, actor, program_id).statement,
    )  # fmt: skip
