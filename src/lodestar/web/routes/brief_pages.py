"""The one-page program brief as a page and as a download, pinning a brief to one stored
result, and past results at their own address.

- ``GET /programs/{id}/brief`` — the brief (the same template as the PDF), with the download
  buttons, the list of stored results and, for the L&D team, the pin.
- ``GET /programs/{id}/brief.pdf?paper=a4|letter`` and ``/brief.html`` — the files.
- ``POST /programs/{id}/brief/pin`` (``result_id``) and ``/brief/unpin``.
- ``GET /programs/{id}/results/{result_id}`` — the analyst's page on that stored result.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.errors import InvalidInput
from lodestar.reports.brief_output import program_brief_file
from lodestar.reports.brief_pdf import check_paper
from lodestar.reports.brief_view import brief_view
from lodestar.reports.portfolio_output import portfolio_brief_file, portfolio_context
from lodestar.services import briefs
from lodestar.web.contexts import BriefPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, see_other
from lodestar.web.routes.program_pages import render_detail
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def link_base(request: Request) -> str:
    """Where the links in a downloaded brief point: the configured public address, else the
    address this request came to."""
    public = request.app.state.settings.public_url
    return public or str(request.base_url)


@router.get("/programs/{program_id:int}/brief")
def brief_page(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int,
    result: int | None = None,
) -> Response:  # fmt: skip
    brief = briefs.program_brief(db, actor, program_id, result_id=result)
    page = BriefPage(brief=brief_view(brief), results=brief.results, can_pin=actor.is_ld,
                     pinned_result_id=brief.pinned_result_id, chosen=result)  # fmt: skip
    return render(request, "briefs/program.html", page)


def _download(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int, fmt: str,
    paper: str, result: int | None,
) -> Response:  # fmt: skip
    out = program_brief_file(
        db, actor, program_id, fmt="pdf" if fmt == "pdf" else "html", paper=check_paper(paper),
        result_id=result, link_base=link_base(request),
        organisation=request.app.state.settings.organisation_name,
    )  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="{out.filename}"'}
    return Response(out.content, media_type=out.media_type, headers=headers)


@router.get("/programs/{program_id:int}/brief.pdf")
def brief_pdf_download(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int,
    paper: str = "a4", result: int | None = None,
) -> Response:  # fmt: skip
    return _download(request, db, actor, program_id, "pdf", paper, result)


@router.get("/programs/{program_id:int}/brief.html")
def brief_html_download(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int,
    result: int | None = None,
) -> Response:  # fmt: skip
    return _download(request, db, actor, program_id, "html", "a4", result)


@router.post("/programs/{program_id:int}/brief/pin")
def pin(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    raw = form.get("result_id")
    if not isinstance(raw, str) or not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise InvalidInput("Choose the stored result to pin the brief to, then pin it again.")
    briefs.pin_brief(db, actor, program_id, int(raw))
    db.commit()
    flash(request, f"The brief now stays on result #{raw}, whatever is run after it.", "success")
    return see_other(f"/programs/{program_id}/brief")


@router.post("/programs/{program_id:int}/brief/unpin")
def unpin(request: Request, db: SessionDep, actor: WritingActor, program_id: int) -> Response:
    was = briefs.unpin_brief(db, actor, program_id)
    db.commit()
    flash(request, "The brief follows the newest result again." if was
          else "The brief was not pinned; it follows the newest result.", "success")  # fmt: skip
    return see_other(f"/programs/{program_id}/brief")


@router.get("/programs/{program_id:int}/results/{result_id:int}")
def past_result(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int, result_id: int
) -> Response:
    return render_detail(request, db, actor, program_id, result_id=result_id)


@router.get("/portfolio/brief")
def portfolio_brief_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    """The portfolio brief as a page, with its downloads."""
    ctx = portfolio_context(briefs.portfolio_brief(db, actor))
    return render(request, "briefs/portfolio.html", {**ctx, "link_base": ""})


@router.get("/portfolio/brief.pdf")
def portfolio_brief_pdf(
    request: Request, db: SessionDep, actor: CurrentActor, paper: str = "a4"
) -> Response:
    out = portfolio_brief_file(
        db, actor, paper=check_paper(paper), link_base=link_base(request),
        organisation=request.app.state.settings.organisation_name,
    )  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="{out.filename}"'}
    return Response(out.content, media_type=out.media_type, headers=headers)
