"""The request-intake desk as pages: the request list, the intake form, the request page with
its stakeholder questions and (for the L&D team) the next workflow steps.

Every page works without JavaScript; htmx only swaps the results table when filters change.
POSTs follow Post/Redirect/Get; a refused step re-renders the page with the service's message
and everything the person typed. A refusal is shown on a URL that also answers GET, so reloading
it never meets "Method Not Allowed": the workflow-step form posts to the request page's own URL,
and a refused "Submit" (nothing typed to keep) redirects back with the message.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from lodestar.domain.intake import FIELD_NAMES, STAKEHOLDER_KEYS, missing_message
from lodestar.domain.options import REQUEST_STATES, URGENCIES, label
from lodestar.domain.roles import Actor
from lodestar.domain.workflow import needs_reason
from lodestar.errors import Conflict, IllegalTransition, InvalidInput
from lodestar.services import intake, programs
from lodestar.web.contexts import RequestFormPage, RequestListPage, RequestPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import unreadable
from lodestar.web.forms import FormDep, reload_returns_to, see_other
from lodestar.web.templating import flash, is_htmx, render

router = APIRouter(include_in_schema=False)

# Errors a person can fix on the same page; anything else (403, 404) gets the error page.
FIXABLE = (InvalidInput, IllegalTransition, Conflict)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def optional_id(value: str | None, what: str) -> int | None:
    """'' → None; a number → int; anything else → a clear InvalidInput."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(f"'{value}' is not a valid {what}. Pick one from the list.")
    return int(value)


def wants_fragment(request: Request) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


# --- filters, shared with the triage board -------------------------------------------------


def request_filters(
    state: str | None = None,
    urgency: str | None = None,
    priority_id: str | None = None,
    department_id: str | None = None,
    no_metric: str | None = None,
    q: str | None = None,
) -> intake.RequestFilters:
    """Filters from GET parameters; empty values mean 'any'."""
    return intake.RequestFilters(
        state=state or None,
        urgency=urgency or None,
        priority_id=optional_id(priority_id, "strategic priority"),
        department_id=optional_id(department_id, "department"),
        no_metric=(no_metric or "").lower() in ("1", "true", "on", "yes"),
        q=(q or "").strip() or None,
    )


FiltersDep = Annotated[intake.RequestFilters, Depends(request_filters)]


def filter_bar(
    filters: intake.RequestFilters, choices: Any, *, action: str, target: str
) -> dict[str, Any]:
    """The fields of :class:`~lodestar.web.contexts.FilterBar` for the list or the board."""
    active = {k: v for k, v in filters.model_dump().items() if v not in (None, False, "")}
    return {
        "filters": filters,
        "active_filters": active,
        "states": REQUEST_STATES,
        "urgencies": URGENCIES,
        "choices": choices,
        "filter_action": action,
        "filter_target": target,
    }


# --- the list ------------------------------------------------------------------------------


@router.get("/requests")
def request_list(
    request: Request, db: SessionDep, actor: CurrentActor, filters: FiltersDep
) -> Response:
    ctx = RequestListPage(
        **filter_bar(
            filters,
            intake.request_choices(db, actor),
            action="/requests",
            target="request-results",
        ),
        actor=actor,
        items=intake.list_requests(db, actor, filters),
        sees_all=actor.can_read_portfolio,
    )
    if wants_fragment(request):
        response = render(request, "requests/list.html", ctx, block="results")
    else:
        response = render(request, "requests/list.html", ctx)
    response.headers["Vary"] = "HX-Request"
    return response


# --- the intake form -----------------------------------------------------------------------


def form_values(form: FormData) -> dict[str, Any]:
    """What was typed, as strings, to build the input or to show it again."""
    values: dict[str, Any] = {
        name: text(form, name)
        for name in ("title", *FIELD_NAMES, "urgency", "priority_id", "kpi_id", "department_id")
    }
    values["answers"] = {key: text(form, f"q_{key}") for key in STAKEHOLDER_KEYS}
    return values


