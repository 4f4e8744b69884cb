"""Pages to create and design a program: the program form (new, from an accepted request, or
edit), and the design page with the Five Ps canvas and its statement of intent, fully loaded
costs and the pre-mortem.

Every form is a plain POST (Post/Redirect/Get, through ``web.forms.handle_form``); a refused
form re-renders with the message by each field and everything typed kept, and the URL it posted
to also answers GET (it leads back to the page), so reopening it never meets "Method Not
Allowed". Who may do what is decided in ``services.programs``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from lodestar.domain.evaluation import MAX_TARGET_BEHAVIOURS
from lodestar.domain.premortem import (
    PREMORTEM_EXAMPLE,
    PREMORTEM_QUESTION,
    RISK_LEVELS,
    RISK_STATUS_LABELS,
    check_risk,
)
from lodestar.domain.program_formats import FORMAT_LABELS
from lodestar.domain.roles import Actor
from lodestar.errors import LodestarError
from lodestar.services import programs
from lodestar.services.strategy import list_kpis, list_priorities
from lodestar.web.contexts import ProgramDesignPage, ProgramFormPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import (
    FieldErrors,
    FormDep,
    form_date,
    form_int,
    form_number,
    form_text,
    form_urls_answer_get,
    handle_form,
)
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)
form_urls_answer_get(
    router,
    {
        "/programs/{program_id:int}/canvas": "/programs/{program_id}/design#canvas",
        "/programs/{program_id:int}/costs": "/programs/{program_id}/design#costs",
        "/programs/{program_id:int}/risks": "/programs/{program_id}/design#risks",
        "/programs/{program_id:int}/archive": "/programs/{program_id}/edit#archive",
        "/programs/{program_id:int}/restore": "/programs/{program_id}/edit#archive",
    },
    programs.get_program,
)

PROGRAM_FIELDS = ("name", "description", "priority_id", "kpi_id", "baseline", "target",
                  "start_date", "horizon_date")  # fmt: skip


def read_program_form(form: FormData, errors: FieldErrors) -> dict[str, Any]:
    """The program fields from a form; what could not be read is noted in ``errors``."""
    values: dict[str, Any] = {
        "name": form_text(form, "name"),
        "description": form_text(form, "description"),
        "priority_id": form_int(form, "priority_id"),
        "kpi_id": form_int(form, "kpi_id"),
        "baseline": form_number(form, "baseline", errors),
        "target": form_number(form, "target", errors),
        "start_date": form_date(form, "start_date", errors),
        "horizon_date": form_date(form, "horizon_date", errors),
    }
    errors.raise_if_any()
    return values


def _render_form(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    program: Any | None,
    typed: dict[str, str],
    request_id: int | None,
    error: LodestarError | None = None,
) -> Response:
    page = ProgramFormPage(
        program=program,
        values=typed,
        request_id=request_id,
        priorities=list_priorities(db, actor),
        kpis=list_kpis(db, actor),
        error=error.message if error else None,
        errors=(error.details.get("fields") or {}) if error else {},
    )
    return render(request, "programs/form.html", page, status_code=error.status if error else 200)


def _typed(form: FormData | None, program: Any | None = None) -> dict[str, str]:
    if form is not None:
        return {f: form_text(form, f) for f in PROGRAM_FIELDS}
    if program is None:
        return dict.fromkeys(PROGRAM_FIELDS, "")
    return {f: "" if getattr(program, f) is None else str(getattr(program, f))
            for f in PROGRAM_FIELDS}  # fmt: skip


@router.get("/programs/new")
def new_program(
    request: Request, db: SessionDep, actor: CurrentActor, request_id: int | None = None
) -> Response:
    programs.require_designer(actor)
    typed = _typed(None)
    if request_id is not None:
        typed.update(programs.request_defaults(db, actor, request_id))
    return _render_form(request, db, actor, program=None, typed=typed, request_id=request_id)


@router.post("/programs/new")
def create_program(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    request_id = form_int(form, "request_id")
    made: list[int] = []

    def act(errors: FieldErrors) -> str:
        values = read_program_form(form, errors)
        prog = programs.create_program(
            db, actor, programs.ProgramInput(**values), request_id=request_id
        )
        made.append(prog.id)
        return f"Program “{prog.name}” created. Design it around one behaviour next."

    def refused(exc: LodestarError) -> Response:
        return _render_form(request, db, actor, program=None, typed=_typed(form),
                            request_id=request_id, error=exc)  # fmt: skip

    return handle_form(
        request, db, act, refused=refused, done=lambda: f"/programs/{made[0]}/design"
    )


@router.get("/programs/{program_id:int}/edit")
def edit_program_form(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int
) -> Response:
    programs.require_designer(actor)
    prog = programs.get_program(db, actor, program_id)
    return _render_form(request, db, actor, program=prog, typed=_typed(None, prog),
                        request_id=prog.request_id)  # fmt: skip


@router.post("/programs/{program_id:int}/edit")
def edit_program(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        prog = programs.edit_program(db, actor, program_id, read_program_form(form, errors))
        return f"Program “{prog.name}” saved."

    def refused(exc: LodestarError) -> Response:
        prog = programs.get_program(db, actor, program_id)
        return _render_form(request, db, actor, program=prog, typed=_typed(form),
                            request_id=prog.request_id, error=exc)  # fmt: skip

    return handle_form(request, db, act, refused=refused, done=f"/programs/{program_id}/design")


def _step_form(
    request: Request, db: Session, actor: Actor, form: FormData, program_id: int,
    step: Callable[..., object], done: str,
) -> Response:  # fmt: skip
    """Archive or restore from the edit page; a refusal shows the edit page with the reason."""

    def act(errors: FieldErrors) -> str:
        step(db, actor, program_id, form_text(form, "reason"))
        return done

    def refused(exc: LodestarError) -> Response:
        prog = programs.get_program(db, actor, program_id)
        return _render_form(request, db, actor, program=prog, typed=_typed(None, prog),
                            request_id=prog.request_id, error=exc)  # fmt: skip

    return handle_form(request, db, act, refused=refused, done=f"/programs/{program_id}/design")


def _step_route(step: Callable[..., object], done: str) -> Callable[..., Response]:
    def route(
        request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
    ) -> Response:
        return _step_form(request, db, actor, form, program_id, step, done)

    return route


for _path, _step, _done in (
    ("archive", programs.archive_program,
     "Program archived: off the programs list, its history kept."),
    ("restore", programs.restore_program, "Program restored: it is back in design."),
):  # fmt: skip
    router.add_api_route(f"/programs/{{program_id:int}}/{_path}", _step_route(_step, _done),
                         methods=["POST"], include_in_schema=False)  # fmt: skip


def render_design(
    request: Request,
    db: Session,
    actor: Actor,
    program_id: int,
    *,
    canvas_typed: dict[str, Any] | None = None,
    error: LodestarError | None = None,
    section: str = "",
) -> Response:
    prog = programs.get_program(db, actor, program_id)
    view = programs.program_canvas(db, actor, program_id)
    if canvas_typed is None:
        c = view.canvas
        canvas_typed = {
            "problem": c.problem, "place": c.place, "prompt": c.prompt, "proof": c.proof,
            "audience": view.audience, "formats": list(view.formats),
            "statement": view.statement if view.statement_edited else "",
            "behaviours": list(c.behaviours),
        }  # fmt: skip
    slots = list(canvas_typed["behaviours"])
    slots += [""] * max(MAX_TARGET_BEHAVIOURS - len(slots), 0)
    page = ProgramDesignPage(
        program=prog,
        view=view,
        typed={**canvas_typed, "slots": slots},
        formats=FORMAT_LABELS,
        costs=programs.costs_in_use(db, actor, program_id),
        cost_labels=programs.COST_LABELS,
        risks=programs.program_risks(db, actor, program_id),
        risk_levels=RISK_LEVELS,
        risk_statuses=RISK_STATUS_LABELS,
        premortem_question=PREMORTEM_QUESTION,
        premortem_example=PREMORTEM_EXAMPLE,
        can_edit=actor.is_ld,
        error=error.message if error else None,
        errors=(error.details.get("fields") or {}) if error else {},
        section=section,
    )
    return render(request, "programs/design.html", page, status_code=error.status if error else 200)


@router.get("/programs/{program_id:int}/design")
def design_page(request: Request, db: SessionDep, actor: CurrentActor, program_id: int) -> Response:
    return render_design(request, db, actor, program_id)


def _design_form(
    request: Request, db: Session, actor: Actor, program_id: int, section: str,
    act: Callable[[FieldErrors], str], typed: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    """A design-page form: on a refusal the page again, its section open with the message."""

    def refused(exc: LodestarError) -> Response:
        return render_design(request, db, actor, program_id, canvas_typed=typed, error=exc,
                             section=section)  # fmt: skip

    done = f"/programs/{program_id}/design#{section}"
    return handle_form(request, db, act, refused=refused, done=done)


@router.post("/programs/{program_id:int}/canvas")
def save_canvas(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    texts = {f: form_text(form, f) for f in ("problem", "place", "prompt", "proof", "audience",
                                             "statement")}  # fmt: skip
    behaviours = [v for v in form.getlist("behaviour") if isinstance(v, str) and v.strip()]
    formats = [v for v in form.getlist("format") if isinstance(v, str)]
    typed: dict[str, Any] = {**texts, "behaviours": behaviours, "formats": formats}

    def act(errors: FieldErrors) -> str:
        data = programs.CanvasInput(**texts, behaviours=tuple(behaviours), formats=tuple(formats))
        programs.save_canvas(db, actor, program_id, data)
        return "Canvas saved; the statement of intent below follows from it."

    return _design_form(request, db, actor, program_id, "canvas", act, typed)


@router.post("/programs/{program_id:int}/costs")
def save_costs(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        typed = {f: form_number(form, f, errors) for f in programs.COST_FIELDS}
        errors.raise_if_any()
        if all(v is None for v in typed.values()):
            # The form shows no amounts while none are stored: sending it back untouched must
            # not record zeros over the cost per participant the ROI uses.
            basis = programs.costs_in_use(db, actor, program_id).basis
            kept = f", so the ROI still uses {basis}" if basis else ""
            return f"Nothing saved: no amounts were entered{kept}."
        amounts = {f: v or 0.0 for f, v in typed.items()}
        data = programs.CostInput(form_text(form, "currency"), **amounts)
        programs.save_costs(db, actor, program_id, data)
        return "Costs saved: the ROI now counts them fully loaded."

    return _design_form(request, db, actor, program_id, "costs", act)


@router.post("/programs/{program_id:int}/risks")
def add_risk(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    fields = ("description", "likelihood", "impact", "mitigation", "owner", "status")

    def act(errors: FieldErrors) -> str:
        risk = check_risk(**{f: form_text(form, f) or ("open" if f == "status" else "")
                             for f in fields})  # fmt: skip
        risk_id = form_int(form, "risk_id")
        if risk_id:
            programs.update_risk(db, actor, program_id, risk_id, risk)
        else:
            programs.add_risk(db, actor, program_id, risk)
        return "Pre-mortem updated."

    return _design_form(request, db, actor, program_id, "risks", act)
