"""Stakeholders as pages: the influence x interest map with the register, a stakeholder's page
(with relationship notes and interviews for L&D), and the interview log with its search.

Who sees what is decided by ``services.stakeholders``: the notes and the interview log are
never handed to anyone outside L&D, so no template can show them by mistake.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from lodestar.domain.intake import STAKEHOLDER_KEYS
from lodestar.domain.ninety_day_plan import INTERVIEW_GOAL
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, LodestarError
from lodestar.services import stakeholders
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, form_date, form_int, form_text, see_other
from lodestar.web.portfolio_contexts import (
    InterviewLogPage,
    StakeholderFormPage,
    StakeholderMapPage,
)
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)
FIELDS = ("name", "title", "organisation", "user_id", "department_id", "influence", "interest",
          "relationship_notes")  # fmt: skip


@router.get("/stakeholders")
def stakeholder_map(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    grid = stakeholders.stakeholder_map(db, actor)
    return render(request, "stakeholders/map.html", StakeholderMapPage(actor, grid, actor.is_ld))


def _form_page(
    db: SessionDep, actor: Actor, action: str, values: dict[str, str], **extra: object
) -> StakeholderFormPage:
    return StakeholderFormPage(
        actor=actor, action=action, values=values, people=stakeholders.people_choices(db),
        departments=stakeholders.department_choices(db), **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def _values(form: FormData) -> dict[str, str]:
    return {n: form_text(form, n) for n in FIELDS}


def _input(values: dict[str, str]) -> stakeholders.StakeholderInput:
    def level(name: str) -> int:
        raw = values.get(name, "") or "3"
        if not raw.isdigit() or len(raw) > 2:
            raise InvalidInput(f"The {name} is scored from 1 (low) to 5 (high); pick one.")
        return int(raw)

    def ref(name: str) -> int | None:
        raw = values.get(name, "")
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    try:
        return stakeholders.StakeholderInput(
            name=values["name"], title=values["title"], organisation=values["organisation"],
            user_id=ref("user_id"), department_id=ref("department_id"),
            influence=level("influence"), interest=level("interest"),
            relationship_notes=values["relationship_notes"],
        )  # fmt: skip
    except ValueError as exc:
        raise InvalidInput(
            "Influence and interest are scored from 1 to 5, and names and titles are at most "
            f"160 characters. Correct the form and save again. ({str(exc).splitlines()[0]})"
        ) from None


@router.get("/stakeholders/new")
def new_stakeholder(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    stakeholders.require_ld(actor, "The stakeholder register")
    values = dict.fromkeys(FIELDS, "") | {"influence": "3", "interest": "3"}
    return render(
        request, "stakeholders/form.html", _form_page(db, actor, "/stakeholders/new", values)
    )


@router.post("/stakeholders/new")
def create_stakeholder(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    stakeholders.require_ld(actor, "The stakeholder register")
    values = _values(form)
    try:
        row = stakeholders.add_stakeholder(db, actor, _input(values))
    except InvalidInput as exc:
        db.rollback()
        page = _form_page(db, actor, "/stakeholders/new", values, error=exc.message)
        return render(request, "stakeholders/form.html", page, status_code=422)
    flash(request, f"{row.name} is on the stakeholder map.", "success")
    return see_other(f"/stakeholders/{row.id}")


@router.get("/stakeholders/{stakeholder_id:int}")
def stakeholder_page(
    request: Request, db: SessionDep, actor: CurrentActor, stakeholder_id: int
) -> Response:
    view = stakeholders.get_stakeholder(db, actor, stakeholder_id)
    interviews = (
        stakeholders.list_interviews(db, actor, stakeholder_id=view.id) if actor.is_ld else []
    )
    values = {
        "name": view.name, "title": view.title, "organisation": view.organisation,
        "user_id": str(view.user_id or ""), "department_id": "",
        "influence": str(view.influence), "interest": str(view.interest),
        "relationship_notes": view.relationship_notes or "",
    }  # fmt: skip
    page = _form_page(
        db, actor, f"/stakeholders/{view.id}", values, stakeholder=view, interviews=interviews
    )
    return render(request, "stakeholders/form.html", page)


@router.post("/stakeholders/{stakeholder_id:int}")
def update_stakeholder(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, stakeholder_id: int
) -> Response:
    stakeholders.require_ld(actor, "The stakeholder register")
    values = _values(form)
    try:
        stakeholders.update_stakeholder(db, actor, stakeholder_id, _input(values))
    except InvalidInput as exc:
        db.rollback()
        view = stakeholders.get_stakeholder(db, actor, stakeholder_id)
        page = _form_page(
            db, actor, f"/stakeholders/{stakeholder_id}", values, stakeholder=view,
            error=exc.message,
        )  # fmt: skip
        return render(request, "stakeholders/form.html", page, status_code=422)
    flash(request, "The stakeholder's entry was saved.", "success")
    return see_other(f"/stakeholders/{stakeholder_id}")


def _log_page(
    db: SessionDep, actor: Actor, q: str, values: dict[str, object], error: str | None = None
) -> InterviewLogPage:
    grid = stakeholders.stakeholder_map(db, actor)
    return InterviewLogPage(
        actor=actor, interviews=stakeholders.list_interviews(db, actor, q=q), q=q,
        total=stakeholders.interview_count(db), goal=INTERVIEW_GOAL,
        people=[(s.id, s.name) for s in grid.stakeholders],
        requests=stakeholders.request_choices(db), values=values, error=error,
    )  # fmt: skip


@router.get("/interviews")
def interview_log(request: Request, db: SessionDep, actor: CurrentActor, q: str = "") -> Response:
    stakeholders.require_ld(actor, "The interview log")
    values: dict[str, object] = {"held_on": date.today().isoformat()}
    return render(request, "stakeholders/interviews.html", _log_page(db, actor, q[:200], values))


@router.post("/interviews")
def log_interview(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    stakeholders.require_ld(actor, "The interview log")
    errors: dict[str, str] = {}
    held_on = form_date(form, "held_on", errors)
    answers = {k: form_text(form, f"q_{k}") for k in STAKEHOLDER_KEYS}
    request_ids = [
        int(v)
        for v in form.getlist("request_id")
        if isinstance(v, str) and v.isdigit() and len(v) < 10
    ]
    values: dict[str, object] = {
        "held_on": form_text(form, "held_on"), "stakeholder_id": form_text(form, "stakeholder_id"),
        "summary": form_text(form, "summary"), "answers": answers, "request_ids": request_ids,
    }  # fmt: skip
    try:
        who = form_int(form, "stakeholder_id")
        if who is None:
            raise InvalidInput("Choose who you interviewed from the stakeholder map.")
        if held_on is None:
            raise InvalidInput(errors.get("held_on", "Give the date of the interview."))
        try:
            data = stakeholders.InterviewInput(
                stakeholder_id=who, held_on=held_on, summary=form_text(form, "summary"),
                answers=answers, request_ids=request_ids,
            )  # fmt: skip
        except ValueError:
            raise InvalidInput(
                "An answer or the summary is longer than 4,000 characters, or a link is not a "
                "request. Shorten it and save again."
            ) from None
        stakeholders.log_interview(db, actor, data)
    except LodestarError as exc:
        db.rollback()
        page = _log_page(db, actor, "", values, exc.message)
        return render(request, "stakeholders/interviews.html", page, status_code=422)
    flash(request, "The interview is in the log.", "success")
    return see_other("/interviews")