def stored_values(form: Any) -> dict[str, Any]:
    """The values of a stored request (or the defaults for a new one)."""
    detail = form.detail
    if detail is None:
        values: dict[str, Any] = {name: "" for name in ("title", *FIELD_NAMES)}
        values.update(
            urgency="normal",
            priority_id="",
            kpi_id="",
            department_id=str(form.default_department_id or ""),
            answers={key: "" for key in STAKEHOLDER_KEYS},
        )
        return values
    s = detail.summary
    values = {"title": s.title, **detail.fields}
    values.update(
        urgency=s.urgency,
        priority_id=str(s.priority_id or ""),
        kpi_id=str(s.kpi_id or ""),
        department_id=str(detail.department_id or ""),
        answers={key: detail.answers.get(key, "") for key in STAKEHOLDER_KEYS},
    )
    return values


def request_input(values: dict[str, Any]) -> intake.RequestInput:
    try:
        return intake.RequestInput(
            title=values["title"],
            **{name: values[name] for name in FIELD_NAMES},
            urgency=values["urgency"] or "normal",
            priority_id=optional_id(values["priority_id"], "strategic priority"),
            kpi_id=optional_id(values["kpi_id"], "metric"),
            department_id=optional_id(values["department_id"], "department"),
        )
    except ValidationError as exc:
        raise unreadable(exc.errors(), "saved") from exc


