"""The L&D review desk as pages: the triage board and the guided diagnosis of one request.

The diagnosis form posts plainly (Post/Redirect/Get); with htmx, "Save findings" swaps only the
recommendation block and "Conclude" sends the browser to the request page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from lodestar.domain.options import (
    CELL_FINDINGS,
    DIAGNOSIS_OUTCOMES,
    FIX_CATEGORIES,
    REQUEST_STATES,
    label,
)
from lodestar.domain.roles import Actor
from lodestar.domain.workflow import OPEN_STATES
from lodestar.services import diagnosis, intake
from lodestar.services.views import DiagnosisPage
from lodestar.web.contexts import DiagnosisFormPage, TriagePage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import unreadable
from lodestar.web.forms import FormDep, see_other
from lodestar.web.routes.request_pages import (
    FIXABLE,
    FiltersDep,
    filter_bar,
    text,
    wants_fragment,
)
from lodestar.web.templating import flash, is_htmx, render

router = APIRouter(include_in_schema=False)

# Columns the board always shows, so an empty stage is visible as empty.
CORE_COLUMNS = (
    "needs_information",
    "submitted",
    "in_diagnosis",
    "accepted",
    "redirected",
    "declined",
)
# Decided columns grow without end; the board shows the newest few and links to the list.
DECIDED_CARD_LIMIT = 6


# --- the triage board ----------------------------------------------------------------------


@router.get("/triage")
def triage(request: Request, db: SessionDep, actor: CurrentActor, filters: FiltersDep) -> Response:
    board = intake.triage_board(db, actor, filters)
    shown = [s for s in REQUEST_STATES if s in CORE_COLUMNS or s in board.columns]
    lanes = [
        (
            "open",
            "Open: waiting for an answer or a decision",
            [s for s in shown if s in OPEN_STATES],
        ),
        ("decided", "Decided", [s for s in shown if s not in OPEN_STATES]),
    ]
    ctx = TriagePage(
        **filter_bar(
            filters, intake.request_choices(db, actor), action="/triage", target="triage-board"
        ),
        actor=actor,
        board=board,
        lanes=lanes,
        decided_limit=DECIDED_CARD_LIMIT,
    )
    if wants_fragment(request):
        response = render(request, "triage/board.html", ctx, block="board")
    else:
        response = render(request, "triage/board.html", ctx)
    response.headers["Vary"] = "HX-Request"
    return response


# --- the diagnosis -------------------------------------------------------------------------


def stored_findings(page: DiagnosisPage) -> dict[str, dict[str, Any]]:
    return {
        f.cell: {
            "finding": f.finding,
            "evidence": f.evidence,
            "fix": f.fix or page.default_fixes.get(f.cell) or "",
        }
        for f in page.findings
    }


def typed_findings(page: DiagnosisPage, form: FormData) -> dict[str, dict[str, Any]]:
    return {
        f.cell: {
            "finding": text(form, f"finding_{f.cell}") or "unknown",
            "evidence": text(form, f"evidence_{f.cell}"),
            "fix": text(form, f"fix_{f.cell}"),
        }
        for f in page.findings
    }


def diagnosis_input(values: dict[str, dict[str, Any]], form: FormData) -> diagnosis.DiagnosisInput:
    try:
        return diagnosis.DiagnosisInput(
            findings={
                cell: diagnosis.FindingInput(
                    finding=v["finding"], evidence=v["evidence"], fix=v["fix"] or None
                )
                for cell, v in values.items()
            },
            conclude=text(form, "action") == "conclude",
            outcome=text(form, "outcome") or None,
            override_reason=text(form, "override_reason"),
        )
    except ValidationError as exc:
        raise unreadable(exc.errors(), "saved") from exc


def render_diagnosis(
    request: Request,
    page: DiagnosisPage,
    *,
    values: dict[str, dict[str, Any]] | None = None,
    rec: Any = None,
    error: str | None = None,
    outcome: str = "",
    override_reason: str = "",
    saved: bool = False,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    values = values or stored_findings(page)
    if rec is None:
        rec = {
            "outcome": page.recommended_outcome,
            "fixes": page.recommended_fixes,
            "explanation": page.recommended_explanation,
            "next_state": page.recommended_state,
        }
    ctx = DiagnosisFormPage(
        page=page,
        values=values,
        rec=rec,
        all_unknown=all(v["finding"] == "unknown" for v in values.values()),
        diagnosis_error=error,
        outcome=outcome,
        override_reason=override_reason,
        saved=saved,
        finding_options=CELL_FINDINGS,
        fix_categories=FIX_CATEGORIES,
        outcomes=DIAGNOSIS_OUTCOMES,
        environment=[f for f in page.findings if f.side == "environment"],
        person=[f for f in page.findings if f.side == "person"],
    )
    return render(request, "triage/diagnosis.html", ctx, block=block, status_code=status_code)


@router.get("/requests/{request_id:int}/diagnosis")
def diagnosis_form(
    request: Request, db: SessionDep, actor: CurrentActor, request_id: int
) -> Response:
    return render_diagnosis(request, diagnosis.diagnosis_page(db, actor, request_id))


@router.post("/requests/{request_id:int}/diagnosis")
def save_diagnosis(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, request_id: int
) -> Response:
    page = diagnosis.diagnosis_page(db, actor, request_id)  # 403/404 before reading anything
    values = typed_findings(page, form)
    data = diagnosis_input(values, form)
    try:
        view = diagnosis.save_diagnosis(db, actor, request_id, data)
    except FIXABLE as exc:
        db.rollback()
        return _refused(request, db, actor, request_id, values, data, exc.message, exc.status)
    db.commit()
    if data.conclude:
        flash(
            request,
            f"The diagnosis is concluded: {label(view.outcome).lower()}. The decision and its "
            "reasons are recorded in the request's history.",
            "success",
        )
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Redirect": f"/requests/{request_id}"})
        return see_other(f"/requests/{request_id}")
    if wants_fragment(request):
        page = diagnosis.diagnosis_page(db, actor, request_id)
        return render_diagnosis(request, page, saved=True, block="recommendation")
    flash(request, "Your findings were saved. The recommendation below reflects them.", "success")
    return see_other(f"/requests/{request_id}/diagnosis#recommendation")


def _refused(
    request: Request,
    db: SessionDep,
    actor: Actor,
    request_id: int,
    values: dict[str, dict[str, Any]],
    data: diagnosis.DiagnosisInput,
    message: str,
    status: int,
) -> Response:
    """Show the page again with the service's message and everything typed."""
    page = diagnosis.diagnosis_page(db, actor, request_id)
    try:
        preview = diagnosis.preview_recommendation(data)
        rec: Any = {
            "outcome": preview.outcome,
            "fixes": preview.fixes,
            "explanation": preview.explanation,
            "next_state": preview.next_state,
        }
    except FIXABLE:
        rec = None
    return render_diagnosis(
        request,
        page,
        values=values,
        rec=rec,
        error=message,
        outcome=data.outcome or "",
        override_reason=data.override_reason,
        block="recommendation" if wants_fragment(request) else None,
        status_code=status,
    )
