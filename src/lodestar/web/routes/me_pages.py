"""The employee area: /me (my skills, plan, quizzes, badges, programs, my reports), a report's
area for their manager, and the plan's actions (build it, add a path, mark a step done)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.domain.learning_paths import STEP_LABELS
from lodestar.errors import LodestarError
from lodestar.services import badges, learning
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FieldErrors, FormDep, form_text, handle_form, see_other
from lodestar.web.learning_contexts import MyLearningPage
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


@router.get("/me")
def my_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    area = learning.my_area(db, actor)
    paths = learning.paths_by_code(db) if area.linked else {}
    return render(request, "me/index.html", MyLearningPage(area, True, STEP_LABELS, paths))


@router.get("/me/people/{employee_id:int}")
def report_page(
    request: Request, db: SessionDep, actor: CurrentActor, employee_id: int
) -> Response:
    area = learning.my_area(db, actor, employee_id)
    return render(request, "me/index.html", MyLearningPage(area, False, STEP_LABELS))


def _refused(request: Request, back: str):  # type: ignore[no-untyped-def]
    def refused(exc: LodestarError) -> Response:
        flash(request, exc.message, "error")
        return see_other(back)

    return refused


@router.post("/me/plan/build")
def build_plan(request: Request, db: SessionDep, actor: WritingActor) -> Response:
    def act(errors: FieldErrors) -> str:
        plan = learning.build_plan(db, actor)
        return f"Your plan has {len(plan.entries)} learning path(s)."

    return handle_form(request, db, act, refused=_refused(request, "/me"), done="/me#plan")


@router.post("/me/plan/add")
def add_path(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    def act(errors: FieldErrors) -> str:
        learning.add_path(db, actor, form_text(form, "path"))
        return "The path is in your plan."

    return handle_form(request, db, act, refused=_refused(request, "/me"), done="/me#plan")


@router.post("/me/plan/steps/{step_id:int}/done")
def step_done(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, step_id: int
) -> Response:
    who = form_text(form, "employee_id")
    employee_id = int(who) if who.isdigit() else None
    back = f"/me/people/{employee_id}" if employee_id else "/me"

    def act(errors: FieldErrors) -> str:
        issuer = badges.Issuer.of(request.app.state.settings)
        outcome = learning.complete_step(db, actor, issuer, step_id, employee_id)
        if outcome.badge_public_id:
            return f"“{outcome.path_name}” completed: a badge is awarded."
        return f"“{outcome.step_title}” is done."

    return handle_form(request, db, act, refused=_refused(request, back), done=f"{back}#plan")
