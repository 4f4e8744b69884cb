"""The program brief as JSON (every figure with the address of the stored result behind it),
or the same brief as a one-page PDF or a standalone HTML file (``format=pdf|html``)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import Response

from lodestar.reports.brief_output import program_brief_file
from lodestar.reports.brief_view import ProgramBriefView, brief_view
from lodestar.services import briefs
from lodestar.services.input_fields import RecordId
from lodestar.web.deps import CurrentActor, SessionDep
from lodestar.web.errors import PROBLEM_RESPONSES
from lodestar.web.routes.brief_pages import link_base

router = APIRouter(prefix="/api", tags=["briefs"], responses=PROBLEM_RESPONSES)


class FigureRead(BaseModel):
    label: str
    value: str
    note: str
    href: str  # the stored result (or program tier) the figure comes from


class TierRead(BaseModel):
    key: str
    title: str
    note: str
    figures: list[FigureRead]


class ProgramBriefRead(BaseModel):
    program_id: int
    code: str
    name: str
    status: str
    priority_title: str
    statement: str
    result_id: int | None
    result_url: str
    pinned_result_id: int | None
    headline: str
    evidence: str
    evidence_title: str
    how_sure: str
    robustness: str
    expectation: str
    grade_label: str
    grade_sentence: str
    targets: list[FigureRead]
    tiers: list[TierRead]
    money: list[FigureRead]
    money_sentence: str
    can_tell: list[str]
    cannot_tell: list[str]
    risks: list[str]
    decision: str
    next_step: str
    pdf_url: str


def _figures(figs: tuple[object, ...]) -> list[FigureRead]:
    return [FigureRead.model_validate(f, from_attributes=True) for f in figs]


def brief_read(v: ProgramBriefView, pinned: int | None) -> ProgramBriefRead:
    return ProgramBriefRead(
        program_id=v.program_id, code=v.code, name=v.name, status=v.status,
        priority_title=v.priority_title, statement=v.statement, result_id=v.result_id,
        result_url=v.result_href, pinned_result_id=pinned, headline=v.headline,
        evidence=v.evidence, evidence_title=v.evidence_title, how_sure=v.how_sure,
        robustness=v.robustness, expectation=v.expectation, grade_label=v.grade_label,
        grade_sentence=v.grade_sentence, targets=_figures(v.targets),
        tiers=[TierRead(key=t.key, title=t.title, note=t.note, figures=_figures(t.figures))
               for t in v.tiers],
        money=_figures(v.money), money_sentence=v.money_sentence, can_tell=list(v.can_tell),
        cannot_tell=list(v.cannot_tell), risks=list(v.risks), decision=v.decision,
        next_step=v.next_step, pdf_url=f"/programs/{v.program_id}/brief.pdf",
    )  # fmt: skip


@router.get(
    "/programs/{program_id}/brief",
    response_model=ProgramBriefRead,
    responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
)
def read_brief(
    request: Request,
    db: SessionDep,
    actor: CurrentActor,
    program_id: RecordId,
    format: Literal["json", "pdf", "html"] = "json",
    paper: Literal["a4", "letter"] = "a4",
    result: RecordId | None = None,
) -> ProgramBriefRead | Response:
    """The program's one-page brief on its pinned (else newest) stored result, or on
    ``result``: as JSON, or ``format=pdf`` (one page of ``paper``) or ``format=html``."""
    if format != "json":
        out = program_brief_file(
            db, actor, program_id, fmt=format, paper=paper, result_id=result,
            link_base=link_base(request),
            organisation=request.app.state.settings.organisation_name,
        )  # fmt: skip
        headers = {"Content-Disposition": f'attachment; filename="{out.filename}"'}
        return Response(out.content, media_type=out.media_type, headers=headers)
    brief = briefs.program_brief(db, actor, program_id, result_id=result)
    return brief_read(brief_view(brief, charts=False), brief.pinned_result_id)
