"""Diagnosis drives the request's next state, on SQLite and PostgreSQL."""

import pytest

from lodestar.domain.intake import FIELD_NAMES
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import diagnosis, intake
from lodestar.services.diagnosis import DiagnosisInput, FindingInput

FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}
CLEAR = {
    c: FindingInput(finding="no_barrier")
    for c in ("information", "resources", "incentives", "knowledge", "capacity", "motives")
}


def submitted(db, actors, title="Teamwork training for the warehouse"):
    return intake.submit_request(db, actors["manager"], intake.RequestInput(title=title, **FULL))


def test_workflow_problem_is_redirected(db, actors):
    req = submitted(db, actors)
    findings = dict(
        CLEAR,
        resources=FindingInput(
            finding="barrier",
            evidence="Hand-offs between shifts are not defined.",
            fix="process_workflow",
        ),
    )
    view = diagnosis.save_diagnosis(
        db, actors["ld"], req.request_id, DiagnosisInput(findings=findings)
    )
    assert view.recommended_outcome == "non_training_fix"
    assert view.outcome is None  # saved, not concluded yet
    assert intake.get_request(db, actors["ld"], req.request_id).summary.state == "in_diagnosis"
    view = diagnosis.save_diagnosis(db, actors["ld"], req.request_id, DiagnosisInput(conclude=True))
    assert view.outcome == "non_training_fix" and view.fixes == ("process_workflow",)
    detail = intake.get_request(db, actors["manager"], req.request_id)
    assert detail.summary.state == "redirected"
    assert detail.history[-1].reason.startswith("Diagnosis: Non-training fix.")
    assert next(f for f in detail.diagnosis.findings if f.cell == "resources").evidence


def test_skill_gap_is_accepted(db, actors):
    req = submitted(db, actors)
    findings = dict(CLEAR, knowledge=FindingInput(finding="barrier", evidence="New CRM."))
    diagnosis.save_diagnosis(
        db, actors["ld"], req.request_id, DiagnosisInput(findings=findings, conclude=True)
    )
    assert intake.get_request(db, actors["ld"], req.request_id).summary.state == "accepted"


def test_override_needs_a_reason(db, actors):
    req = submitted(db, actors)
    with pytest.raises(InvalidInput, match="say why"):
        diagnosis.save_diagnosis(
            db,
            actors["ld"],
            req.request_id,
            DiagnosisInput(findings=CLEAR, conclude=True, outcome="learning_solution"),
        )
    view = diagnosis.save_diagnosis(
        db,
        actors["ld"],
        req.request_id,
        DiagnosisInput(
            findings=CLEAR,
            conclude=True,
            outcome="learning_solution",
            override_reason="Regulator requires certified training.",
        ),
    )
    assert view.outcome == "learning_solution" and view.recommended_outcome == "no_action"


def test_only_ld_diagnoses_and_only_open_requests(db, actors):
    req = submitted(db, actors)
    with pytest.raises(PermissionDenied):
        diagnosis.save_diagnosis(db, actors["manager"], req.request_id, DiagnosisInput())
    diagnosis.save_diagnosis(
        db, actors["ld"], req.request_id, DiagnosisInput(findings=CLEAR, conclude=True)
    )
    with pytest.raises(InvalidInput, match="Only submitted requests"):
        diagnosis.save_diagnosis(db, actors["ld"], req.request_id, DiagnosisInput())


def test_unknown_cells_and_findings_are_refused(db, actors):
    req = submitted(db, actors)
    with pytest.raises(InvalidInput, match="diagnosis cell"):
        diagnosis.save_diagnosis(
            db, actors["ld"], req.request_id, DiagnosisInput(findings={"luck": FindingInput()})
        )
    with pytest.raises(InvalidInput, match="finding"):
        diagnosis.save_diagnosis(
            db,
            actors["ld"],
            req.request_id,
            DiagnosisInput(findings={"knowledge": FindingInput(finding="maybe")}),
        )
