"""The skills forecast's inputs as pages (L&D writes; executives read): planned moves of people
between job titles, and how much each strategic priority weights the skills it depends on. The
forecast's figures are kept and recomputed in the background after a change
(``services.skills.base``), so the forecast page catches up within seconds."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.errors import InvalidInput, LodestarError
from lodestar.services.skills import moves, profiles
from lodestar.services.strategy.priorities import list_priorities
from lodestar.web.deps import CatalogueEditor, CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FieldErrors, FormDep, form_text, handle_form
from lodestar.web.skills_contexts import MovesPage, PriorityWeightsPage
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)
WEIGHT_SENTENCE = (
    "The weight is a number from 0 to 1, e.g. 0.5 when the priority leans on the skill half as "
    "much as on the skill it cannot do without."
)
EXTRA_SENTENCE = "The extra people at target are whole numbers, 0 or more."


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"“{text}” is not a date. Give the day of the move as YYYY-MM-DD, e.g. 2027-03-01."
            if text.strip()
            else "Give the day of the move as YYYY-MM-DD, e.g. 2027-03-01.",
            details={"fields": {"effective_on": "a date, YYYY-MM-DD"}},
        ) from None


def _moves_page(
    request: Request, db: SessionDep, actor: CurrentActor, error: str | None = None,
    typed: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    page = MovesPage(
        moves=moves.planned_moves(db, actor),
        job_titles=[p.title for p in profiles.job_profiles(db, actor)],
        can_edit=actor.is_ld,
        error=error,
        typed=typed,
    )
    return render(request, "skills/moves.html", page, status_code=status)


@router.get("/skills/moves")
def moves_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return _moves_page(request, db, actor)


def _typed(form: FormDep, *names: str) -> dict[str, str]:
    return {n: form_text(form, n) for n in names}


@router.post("/skills/moves")
def add_move(request: Request, db: SessionDep, actor: CatalogueEditor, form: FormDep) -> Response:
    typed = _typed(form, "employee_id", "to_job_title", "effective_on")

    def act(errors: FieldErrors) -> str:
        line = moves.add_move(db, actor, typed["employee_id"], typed["to_job_title"],
                              _day(typed["effective_on"]))  # fmt: skip
        return (f"{line.employee_name}'s move into {line.to_job_title} is planned; the forecast "
                "counts it within seconds.")  # fmt: skip

    def refused(exc: LodestarError) -> Response:
        return _moves_page(request, db, actor, exc.message, typed, exc.status)

    return handle_form(request, db, act, refused=refused, done="/skills/moves")


@router.post("/skills/moves/{move_id:int}")
def change_move(
    request: Request, db: SessionDep, actor: CatalogueEditor, form: FormDep, move_id: int
) -> Response:
    typed = _typed(form, "to_job_title", "effective_on")

    def act(errors: FieldErrors) -> str:
        line = moves.change_move(db, actor, move_id, typed["to_job_title"],
                                 _day(typed["effective_on"]))  # fmt: skip
        return f"{line.employee_name}'s planned move is changed; the forecast follows."

    def refused(exc: LodestarError) -> Response:
        return _moves_page(request, db, actor, exc.message, None, exc.status)

    return handle_form(request, db, act, refused=refused, done="/skills/moves")


@router.post("/skills/moves/{move_id:int}/delete")
def delete_move(request: Request, db: SessionDep, actor: WritingActor, move_id: int) -> Response:
    def act(errors: FieldErrors) -> str:
        moves.delete_move(db, actor, move_id)
        return "The planned move is deleted; the forecast no longer counts it."

    def refused(exc: LodestarError) -> Response:
        return _moves_page(request, db, actor, exc.message, None, exc.status)

    return handle_form(request, db, act, refused=refused, done="/skills/moves")


def _weights_page(
    request: Request, db: SessionDep, actor: CurrentActor, error: str | None = None,
    typed: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    page = PriorityWeightsPage(
        lines=profiles.priority_skills(db, actor),
        priorities=[(p.id, p.title) for p in list_priorities(db, actor)],
        can_edit=actor.is_ld,
        error=error,
        typed=typed,
    )
    return render(request, "skills/priorities.html", page, status_code=status)


@router.get("/skills/priorities")
def weights_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return _weights_page(request, db, actor)


def _number(text: str, name: str, sentence: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(sentence, details={"fields": {name: "a number"}}) from None


@router.post("/skills/priorities")
def set_weight(request: Request, db: SessionDep, actor: CatalogueEditor, form: FormDep) -> Response:
    typed = _typed(form, "priority_id", "skill_code", "weight", "extra_people_12",
                   "extra_people_24")  # fmt: skip

    def act(errors: FieldErrors) -> str:
        priority = int(_number(typed["priority_id"] or "0", "priority_id",
                               "Choose the strategic priority from the list."))  # fmt: skip
        weight = _number(typed["weight"], "weight", WEIGHT_SENTENCE)
        extra = [
            _number(typed[k] or "0", k, EXTRA_SENTENCE)
            for k in ("extra_people_12", "extra_people_24")
        ]
        if any(e != int(e) for e in extra):
            raise InvalidInput(EXTRA_SENTENCE, details={"fields": {"extra_people_12": "whole"}})
        line = profiles.set_priority_skill(
            db, actor, priority, typed["skill_code"].strip(), weight=weight,
            extra_people_12=int(extra[0]), extra_people_24=int(extra[1]),
        )  # fmt: skip
        return (f"“{line.priority_title}” now weights {line.skill_name} at {line.weight:g}; "
                "gaps and the forecast follow within seconds.")  # fmt: skip

    def refused(exc: LodestarError) -> Response:
        return _weights_page(request, db, actor, exc.message, typed, exc.status)

    return handle_form(request, db, act, refused=refused, done="/skills/priorities")


@router.post("/skills/priorities/remove")
def remove_weight(
    request: Request, db: SessionDep, actor: CatalogueEditor, form: FormDep
) -> Response:
    def act(errors: FieldErrors) -> str:
        priority = int(_number(form_text(form, "priority_id") or "0", "priority_id",
                               "Choose the strategic priority from the list."))  # fmt: skip
        profiles.remove_priority_skill(db, actor, priority, form_text(form, "skill_code"))
        return "The priority no longer depends on that skill."

    def refused(exc: LodestarError) -> Response:
        return _weights_page(request, db, actor, exc.message, None, exc.status)

    return handle_form(request, db, act, refused=refused, done="/skills/priorities")
