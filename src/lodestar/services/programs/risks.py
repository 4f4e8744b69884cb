"""The pre-mortem's risks on a program: added, updated as they open, happen or retire."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import ProgramRisk
from lodestar.domain.premortem import Risk, check_risk
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound
from lodestar.services import audit
from lodestar.services.programs.access import load_program, require_designer, require_reader


def program_risks(session: Session, actor: Actor, program_id: int) -> list[ProgramRisk]:
    """Open risks first, then by severity (likelihood × impact), newest first."""
    require_reader(actor)
    load_program(session, program_id)
    rows = list(session.scalars(select(ProgramRisk).where(ProgramRisk.program_id == program_id)))
    score = {"low": 1, "medium": 2, "high": 3}
    rows.sort(key=lambda r: (r.status != "open", -score[r.likelihood] * score[r.impact], -r.id))
    return rows


def add_risk(session: Session, actor: Actor, program_id: int, risk: Risk) -> ProgramRisk:
    require_designer(actor)
    load_program(session, program_id)
    row = ProgramRisk(
        program_id=program_id,
        description=risk.description,
        likelihood=risk.likelihood,
        impact=risk.impact,
        mitigation=risk.mitigation,
        owner=risk.owner,
        status=risk.status,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "program.risk.add", "program", program_id, risk.description)
    return row


def update_risk(
    session: Session, actor: Actor, program_id: int, risk_id: int, risk: Risk
) -> ProgramRisk:
    require_designer(actor)
    row = session.get(ProgramRisk, risk_id)
    if row is None or row.program_id != program_id:
        raise NotFound(
            f"Program #{program_id} has no risk #{risk_id}. Open the program's pre-mortem to "
            "see its risks."
        )
    row.description, row.likelihood, row.impact = risk.description, risk.likelihood, risk.impact
    row.mitigation, row.owner, row.status = risk.mitigation, risk.owner, risk.status
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, f"program.risk.{risk.status}", "program", program_id, str(risk_id))
    return row


__all__ = ["add_risk", "check_risk", "program_risks", "update_risk"]
