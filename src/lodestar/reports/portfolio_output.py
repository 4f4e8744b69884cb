"""The portfolio brief as a page fragment, a one-page PDF or a standalone HTML file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lodestar.domain.numbers import format_number
from lodestar.domain.roles import Actor
from lodestar.reports.brief_pdf import BriefFormat, Paper, brief_document, brief_pdf
from lodestar.reports.leadership_view import ResultWords, leadership_pictures
from lodestar.services.briefs.portfolio_brief import PortfolioBrief, portfolio_brief


@dataclass(frozen=True)
class PortfolioFile:
    content: bytes
    media_type: str
    filename: str


def money(value: float, currency: str) -> str:
    return f"{format_number(value, 0)} {currency}".strip()


def portfolio_context(brief: PortfolioBrief) -> dict[str, object]:
    """What ``brief/portfolio.html`` receives."""
    _, results = leadership_pictures(brief.leadership)
    words: dict[int, ResultWords] = results
    return {"portfolio": brief, "results": words, "money": money}


def portfolio_brief_file(
    session: Session,
    actor: Actor,
    *,
    fmt: BriefFormat = "pdf",
    paper: Paper = "a4",
    link_base: str = "",
    organisation: str = "Lodestar",
) -> PortfolioFile:
    brief = portfolio_brief(session, actor)
    html = brief_document(
        "brief/portfolio.html", portfolio_context(brief), title="Portfolio impact brief",
        description="Programs by strategic priority, the value they delivered and the pipeline.",
        link_base=link_base, paper=paper, organisation=organisation, inline_css=fmt == "html",
    )  # fmt: skip
    if fmt == "html":
        return PortfolioFile(html.encode(), "text/html; charset=utf-8", "portfolio-brief.html")
    pdf = brief_pdf(html, paper=paper)
    return PortfolioFile(pdf, "application/pdf", f"portfolio-brief-{paper}.pdf")


__all__ = ["PortfolioFile", "money", "portfolio_brief_file", "portfolio_context"]
