"""Intake: draft, submit, complete and move training requests through their workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.access import get_request_for, visible_requests
from lodestar.db.models import (
    Department,
    Kpi,
    RequestTransition,
    StakeholderAnswer,
    StrategicPriority,
    TrainingRequest,
    User,
)
from lodestar.domain.intake import (
    FIELD_NAMES,
    STAKEHOLDER_KEYS,
    STAKEHOLDER_QUESTIONS,
    missing_fields,
)
from lodestar.domain.limits import text_problem
from lodestar.domain.options import REQUEST_STATES, URGENCIES, RequestState, check_option
from lodestar.domain.roles import Actor, can_edit_request
from lodestar.domain.workflow import (
    LD_ONLY_TARGETS,
    OPEN_STATES,
    TRANSITIONS,
    check_transition,
    needs_reason,
)
from lodestar.errors import InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit, history
from lodestar.services.diagnosis import diagnosis_view
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.services.views import (
    Choice,
    RequestChoices,
    RequestDetail,
    RequestForm,
    RequestSummary,
    SubmitOutcome,
    TransitionView,
    TriageBoard,
)


class RequestInput(TypedInput):
    """What a requester types. Every field may be blank: blanks are saved and reported."""

    title: str = Field("", max_length=200, description="A short name for the request.")
    business_objective: str = ""
    audience_and_behaviours: str = ""
    context_of_work: str = ""
    cost_of_inaction: str = ""
    horizon_and_constraints: str = ""
    urgency: str = "normal"
    priority_id: RecordId | None = None
    kpi_id: RecordId | None = None
    department_id: RecordId | None = None


class RequestFilters(TypedInput):
    state: str | None = None
    priority_id: RecordId | None = None
    urgency: str | None = None
    department_id: RecordId | None = None
    no_metric: bool = False
    q: str | None = None


def save_request(
    session: Session, actor: Actor, data: RequestInput, request_id: int | None = None
) -> TrainingRequest:
    """Create a draft, or update one the actor may edit. Nothing typed is dropped."""
    _check_input(session, data)
    if request_id is None:
        if not actor.can_submit_requests:
            raise PermissionDenied(
                "Your role cannot raise training requests. Ask your manager or the L&D team."
            )
        req = TrainingRequest(
            requester_id=actor.user_id,
            department_id=data.department_id or actor.department_id,
            state="draft",
        )
        session.add(req)
        _apply(req, data)
        session.flush()
        history.record_created(session, req, actor)
        return req
    req = get_request_for(session, actor, request_id)
    if not can_edit_request(actor, requester_id=req.requester_id, state=req.state):
        raise PermissionDenied(
            f"Request #{req.id} is '{req.state.replace('_', ' ')}' and can no longer be edited "
            "by you. Ask the L&D team to return it to you if something must change."
        )
    _apply(req, data)
    req.updated_at = datetime.now(UTC)
    missing = missing_fields(_answers(req))
    if req.state == "submitted" and missing:
        # An edit may not leave a submitted request incomplete: it goes back to the requester.
        reason = "Edited after submission; missing: " + ", ".join(m.label for m in missing) + "."
        history.move(session, req, "needs_information", actor, reason)
    session.flush()
    audit.record(session, actor, "request.update", "training_request", req.id)
    return req


def submit_request(
    session: Session, actor: Actor, data: RequestInput | None = None, request_id: int | None = None
) -> SubmitOutcome:
    """Save what was typed, then submit: complete requests go to the L&D queue, the rest wait
    as 'needs information' with the list of what is missing."""
    if data is not None:
        req = save_request(session, actor, data, request_id)
    elif request_id is not None:
        req = get_request_for(session, actor, request_id)
        if not can_edit_request(actor, requester_id=req.requester_id, state=req.state):
            raise PermissionDenied(f"You cannot submit request #{req.id}.")
    else:
        raise InvalidInput("Say which request to submit, or send its fields.")
    missing = tuple(missing_fields(_answers(req)))
    if req.state not in ("draft", "needs_information", "submitted"):
        check_transition(cast(RequestState, req.state), "submitted")  # raises
    target: RequestState = "needs_information" if missing else "submitted"
    if req.state != target or missing:
        # Every incomplete attempt is logged, so the requester sees each return.
        reason = (
            "Missing: " + ", ".join(m.label for m in missing) + "."
            if missing
            else "All five fields answered."
        )
        history.move(session, req, target, actor, reason)
        if not missing:
            req.submitted_at = datetime.now(UTC)
    session.flush()
    return SubmitOutcome(req.id, req.state, missing)


def transition_request(
    session: Session, actor: Actor, request_id: int, target: str, reason: str = ""
) -> TrainingRequest:
    """Move a request one step, recording who, when and why."""
    check_option(target, REQUEST_STATES, "request state")
    req = get_request_for(session, actor, request_id)
    if target in LD_ONLY_TARGETS and not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team can move a request to that state. Use 'submit' to send yours."
        )
    if target == "needs_information" and not actor.is_ld:
        raise PermissionDenied("Only the L&D team can return a request for more information.")
    if target in ("accepted", "redirected"):
        raise InvalidInput(
            "Accepting or redirecting a request is the conclusion of its diagnosis. Open the "
            "diagnosis, record the findings and conclude it there."
        )
    if target == "submitted":
        raise InvalidInput(
            "Use 'submit' to send a request; it checks that all fields are answered."
        )
    check_transition(req.state, target)  # type: ignore[arg-type]
    if needs_reason(target) and not reason.strip():  # type: ignore[arg-type]
        raise InvalidInput(
            "Say why in a sentence: the requester sees the reason with the decision."
        )
    problem = text_problem(reason)
    if problem:
        raise InvalidInput(f"The reason cannot be saved. {problem}")
    history.move(session, req, target, actor, reason.strip())
    session.flush()
    return req


def answer_questions(
    session: Session, actor: Actor, request_id: int, answers: dict[str, str]
) -> dict[str, str]:
    """Keep the answers to the stakeholder questions asked during intake and review."""
    req = get_request_for(session, actor, request_id)
    if not (actor.is_ld or req.requester_id == actor.user_id):
        # Readers of the request (a manager of the same department, an executive) may not
        # answer for the requester.
        raise PermissionDenied("Only the requester and the L&D team record answers here.")
    unknown = set(answers) - set(STAKEHOLDER_KEYS)
    if unknown:
        raise InvalidInput(
            f"Unknown question(s): {', '.join(sorted(unknown))}. "
            f"Use one of: {', '.join(STAKEHOLDER_KEYS)}."
        )
    for q in STAKEHOLDER_QUESTIONS:
        problem = text_problem(answers.get(q.key, ""))
        if problem:
            raise InvalidInput(f"The answer to “{q.question}” cannot be saved. {problem}")
    existing = {
        a.question_key: a
        for a in session.scalars(
            select(StakeholderAnswer).where(StakeholderAnswer.request_id == req.id)
        )
    }
    for key, text in answers.items():
        text = text.strip()
        row = existing.get(key)
        if not text:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            session.add(
                StakeholderAnswer(
                    request_id=req.id, question_key=key, answer=text, answered_by_id=actor.user_id
                )
            )
        elif row.answer != text:
            row.answer = text
            row.answered_by_id = actor.user_id
            row.answered_at = datetime.now(UTC)
    session.flush()
    return _stakeholder_answers(session, req.id)


def get_request(session: Session, actor: Actor, request_id: int) -> RequestDetail:
    req = get_request_for(session, actor, request_id)
    summary = _summaries(session, [req])[0]
    history = [
        TransitionView(t.from_state, t.to_state, name, t.at, t.reason)
        for t, name in session.execute(
            select(RequestTransition, User.name)
            .join(User, User.id == RequestTransition.actor_id)
            .where(RequestTransition.request_id == req.id)
            .order_by(RequestTransition.at, RequestTransition.id)
        )
    ]
    editable = can_edit_request(actor, requester_id=req.requester_id, state=req.state)
    next_states = tuple(
        s
        for s in TRANSITIONS.get(req.state, ())  # type: ignore[call-overload]
        if actor.is_ld and s != "submitted"
    )
    return RequestDetail(
        summary=summary,
        fields=_answers(req),
        missing=tuple(missing_fields(_answers(req))),
        next_states=next_states,
        history=tuple(history),
        answers=_stakeholder_answers(session, req.id),
        diagnosis=diagnosis_view(session, req.id),
        can_edit=editable,
        can_diagnose=actor.can_diagnose and req.state in ("submitted", "in_diagnosis"),
        requester_id=req.requester_id,
        department_id=req.department_id,
    )


def list_requests(
    session: Session, actor: Actor, filters: RequestFilters | None = None
) -> list[RequestSummary]:
    f = filters or RequestFilters()
    stmt = visible_requests(actor)
    if f.state:
        check_option(f.state, REQUEST_STATES, "request state")
        stmt = stmt.where(TrainingRequest.state == f.state)
    if f.urgency:
        check_option(f.urgency, URGENCIES, "urgency")
        stmt = stmt.where(TrainingRequest.urgency == f.urgency)
    if f.priority_id:
        stmt = stmt.where(TrainingRequest.priority_id == f.priority_id)
    if f.department_id:
        stmt = stmt.where(TrainingRequest.department_id == f.department_id)
    if f.no_metric:
        stmt = stmt.where(TrainingRequest.kpi_id.is_(None))
    if f.q:
        stmt = stmt.where(func.lower(TrainingRequest.title).contains(f.q.strip().lower()))
    rows = list(session.scalars(stmt.order_by(TrainingRequest.created_at.desc())))
    return _summaries(session, rows)


def triage_board(
    session: Session, actor: Actor, filters: RequestFilters | None = None
) -> TriageBoard:
    """Requests by state for the L&D team, with the share that names no metric."""
    if not actor.can_read_portfolio:
        raise PermissionDenied(
            "The triage board is for the L&D team and executives. Open 'My requests' instead."
        )
    items = list_requests(session, actor, filters)
    columns: dict[str, list[RequestSummary]] = {s: [] for s in REQUEST_STATES}
    for item in items:
        columns[item.state].append(item)
    open_items = [i for i in items if i.state in OPEN_STATES]
    without_metric = sum(1 for i in open_items if i.kpi_id is None)
    return TriageBoard(
        columns={k: v for k, v in columns.items() if v},
        total=len(items),
        without_metric=without_metric,
        open_total=len(open_items),
        share_without_metric=without_metric / len(open_items) if open_items else 0.0,
        filters={k: str(v) for k, v in (filters or RequestFilters()).model_dump().items() if v},
    )


def _check_input(session: Session, data: RequestInput) -> None:
    check_option(data.urgency, URGENCIES, "urgency")
    if data.priority_id is not None and session.get(StrategicPriority, data.priority_id) is None:
        raise NotFound(
            f"There is no strategic priority #{data.priority_id}. Pick one from the list or leave "
            "it empty."
        )
    if data.kpi_id is not None and session.get(Kpi, data.kpi_id) is None:
        raise NotFound(f"There is no KPI #{data.kpi_id}. Pick one from the list or leave it empty.")
    if data.department_id is not None and session.get(Department, data.department_id) is None:
        raise NotFound(f"There is no department #{data.department_id}. Pick one from the list.")


def _apply(req: TrainingRequest, data: RequestInput) -> None:
    req.title = data.title.strip() or "Untitled request"
    for name in FIELD_NAMES:
        setattr(req, name, getattr(data, name).strip())
    req.urgency = data.urgency
    req.priority_id = data.priority_id
    req.kpi_id = data.kpi_id
    if data.department_id is not None:
        req.department_id = data.department_id


def _answers(req: TrainingRequest) -> dict[str, str]:
    return {name: getattr(req, name) or "" for name in FIELD_NAMES}


def _stakeholder_answers(session: Session, request_id: int) -> dict[str, str]:
    return dict(
        session.execute(
            select(StakeholderAnswer.question_key, StakeholderAnswer.answer).where(
                StakeholderAnswer.request_id == request_id
            )
        ).all()  # type: ignore[arg-type]
    )


def _summaries(session: Session, rows: list[TrainingRequest]) -> list[RequestSummary]:
    if not rows:
        return []
    users = _names(session, User, {r.requester_id for r in rows})
    depts = _names(session, Department, {r.department_id for r in rows if r.department_id})
    prios = dict(
        session.execute(
            select(StrategicPriority.id, StrategicPriority.title).where(
                StrategicPriority.id.in_({r.priority_id for r in rows if r.priority_id})
            )
        ).all()  # type: ignore[arg-type]
    )
    kpis = _names(session, Kpi, {r.kpi_id for r in rows if r.kpi_id})
    now = datetime.now(UTC)
    out = []
    for r in rows:
        created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
        out.append(
            RequestSummary(
                id=r.id,
                title=r.title,
                state=r.state,
                urgency=r.urgency,
                requester_name=users.get(r.requester_id, "?"),
                department_name=depts.get(r.department_id) if r.department_id else None,
                priority_id=r.priority_id,
                priority_title=prios.get(r.priority_id) if r.priority_id else None,
                kpi_id=r.kpi_id,
                kpi_name=kpis.get(r.kpi_id) if r.kpi_id else None,
                created_at=created,
                age_days=max(0, (now - created).days),
                missing_count=len(missing_fields(_answers(r))),
            )
        )
    return out


def _names(session: Session, model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()  # type: ignore[attr-defined]
    )


def request_choices(session: Session, actor: Actor) -> RequestChoices:
    """The priorities, metrics (KPIs) and departments a request can be linked to."""
    prios = session.execute(
        select(StrategicPriority.id, StrategicPriority.title)
        .where(StrategicPriority.archived_at.is_(None))
        .order_by(StrategicPriority.title)
    ).all()
    kpis = session.execute(
        select(Kpi.id, Kpi.name, Kpi.unit).where(Kpi.archived_at.is_(None)).order_by(Kpi.name)
    ).all()
    depts = session.execute(select(Department.id, Department.name).order_by(Department.name)).all()
    return RequestChoices(
        priorities=tuple(Choice(i, t) for i, t in prios),
        kpis=tuple(Choice(i, f"{n} ({u})" if u else n) for i, n, u in kpis),
        departments=tuple(Choice(i, n) for i, n in depts),
    )


def request_form(session: Session, actor: Actor, request_id: int | None = None) -> RequestForm:
    """What the intake form needs to create (``request_id`` None) or edit a request.

    Raises PermissionDenied when the actor may not raise a request, or may not edit this one.
    """
    detail = None
    if request_id is None:
        if not actor.can_submit_requests:
            raise PermissionDenied(
                "Your role cannot raise training requests. Ask your manager or the L&D team."
            )
    else:
        detail = get_request(session, actor, request_id)
        if not detail.can_edit:
            raise PermissionDenied(
                f"Request #{request_id} is '{detail.summary.state.replace('_', ' ')}' and can no "
                "longer be edited by you. Ask the L&D team to return it to you if something "
                "must change."
            )
    return RequestForm(
        choices=request_choices(session, actor),
        detail=detail,
        default_department_id=actor.department_id,
    )
