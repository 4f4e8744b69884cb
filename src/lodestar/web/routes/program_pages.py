"""Programs as pages: the list with each program's latest result, and the program impact page
that shows the three measurement tiers side by side — activity (not impact), behaviour on the
job, and business impact — with the data snapshot that lets a number be traced.

Who may read and who may run an analysis is decided by ``services.impact.program_impact``;
the routes only hide the run button from those it would refuse. Running is a plain POST form
(Post/Redirect/Get), so the page works without JavaScript.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.errors import InvalidInput, LodestarError
from lodestar.reports.program_view import DESIGN_CHOICES, DESIGN_WORDS, EVIDENCE_WORDS, program_view
from lodestar.services.impact import program_impact
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, see_other
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


@router.get("/programs")
def program_list(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    rows = program_impact.list_programs(db, actor)
    return render(
        request,
        "programs/list.html",
        {"rows": rows, "can_run": actor.is_ld, "evidence_words": EVIDENCE_WORDS},
    )


@router.get("/programs/{program_id:int}")
def program_detail(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int
) -> Response:
    program = program_impact.get_program(db, actor, program_id)
    impact = program_impact.latest_program_impact(db, actor, program_id)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "impact": impact,
            "view": program_view(impact),
            "can_run": actor.is_ld,
            "design_choices": DESIGN_CHOICES,
            "design_words": DESIGN_WORDS,
        },
    )


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
