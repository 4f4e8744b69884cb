"""Programs as pages: the list with each program's latest result, and the program impact page
that shows the three measurement tiers side by side — activity (not impact), behaviour on the
job, and business impact — with the data snapshot that lets a number be traced.

Who may read and who may run an analysis is decided by ``services.impact.program_impact``;
the routes only hide the run button from those it would refuse. Running is a plain POST form
(Post/Redirect/Get), so the page works without JavaScript.

How the program is evaluated (its recorded design and target behaviours) is shown on the same
page (``programs/_setup.html``) and set there by the L&D team through ``services.program_setup``;
a refused setup re-renders the page with the message by the field and everything typed kept,
at ``/programs/{id}/setup``, which also answers GET (it leads back to the page), so reopening it
never meets "Method Not Allowed". The setup section warns when the stored enrolments and lottery
contradict the recorded design, before anyone runs an analysis on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from lodestar.domain.evaluation import MAX_TARGET_BEHAVIOURS
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, LodestarError
from lodestar.reports.effect_view import DESIGN_CHOICES, DESIGN_WORDS, EVIDENCE_WORDS
from lodestar.reports.program_view import program_view
from lodestar.services import briefs, program_setup, programs
from lodestar.services.impact import program_impact
from lodestar.web.contexts import ProgramListPage, ProgramPage, UnalignedProgramPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, form_urls_answer_get, see_other
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)
form_urls_answer_get(
    router,
    {"/programs/{program_id:int}/setup": "/programs/{program_id}#setup"},
    program_impact.get_program,
)


@router.get("/programs")
def program_list(
    request: Request, db: SessionDep, actor: CurrentActor, archived: bool = False
) -> Response:
    rows = program_impact.list_programs(db, actor, include_archived=archived)
    page = ProgramListPage(
        rows=rows, can_run=actor.is_ld, evidence_words=EVIDENCE_WORDS, show_archived=archived
    )
    return render(request, "programs/list.html", page)


@router.get("/programs/{program_id:int}")
def program_detail(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int
) -> Response:
    return render_detail(request, db, actor, program_id)


def render_detail(
    request: Request,
    db: Session,
    actor: Actor,
    program_id: int,
    *,
    setup_values: dict[str, Any] | None = None,
    setup_error: LodestarError | None = None,
    result_id: int | None = None,
) -> Response:
    """The program page; after a refused setup, with what was typed and the messages; on one
    stored result (a past one) when ``result_id`` is given."""
    program = program_impact.get_program(db, actor, program_id)
    if program.kpi_id is None:
        # Nothing to measure yet (e.g. a program that arrived with an enrolment import): say
        # so and offer the link, instead of refusing the page.
        unaligned = UnalignedProgramPage(
            program=program,
            intent=programs.program_canvas(db, actor, program_id),
            can_edit=actor.is_ld,
        )
        return render(request, "programs/unaligned.html", unaligned)
    if result_id is None:
        impact = program_impact.latest_program_impact(db, actor, program_id)
    else:
        impact = program_impact.program_impact_at(db, actor, program_id, result_id)
    setup = program_setup.program_setup(db, actor, program_id)
    if setup_values is None:
        setup_values = {
            "evaluation_design": setup.evaluation_design,
            "target_behaviours": list(setup.target_behaviours),
        }
    typed = list(setup_values["target_behaviours"])
    slots = typed + [""] * max(MAX_TARGET_BEHAVIOURS - len(typed), 0)
    page = ProgramPage(
        program=program,
        impact=impact,
        view=program_view(impact),
        can_run=actor.is_ld,
        design_choices=DESIGN_CHOICES,
        design_words=DESIGN_WORDS,
        setup=setup,
        setup_design_choices=program_setup.DESIGN_CHOICES,
        setup_max=MAX_TARGET_BEHAVIOURS,
        setup_max_length=program_setup.MAX_BEHAVIOUR_LENGTH,
        setup_values={**setup_values, "slots": slots},
        setup_error=setup_error.message if setup_error else None,
        setup_errors=(setup_error.details.get("fields") or {}) if setup_error else {},
        intent=programs.program_canvas(db, actor, program_id),
        viewing_result=result_id,
        latest_result_id=briefs.latest_result_id(db, program_id),
    )
    return render(
        request,
        "programs/detail.html",
        page,
        status_code=setup_error.status if setup_error else 200,
    )


@router.post("/programs/{program_id:int}/setup")
def save_program_setup(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    """Record the evaluation design and target behaviours (L&D and administrators)."""
    design = form.get("evaluation_design")
    design = design if isinstance(design, str) else ""
    # Blank slots of the form are not entries: only what was written is a behaviour.
    typed = [v for v in form.getlist("target_behaviour") if isinstance(v, str)]
    named = [v for v in typed if v.strip()]
    try:
        saved = program_setup.set_program_setup(
            db, actor, program_id, evaluation_design=design, target_behaviours=named
        )
    except InvalidInput as exc:
        db.rollback()
        values = {"evaluation_design": design, "target_behaviours": named}
        return render_detail(request, db, actor, program_id, setup_values=values, setup_error=exc)
    db.commit()
    label = saved.setup.design_label if saved.setup.evaluation_design else "chosen from the data"
    count = len(saved.setup.target_behaviours)
    message = (
        f"Saved: the design is “{label}” and the program targets {count} "
        f"behaviour{'' if count == 1 else 's'}. "
        + (
            "The next analysis uses this design."
            if saved.setup.evaluation_design
            else "The next analysis chooses the design from the data and says why."
        )
    )
    flash(request, f"{message} {saved.note}" if saved.note else message,
          "warning" if saved.note else "success")  # fmt: skip
    return see_other(f"/programs/{program_id}#setup")


@router.post("/programs/{program_id:int}/impact")
def run_program_impact(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    choice = form.get("design")
    design = choice if isinstance(choice, str) and choice not in ("", "auto") else None
    try:
        impact = program_impact.estimate_program_impact(db, actor, program_id, design=design)
    except InvalidInput as exc:
        db.rollback()
        flash(request, exc.message, "error")
        return see_other(f"/programs/{program_id}")
    except LodestarError:
        db.rollback()
        raise
    db.commit()
    assert impact.business is not None
    flash(
        request,
        f"The analysis ran on {impact.snapshot.get('rows', 0):,} rows "
        f"({DESIGN_WORDS.get(impact.design, impact.design)}). "
        "The result is stored with its data snapshot below.",
        "success",
    )
    return see_other(f"/programs/{program_id}#business")
