"""The stakeholder council as pages (meetings, an agenda built from the data, decisions) and
the stakeholder update per program (read, download as text, record as sent)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.errors import InvalidInput, LodestarError
from lodestar.services import stakeholders
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, form_date, form_int, form_text, see_other
from lodestar.web.portfolio_contexts import CouncilListPage, CouncilPage, UpdatePage
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


@router.get("/councils")
def council_list(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    rows = stakeholders.list_councils(db, actor)
    return render(request, "councils/list.html", CouncilListPage(actor, rows, actor.is_ld))


@router.post("/councils")
def create_council(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    stakeholders.require_ld(actor, "The stakeholder council")
    errors: dict[str, str] = {}
    held_on = form_date(form, "held_on", errors)
    try:
        if held_on is None:
            raise InvalidInput(errors.get("held_on", "Give the date of the meeting."))
        title = form_text(form, "title")
        if len(title) > 200:
            raise InvalidInput("Keep the meeting's title to 200 characters or fewer.")
        row = stakeholders.create_council(
            db, actor, stakeholders.CouncilInput(title=title, held_on=held_on)
        )
    except LodestarError as exc:
        db.rollback()
        page = CouncilListPage(actor, stakeholders.list_councils(db, actor), True, exc.message)
        return render(request, "councils/list.html", page, status_code=422)
    flash(
        request, "The agenda was drawn from the data. Add decisions as the meeting goes.", "success"
    )
    return see_other(f"/councils/{row.id}")


@router.get("/councils/{council_id:int}")
def council_page(
    request: Request, db: SessionDep, actor: CurrentActor, council_id: int
) -> Response:
    view = stakeholders.council_view(db, actor, council_id)
    return render(request, "councils/detail.html", CouncilPage(actor, view, actor.is_ld))


@router.post("/councils/{council_id:int}/decisions")
def record_decision(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, council_id: int
) -> Response:
    stakeholders.require_ld(actor, "The stakeholder council")
    try:
        text, owner = form_text(form, "decision"), form_text(form, "owner")
        if len(text) > 4000 or len(owner) > 160:
            raise InvalidInput("Keep the decision to 4,000 characters and the owner's name to 160.")
        data = stakeholders.DecisionInput(
            decision=text, owner=owner, agenda_item_id=form_int(form, "agenda_item_id")
        )
        stakeholders.record_decision(db, actor, council_id, data)
    except InvalidInput as exc:
        db.rollback()
        page = CouncilPage(
            actor, stakeholders.council_view(db, actor, council_id), True, exc.message
        )
        return render(request, "councils/detail.html", page, status_code=422)
    flash(request, "The decision is recorded.", "success")
    return see_other(f"/councils/{council_id}")


@router.get("/stakeholder-updates/{program_id:int}")
def update_page(request: Request, db: SessionDep, actor: CurrentActor, program_id: int) -> Response:
    draft = stakeholders.draft_update(db, actor, program_id)
    return render(request, "councils/update.html", UpdatePage(actor, draft))


@router.get("/stakeholder-updates/{program_id:int}/update.txt")
def update_text(db: SessionDep, actor: CurrentActor, program_id: int) -> Response:
    draft = stakeholders.draft_update(db, actor, program_id)
    return Response(
        draft.text,
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="program-{program_id}-update.txt"'},
    )


@router.post("/stakeholder-updates/{program_id:int}")
def send_update(request: Request, db: SessionDep, actor: WritingActor, program_id: int) -> Response:
    stakeholders.record_update(db, actor, program_id)
    flash(request, "Recorded as sent: the next update will say what changed since.", "success")
    return see_other(f"/stakeholder-updates/{program_id}")
