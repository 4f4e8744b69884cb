"""The portfolio brief as a page fragment, a one-page PDF or a standalone HTML file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lodestar.domain.numbers import format_number
from lodestar.domain.roles import Actor
from lodestar.reports.brief_pdf import BriefFormat, Paper, brief_document, brief_pdf
from lodestar.reports.leadership_view import ResultWords, leadership_pictures
from lodestar.services.briefs.portfolio_brief import PortfolioBrief, SymptomLine, portfolio_brief


@dataclass(frozen=True)
class PortfolioFile:
    content: bytes
    media_type: str
    filename: str


def money(value: float, currency: str) -> str:
    return f"{format_number(value, 0)} {currency}".strip()


def symptom_words(line: SymptomLine) -> str:
    """A symptom on the brief: where it stands now against its line, and which way it went over
    the months (of the items raised in the first and the last month that had any)."""
    if line.share is None:
        now = "nothing to count yet"
    else:
        bound = f"{line.threshold:.0%}"
        sign = "any is one" if line.threshold == 0 else f"above {bound}"
        bounds = "none" if line.threshold == 0 else f"up to {bound}"
        state = (
            f"a sign of a reactive department ({sign})"
            if line.present
            else f"within bounds ({bounds})"
        )
        now = f"{line.share:.0%}{' of the money spent' if line.money else ''} now, {state}"
    if line.first is None or line.last is None:
        return f"{now}."
    (first, was), (last, is_) = line.first, line.last
    way = "falling" if is_ < was else "rising" if is_ > was else "level"
    return f"{now}; {way}: {was:.0%} of those raised in {first}, {is_:.0%} in {last}."


def portfolio_context(brief: PortfolioBrief) -> dict[str, object]:
    """What ``brief/portfolio.html`` receives."""
    _, results = leadership_pictures(brief.leadership)
    words: dict[int, ResultWords] = results
    return {"portfolio": brief, "results": words, "money": money, "symptom_words": symptom_words}


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
        link_base=link_base, paper=paper, organisation=organisation, for_pdf=fmt == "pdf",
    )  # fmt: skip
    if fmt == "html":
        return PortfolioFile(html.encode(), "text/html; charset=utf-8", "portfolio-brief.html")
    pdf = brief_pdf(html, paper=paper)
    return PortfolioFile(pdf, "application/pdf", f"portfolio-brief-{paper}.pdf")


__all__ = ["PortfolioFile", "money", "portfolio_brief_file", "portfolio_context", "symptom_words"]
