"""Diagnosis: is training even the answer? Findings per Gilbert cell, then a conclusion that
drives the request's next state."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.access import get_request_for
from lodestar.db.models import Diagnosis, DiagnosisFinding, TrainingRequest, User
from lodestar.domain.diagnosis import CELL_GUIDES, CellAnswer, Recommendation, recommend
from lodestar.domain.intake import FIELD_NAMES
from lodestar.domain.options import (
    CELL_FINDINGS,
    DIAGNOSIS_OUTCOMES,
    FIX_CATEGORIES,
    GILBERT_CELLS,
    check_option,
    label,
)
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import audit, history
from lodestar.services.input_fields import TypedInput
from lodestar.services.views import DiagnosisPage, DiagnosisView, FindingView


class FindingInput(TypedInput):
    finding: str = "unknown"
    evidence: str = ""
    fix: str | None = None


class DiagnosisInput(TypedInput):
    findings: dict[str, FindingInput] = {}
    conclude: bool = False
    outcome: str | None = None  # overrides the recommendation when set
    override_reason: str = ""


def save_diagnosis(
    session: Session, actor: Actor, request_id: int, data: DiagnosisInput
) -> DiagnosisView:
    """Record findings; when ``conclude`` is set, decide and move the request on."""
    if not actor.can_diagnose:
        raise PermissionDenied("Only the L&D team diagnoses requests.")
    req = get_request_for(session, actor, request_id)
    if req.state not in ("submitted", "in_diagnosis"):
        raise InvalidInput(
            f"Request #{req.id} is '{label(req.state)}'. Only submitted requests can be "
            "diagnosed; reopen it first if the diagnosis must change."
        )
    if req.state == "submitted":
        history.move(session, req, "in_diagnosis", actor, "Diagnosis started.")
    diag = session.scalar(select(Diagnosis).where(Diagnosis.request_id == req.id))
    if diag is None:
        diag = Diagnosis(request_id=req.id)
        session.add(diag)
        session.flush()
    existing = {
        f.cell: f
        for f in session.scalars(
            select(DiagnosisFinding).where(DiagnosisFinding.diagnosis_id == diag.id)
        )
    }
    for cell, item in data.findings.items():
        check_option(cell, GILBERT_CELLS, "diagnosis cell")
        check_option(item.finding, CELL_FINDINGS, "finding")
        fix = item.fix or None
        if fix is not None:
            check_option(fix, FIX_CATEGORIES, "fix category")
        row = existing.get(cell) or DiagnosisFinding(diagnosis_id=diag.id, cell=cell)
        row.finding, row.evidence, row.fix = item.finding, item.evidence.strip(), fix
        session.add(row)
        existing[cell] = row
    session.flush()
    rec = recommend(_answers(existing.values()))
    diag.recommended_outcome = rec.outcome
    diag.diagnosed_by_id = actor.user_id
    diag.updated_at = datetime.now(UTC)
    if data.conclude:
        _conclude(session, actor, req, diag, rec, data)
    session.flush()
    audit.record(session, actor, "diagnosis.save", "training_request", req.id)
    view = diagnosis_view(session, req.id)
    assert view is not None
    return view


def _conclude(
    session: Session,
    actor: Actor,
    req: TrainingRequest,
    diag: Diagnosis,
    rec: Recommendation,
    data: DiagnosisInput,
) -> None:
    outcome = rec.outcome
    if data.outcome and data.outcome != rec.outcome:
        outcome = check_option(data.outcome, DIAGNOSIS_OUTCOMES, "diagnosis outcome")
        if not data.override_reason.strip():
            raise InvalidInput(
                f"The findings point to '{label(rec.outcome)}'. To conclude '{label(outcome)}' "
                "instead, say why in the override reason."
            )
    diag.outcome = outcome
    diag.fixes = ",".join(rec.fixes)
    diag.explanation = rec.explanation
    diag.override_reason = data.override_reason.strip()
    diag.concluded_at = datetime.now(UTC)
    target = Recommendation(outcome, rec.fixes, rec.explanation).next_state
    why = f"Diagnosis: {label(outcome)}. {rec.explanation}"
    if diag.override_reason:
        why += f" Override: {diag.override_reason}"
    history.move(session, req, target, actor, why)


def _answers(rows) -> dict[str, CellAnswer]:  # type: ignore[no-untyped-def]
    return {r.cell: CellAnswer(r.cell, r.finding, r.evidence, r.fix) for r in rows}


def diagnosis_view(session: Session, request_id: int) -> DiagnosisView | None:
    diag = session.scalar(select(Diagnosis).where(Diagnosis.request_id == request_id))
    if diag is None:
        return None
    rows = {
        f.cell: f
        for f in session.scalars(
            select(DiagnosisFinding).where(DiagnosisFinding.diagnosis_id == diag.id)
        )
    }
    rec = recommend(_answers(rows.values()))
    findings = tuple(
        FindingView(
            cell=g.cell,
            title=g.title,
            side=g.side,
            questions=g.questions,
            finding=rows[g.cell].finding if g.cell in rows else "unknown",
            evidence=rows[g.cell].evidence if g.cell in rows else "",
            fix=rows[g.cell].fix if g.cell in rows else None,
        )
        for g in CELL_GUIDES
    )
    who = session.get(User, diag.diagnosed_by_id) if diag.diagnosed_by_id else None
    return DiagnosisView(
        findings=findings,
        recommended_outcome=rec.outcome,
        recommended_fixes=rec.fixes,
        recommended_explanation=rec.explanation,
        outcome=diag.outcome,
        fixes=tuple(f for f in diag.fixes.split(",") if f),
        explanation=diag.explanation,
        override_reason=diag.override_reason,
        diagnosed_by=who.name if who else None,
        concluded_at=diag.concluded_at,
    )


def blank_findings() -> tuple[FindingView, ...]:
    """The six cells with their questions, for a diagnosis not yet started."""
    return tuple(
        FindingView(g.cell, g.title, g.side, g.questions, "unknown", "", None) for g in CELL_GUIDES
    )


def diagnosis_page(session: Session, actor: Actor, request_id: int) -> DiagnosisPage:
    """The guided diagnosis of a request for the L&D team: the request's five fields, the
    six cells (saved findings or blank) and the recommendation they point to now."""
    if not actor.can_diagnose:
        raise PermissionDenied(
            "Only the L&D team diagnoses requests. The request page shows the conclusion "
            "once the diagnosis is done."
        )
    req = get_request_for(session, actor, request_id)
    view = diagnosis_view(session, req.id)
    findings = view.findings if view is not None else blank_findings()
    rec = recommend({f.cell: CellAnswer(f.cell, f.finding, f.evidence, f.fix) for f in findings})  # type: ignore[arg-type]
    return DiagnosisPage(
        request_id=req.id,
        title=req.title,
        state=req.state,
        fields={name: getattr(req, name) or "" for name in FIELD_NAMES},
        findings=findings,
        default_fixes={g.cell: g.default_fix for g in CELL_GUIDES},
        recommended_outcome=rec.outcome,
        recommended_fixes=rec.fixes,
        recommended_explanation=rec.explanation,
        recommended_state=rec.next_state,
        diagnosis=view,
        can_save=req.state in ("submitted", "in_diagnosis"),
    )


def preview_recommendation(data: DiagnosisInput) -> Recommendation:
    """The recommendation typed findings point to, without saving anything."""
    answers: dict[str, CellAnswer] = {}
    for cell, item in data.findings.items():
        answers[cell] = CellAnswer(
            check_option(cell, GILBERT_CELLS, "diagnosis cell"),
            check_option(item.finding, CELL_FINDINGS, "finding"),
            item.evidence,
            check_option(item.fix, FIX_CATEGORIES, "fix category") if item.fix else None,
        )
    return recommend(answers)
