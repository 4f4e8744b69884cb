"""Make a program brief as a file: the one path the web download, the API and ``lodestar brief
program`` share, so all three give the same bytes for the same stored result."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.reports.brief_pdf import BriefFormat, Paper, brief_document, brief_pdf
from lodestar.reports.brief_view import ProgramBriefView, brief_view
from lodestar.services.briefs import program_brief


@dataclass(frozen=True)
class BriefFile:
    content: bytes
    media_type: str
    filename: str
    view: ProgramBriefView


def program_brief_html(
    view: ProgramBriefView,
    *,
    for_pdf: bool = False,
    paper: Paper = "a4",
    link_base: str = "",
    organisation: str = "Lodestar",
) -> str:
    """The brief as one HTML document: a file that opens anywhere, or the source of the PDF."""
    return brief_document(
        "brief/program.html", {"brief": view}, title=f"Impact brief: {view.name}",
        description=view.headline, link_base=link_base, paper=paper, organisation=organisation,
        for_pdf=for_pdf,
    )  # fmt: skip


def program_brief_file(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    fmt: BriefFormat = "pdf",
    paper: Paper = "a4",
    result_id: int | None = None,
    link_base: str = "",
    organisation: str = "Lodestar",
) -> BriefFile:
    """The brief of one program as a PDF (one page of ``paper``) or a standalone HTML file."""
    view = brief_view(program_brief(session, actor, program_id, result_id=result_id))
    html = program_brief_html(view, for_pdf=fmt == "pdf", paper=paper, link_base=link_base,
                              organisation=organisation)  # fmt: skip
    stem = f"brief-{view.code}" + (f"-result-{view.result_id}" if view.result_id else "")
    if fmt == "html":
        return BriefFile(html.encode("utf-8"), "text/html; charset=utf-8", f"{stem}.html", view)
    return BriefFile(brief_pdf(html, paper=paper), "application/pdf", f"{stem}-{paper}.pdf", view)


__all__ = ["BriefFile", "program_brief_file", "program_brief_html"]
