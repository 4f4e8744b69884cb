"""How a brief is made to fit one page, and the portfolio brief's PDF read back.

A brief is laid out once at the largest type; only one whose texts overflow the page is laid out
again, at the size its overflow calls for; one that cannot fit even in the smallest type is
refused with a sentence that says what to shorten.
"""

from __future__ import annotations

from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, User
from lodestar.reports.brief_output import program_brief_html
from lodestar.reports.brief_pdf import LARGEST_PT, SMALLEST_PT, BriefTooLong, fit_pdf
from lodestar.reports.brief_view import ProgramBriefView, brief_view
from lodestar.reports.portfolio_output import portfolio_brief_file
from lodestar.services.accounts import actor_of
from lodestar.services.briefs import program_brief
from tests.reports.conftest import PROGRAMS
from tests.reports.pdf_structure import pdf_ua_failures, read_tags


def _view(engine: Engine, code: str) -> ProgramBriefView:
    with Session(engine) as s:
        executive = actor_of(s.scalars(select(User).where(User.role == "executive")).first())
        pid = s.scalars(select(Program.id).where(Program.code == code)).one()
        return brief_view(program_brief(s, executive, pid))


def _pages_and_text(pdf: bytes) -> tuple[int, str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc), " ".join(doc[0].get_textpage().get_text_range().split())
    finally:
        doc.close()


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("code", PROGRAMS)
def test_each_demo_brief_is_laid_out_once_in_the_largest_type(demo, code, paper):
    fitted = fit_pdf(program_brief_html(_view(demo, code), for_pdf=True, paper=paper), paper=paper)
    assert (fitted.layouts, fitted.type_size_pt) == (1, LARGEST_PT)
    assert _pages_and_text(fitted.content)[0] == 1


def test_a_long_brief_is_set_smaller_after_one_more_layout(demo):
    view = _view(demo, "fcr_pilot")
    long = replace(view, statement=" ".join([view.statement] * 8))
    fitted = fit_pdf(program_brief_html(long, for_pdf=True))
    pages, text = _pages_and_text(fitted.content)
    assert pages == 1
    assert fitted.layouts == 2, "the size chosen from the overflow should fit at once"
    assert SMALLEST_PT <= fitted.type_size_pt < LARGEST_PT
    assert text.count(view.statement.split(".")[0]) == 8, "nothing was cut to make it fit"
    assert "what this can tell you, and what it cannot" in text.lower()


def test_a_brief_too_long_for_any_type_size_is_refused_with_what_to_shorten(demo):
    view = _view(demo, "fcr_pilot")
    endless = replace(view, problem=" ".join([view.statement] * 60))
    with pytest.raises(BriefTooLong, match="Shorten the program's statement of intent"):
        fit_pdf(program_brief_html(endless, for_pdf=True), paper="letter")


def test_the_html_file_keeps_the_chart_inline_and_the_pdf_source_places_it_as_an_image(demo):
    view = _view(demo, "onboarding_buddy")
    page_file, pdf_source = program_brief_html(view), program_brief_html(view, for_pdf=True)
    assert "<svg" in page_file and "<style>" in page_file
    assert "<svg" not in pdf_source and "<style>" not in pdf_source
    assert f'src="{view.chart_image}"' in pdf_source
    assert view.chart_image.startswith("data:image/svg+xml;base64,")
    assert f'alt="{view.chart_text}"' in pdf_source.replace("&#39;", "'")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_portfolio_brief_pdf_is_one_tagged_page(demo, paper):
    with Session(demo) as s:
        executive = actor_of(s.scalars(select(User).where(User.role == "executive")).first())
        made = portfolio_brief_file(s, executive, fmt="pdf", paper=paper)
    pages, text = _pages_and_text(made.content)
    assert pages == 1 and "programs by strategic priority" in text.lower()
    tags = read_tags(made.content)
    assert tags.tagged and tags.language == "en" and tags.title == "Portfolio impact brief"
    assert {"H1", "H2", "L", "LI"} <= set(tags.tags)
    assert pdf_ua_failures(made.content) == []