def render_form(
    request: Request,
    db: SessionDep,
    actor: Actor,
    request_id: int | None,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    form = intake.request_form(db, actor, request_id)
    detail = form.detail
    state = detail.summary.state if detail else "new"
    missing = detail.missing if detail and state != "draft" else ()
    returned = None
    if detail and state == "needs_information":
        returned = next((t for t in reversed(detail.history) if t.to_state == state), None)
    page = RequestFormPage(
        actor=actor,
        form=form,
        detail=detail,
        state=state,
        values=values or stored_values(form),
        missing=missing,
        missing_by_name={m.name: m for m in missing},
        draft_missing=detail.missing if detail and state == "draft" else (),
        returned=returned,
        urgencies=URGENCIES,
        error=error,
        action_url=f"/requests/{request_id}/edit" if request_id else "/requests/new",
    )
    return render(request, "requests/form.html", page, status_code=status_code)


def save_from_form(
    request: Request, db: SessionDep, actor: Actor, form: FormData, request_id: int | None
) -> Response:
    values = form_values(form)
    submit = text(form, "action") == "submit"
    try:
        data = request_input(values)
        if submit:
            outcome = intake.submit_request(db, actor, data, request_id)
            rid, state, missing = outcome.request_id, outcome.state, list(outcome.missing)
        else:
            req = intake.save_request(db, actor, data, request_id)
            rid, state, missing = req.id, req.state, []
        answers = values["answers"]
        if request_id is not None or any(a.strip() for a in answers.values()):
            intake.answer_questions(db, actor, rid, answers)
    except FIXABLE as exc:
        db.rollback()
        return render_form(
            request,
            db,
            actor,
            request_id,
            values=values,
            error=exc.message,
            status_code=exc.status,
        )
    db.commit()
    if submit and missing:
        flash(request, missing_message(missing), "warning")
        return see_other(f"/requests/{rid}/edit#missing")
    if submit:
        flash(
            request,
            f"Request #{rid} was submitted to the L&D team. Their questions and decisions "
            "will appear on this page.",
            "success",
        )
        return see_other(f"/requests/{rid}")
    if state == "draft":
        flash(
            request,
            "Your draft was saved. Submit it to the L&D team when all five questions are answered.",
            "success",
        )
    else:
        flash(request, f"Your changes to request #{rid} were saved.", "success")
    return see_other(f"/requests/{rid}/edit")


@router.get("/requests/new")
def new_request_form(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return render_form(request, db, actor, None)


@router.post("/requests/new")
def create_request(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    return save_from_form(request, db, actor, form, None)


@router.get("/requests/{request_id:int}/edit")
def edit_request_form(
    request: Request, db: SessionDep, actor: CurrentActor, request_id: int
) -> Response:
    return render_form(request, db, actor, request_id)


@router.post("/requests/{request_id:int}/edit")
def update_request(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, request_id: int
) -> Response:
    return save_from_form(request, db, actor, form, request_id)


# --- the request page ----------------------------------------------------------------------


def render_detail(
    request: Request,
    db: SessionDep,
    actor: Actor,
    request_id: int,
    *,
    status_code: int = 200,
    transition_error: str | None = None,
    answers_error: str | None = None,
    reason: str = "",
    target: str | None = None,
    typed_answers: dict[str, str] | None = None,
) -> Response:
    detail = intake.get_request(db, actor, request_id)
    state = detail.summary.state
    returned = None
    if state == "needs_information":
        returned = next((t for t in reversed(detail.history) if t.to_state == state), None)
    page = RequestPage(
        actor=actor,
        d=detail,
        s=detail.summary,
        state=state,
        returned=returned,
        reason_required=frozenset(t for t in detail.next_states if needs_reason(t)),  # type: ignore[arg-type]
        can_answer=actor.role in ("manager", "ld", "admin"),
        can_submit=detail.can_edit
        and detail.requester_id == actor.user_id
        and state in ("draft", "needs_information"),
        transition_error=transition_error,
        answers_error=answers_error,
        reason=reason,
        target=target,
        typed_answers=typed_answers,
        program=programs.program_of_request(db, actor, request_id),
    )
    return render(request, "requests/detail.html", page, status_code=status_code)


@router.get("/requests/{request_id:int}")
def request_page(
    request: Request, db: SessionDep, actor: CurrentActor, request_id: int
) -> Response:
    return render_detail(request, db, actor, request_id)


@router.post("/requests/{request_id:int}/submit")
def submit_stored_request(
    request: Request, db: SessionDep, actor: WritingActor, request_id: int
) -> Response:
    try:
        outcome = intake.submit_request(db, actor, None, request_id)
    except FIXABLE as exc:
        db.rollback()
        flash(request, exc.message, "error")
        return see_other(f"/requests/{request_id}")
    db.commit()
    if outcome.missing:
        flash(request, missing_message(list(outcome.missing)), "warning")
        return see_other(f"/requests/{request_id}/edit#missing")
    flash(request, f"Request #{request_id} was submitted to the L&D team.", "success")
    return see_other(f"/requests/{request_id}")


reload_returns_to(router, "/requests/{request_id:int}/answers", "/requests/{request_id}#questions")


@router.post("/requests/{request_id:int}/answers")
def save_answers(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, request_id: int
) -> Response:
    answers = {key: text(form, f"q_{key}") for key in STAKEHOLDER_KEYS}
    try:
        intake.answer_questions(db, actor, request_id, answers)
    except FIXABLE as exc:
        db.rollback()
        return render_detail(
            request,
            db,
            actor,
            request_id,
            status_code=exc.status,
            answers_error=exc.message,
            typed_answers=answers,
        )
    db.commit()
    flash(request, "Your answers to the stakeholder questions were saved.", "success")
    return see_other(f"/requests/{request_id}#questions")


@router.post("/requests/{request_id:int}")
def move_request(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, request_id: int
) -> Response:
    target = text(form, "target")
    reason = text(form, "reason")
    try:
        intake.transition_request(db, actor, request_id, target, reason)
    except FIXABLE as exc:
        db.rollback()
        return render_detail(
            request,
            db,
            actor,
            request_id,
            status_code=exc.status,
            transition_error=exc.message,
            reason=reason,
            target=target,
        )
    db.commit()
    flash(request, f"Request #{request_id} is now '{label(target)}'.", "success")
    return see_other(f"/requests/{request_id}")
