"""The pilot page of a program — plan, lottery, launch with the expectation locked, revisions,
the grade against the registration, and the scale / adapt / stop decision with its history —
and the page where managers record 30/60/90-day observations for their reports.

Each form posts to its own URL through ``web.forms.handle_form``; a refusal shows the page again
there, and those URLs also answer GET by leading back to the page's section.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from lodestar.domain.program_lifecycle import DECISION_LABELS
from lodestar.domain.roles import Actor
from lodestar.errors import LodestarError
from lodestar.services import programs
from lodestar.services.pilots import ASSIGN_LABELS
from lodestar.web.contexts import ObservePage, PilotPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import (
    FieldErrors,
    FormDep,
    form_date,
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
        "/programs/{program_id:int}/pilot/plan": "/programs/{program_id}/pilot#plan",
        "/programs/{program_id:int}/pilot/lottery": "/programs/{program_id}/pilot#lottery",
        "/programs/{program_id:int}/pilot/launch": "/programs/{program_id}/pilot#registration",
        "/programs/{program_id:int}/pilot/registrations": (
            "/programs/{program_id}/pilot#registration"
        ),
        "/programs/{program_id:int}/decisions": "/programs/{program_id}/pilot#decide",
    },
    programs.get_program,
)


def render_pilot(
    request: Request,
    db: Session,
    actor: Actor,
    program_id: int,
    *,
    error: LodestarError | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    page = PilotPage(
        program=programs.get_program(db, actor, program_id),
        statement=programs.program_canvas(db, actor, program_id).statement,
        stored=programs.stored_plan(db, actor, program_id),
        registrations=programs.registrations(db, program_id),
        grade=programs.grade_program(db, actor, program_id),
        history=programs.program_history(db, actor, program_id),
        teams=programs.team_choices(db, actor),
        assign_labels=ASSIGN_LABELS,
        decision_labels=DECISION_LABELS,
        can_edit=actor.is_ld,
        typed=typed or {},
        error=error.message if error else None,
    )
    return render(request, "programs/pilot.html", page, status_code=error.status if error else 200)


@router.get("/programs/{program_id:int}/pilot")
def pilot_page(request: Request, db: SessionDep, actor: CurrentActor, program_id: int) -> Response:
    return render_pilot(request, db, actor, program_id)


def _teams(form: FormData) -> list[int]:
    return [int(v) for v in form.getlist("team_id") if isinstance(v, str) and v.isdigit()]


def _typed(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _pilot_form(
    request: Request, db: Session, actor: Actor, form: FormData, program_id: int,
    act: Callable[[FieldErrors], str],
) -> Response:  # fmt: skip
    """A pilot-page form: on a refusal the pilot page again, with the message and the typing."""

    def refused(exc: LodestarError) -> Response:
        return render_pilot(request, db, actor, program_id, error=exc, typed=_typed(form))

    return handle_form(request, db, act, refused=refused, done=f"/programs/{program_id}/pilot")


@router.post("/programs/{program_id:int}/pilot/plan")
def plan(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        hoped = form_number(form, "hoped_effect", errors)
        share = form_number(form, "share", errors) or 0.5
        errors.raise_if_any()
        stored = programs.plan_and_store(
            db, actor, program_id, team_ids=_teams(form), share=share,
            assign_by=form_text(form, "assign_by") or "person", hoped_effect=hoped,
        )  # fmt: skip
        return str(stored.plan.get("explanation", "Plan saved."))

    return _pilot_form(request, db, actor, form, program_id, act)


@router.post("/programs/{program_id:int}/pilot/lottery")
def lottery(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        start = form_date(form, "start_date", errors)
        seed = form_text(form, "seed")
        share = form_number(form, "share", errors) or 0.5
        if start is None:
            errors.setdefault("start_date", "Give the date the pilot group starts.")
        if not seed.isdigit() or len(seed) > 9:
            errors["seed"] = "The seed is a whole number (any), so the draw can be repeated."
        errors.raise_if_any()
        assert start is not None
        record = programs.draw_lottery(
            db, actor, program_id, team_ids=_teams(form), start_date=start, seed=int(seed),
            share=share, assign_by=form_text(form, "assign_by") or "person",
        )  # fmt: skip
        return (
            f"Lottery drawn: {record['participants']} in the pilot, {record['comparison']} "
            "compared."
        )

    return _pilot_form(request, db, actor, form, program_id, act)


@router.post("/programs/{program_id:int}/pilot/launch")
def launch(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        effect = form_number(form, "expected_effect", errors)
        horizon = form_date(form, "horizon_date", errors)
        errors.raise_if_any()
        reg = programs.launch_pilot(
            db, actor, program_id, expected_effect=effect or 0.0, horizon_date=horizon
        )
        return f"Pilot launched; the expectation is locked as version {reg.version}."

    return _pilot_form(request, db, actor, form, program_id, act)


@router.post("/programs/{program_id:int}/pilot/registrations")
def revise(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        effect = form_number(form, "expected_effect", errors)
        horizon = form_date(form, "horizon_date", errors)
        errors.raise_if_any()
        reg = programs.revise_registration(
            db, actor, program_id, reason=form_text(form, "reason"), expected_effect=effect,
            horizon_date=horizon,
        )  # fmt: skip
        return f"Registration version {reg.version} recorded; the earlier versions stay on record."

    return _pilot_form(request, db, actor, form, program_id, act)


@router.post("/programs/{program_id:int}/decisions")
def decide(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        decision = form_text(form, "decision")
        start = form_date(form, "wave_start", errors)
        wave = (
            programs.WaveInput(start, tuple(_teams(form)))
            if decision == "scale" and start
            else None
        )
        errors.raise_if_any()
        out = programs.decide(db, actor, program_id, decision, form_text(form, "reason"),
                              wave=wave)  # fmt: skip
        extra = (
            f" Wave {out.wave_number}: {out.wave_participants} people join."
            if out.wave_number
            else ""
        )
        return f"Decision recorded: {DECISION_LABELS[out.decision]}.{extra}"

    return _pilot_form(request, db, actor, form, program_id, act)


def render_observe(
    request: Request, db: Session, actor: Actor, program_id: int,
    *, error: LodestarError | None = None, typed: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    page = ObservePage(
        program=programs.get_program(db, actor, program_id),
        people=programs.observable_participants(db, actor, program_id),
        behaviours=programs.program_canvas(db, actor, program_id).canvas.behaviours,
        today=date.today().isoformat(),
        typed=typed or {},
        error=error.message if error else None,
    )
    return render(
        request, "programs/observe.html", page, status_code=error.status if error else 200
    )


@router.get("/programs/{program_id:int}/observations")
def observe_page(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int
) -> Response:
    return render_observe(request, db, actor, program_id)


@router.post("/programs/{program_id:int}/observations")
def observe(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        on = form_date(form, "observed_on", errors)
        person = form_text(form, "employee_id")
        seen = form_text(form, "observed")
        if on is None:
            errors.setdefault("observed_on", "Give the date you observed it.")
        if not person.isdigit() or len(person) > 9:
            errors["employee_id"] = "Choose the person you observed."
        errors.raise_if_any()
        assert on is not None
        programs.record_observation(
            db, actor, program_id, employee_id=int(person), behaviour=form_text(form, "behaviour"),
            observed_on=on, observed={"yes": True, "no": False}.get(seen),
        )  # fmt: skip
        return "Observation recorded; it counts in the behaviour tier."

    def refused(exc: LodestarError) -> Response:
        return render_observe(request, db, actor, program_id, error=exc, typed=_typed(form))

    done = f"/programs/{program_id}/observations"
    return handle_form(request, db, act, refused=refused, done=done)
