"""Every demo program's brief, as HTML and as a PDF on A4 and Letter, read back as a reader would.

The organisation is the documented demo (2,000 positions, seed 42), where the First-Contact
Resolution pilot's evidence is strong, the Mindful webinars show no clear effect and the
Onboarding buddy's evidence is weak (docs/demo.md). Each PDF must be one page, its text must be
extractable, the change and its range printed on it must equal the stored result (to the digits
shown), its rendering must not be blank, and it must be tagged for assistive technology: title,
language, structure, the chart's summary sentence as its alternative text, and no failure of the
PDF/UA-1 machine checks.
"""

from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lodestar.db.models import ImpactResult, Program, User
from lodestar.reports.brief_output import program_brief_file
from lodestar.reports.brief_words import FAILED_CHECK_WORDS
from lodestar.services.accounts import actor_of
from tests.reports.conftest import PROGRAMS
from tests.reports.pdf_structure import pdf_ua_failures, read_tags

NUMBER = r"[+−-]?\d[\d,]*(?:\.\d+)?"


def _made(engine: Engine, code: str, fmt: str, paper: str = "a4"):  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        executive = actor_of(s.scalars(select(User).where(User.role == "executive")).first())
        prog = s.scalars(select(Program).where(Program.code == code)).one()
        row = s.scalars(select(ImpactResult).where(ImpactResult.program_id == prog.id)).one()
        made = program_brief_file(s, executive, prog.id, fmt=fmt, paper=paper,  # type: ignore[arg-type]
                                  link_base="http://lodestar.test")  # fmt: skip
        return made, row


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "").replace("+", ""))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _pdf_text(pdf: bytes) -> tuple[int, str, object]:
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = len(doc)
        text = doc[0].get_textpage().get_text_range()
        image = doc[0].render(scale=0.6).to_pil().convert("L")
        return pages, " ".join(text.split()), image
    finally:
        doc.close()


def _check_numbers(text: str, row: ImpactResult) -> None:
    """The change and its likely range on the page are the stored result's, to the digits
    printed."""
    if row.estimand == "hazard_ratio":
        m = re.search(rf"({NUMBER})× likely ({NUMBER})× to ({NUMBER})×", text)
    else:
        m = re.search(rf"Change in .+? ({NUMBER}) \S.*? likely ({NUMBER}) to ({NUMBER})", text)
    assert m, f"no change with its range found in: {text[:600]}"
    for shown, stored in zip(m.groups(), (row.estimate, row.ci_low, row.ci_high), strict=True):
        assert abs(_number(shown) - stored) <= 0.5 * 10 ** -_decimals(shown) + 1e-9, (shown, stored)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("code", PROGRAMS)
def test_each_brief_is_one_readable_page_with_the_stored_numbers(demo, code, paper):
    made, row = _made(demo, code, "pdf", paper)
    assert made.content.startswith(b"%PDF")
    pages, text, image = _pdf_text(made.content)
    assert pages == 1
    assert made.view.name in text
    assert "what this can tell you, and what it cannot" in text.lower()
    assert "Activity" in text and "not impact" in text
    _check_numbers(text, row)
    # The rendering is not blank: a good share of the page carries ink.
    histogram = image.histogram()  # type: ignore[attr-defined]
    dark = sum(histogram[:200]) / sum(histogram)
    assert dark > 0.01, f"the page is almost blank ({dark:.3%} ink)"
    # Paper size: A4 is 595 × 842 points, Letter 612 × 792.
    doc = pdfium.PdfDocument(made.content)
    width, height = doc[0].get_size()
    doc.close()
    assert (round(width), round(height)) == ((595, 842) if paper == "a4" else (612, 792))
    # What a screen reader gets: tags in reading order, the title, the language, and the chart
    # read as its summary sentence rather than as its axis labels.
    tags = read_tags(made.content)
    assert tags.tagged and tags.language == "en"
    assert tags.title == f"Impact brief: {made.view.name}"
    assert {"H1", "H2", "P", "L", "LI", "Link"} <= set(tags.tags)
    assert made.view.chart is not None and made.view.kpi_name in made.view.chart_text
    assert tags.figures == (made.view.chart_text,)
    assert pdf_ua_failures(made.content) == []


@pytest.mark.parametrize("code", PROGRAMS)
def test_each_brief_as_html_links_every_result_number_to_its_result(demo, code):
    made, row = _made(demo, code, "html")
    html = made.content.decode()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    href = f"http://lodestar.test/programs/{row.program_id}/results/{row.id}"
    what = (
        "Rate of [^<]+, against the comparison"
        if row.estimand == "hazard_ratio"
        else "Change in [^<]+"
    )
    assert re.search(rf'<dt>{what}</dt>\s*<dd><a href="{re.escape(href)}">', html)
    links = re.findall(r'href="(http://lodestar.test/programs/\d+/results/\d+)"', html)
    assert len(links) >= 3 and set(links) == {href}
    assert "<style>" in html, "a standalone file carries its stylesheet"


def test_strong_none_and_weak_read_equally_plainly(demo):
    strong, _ = _made(demo, "fcr_pilot", "html")
    none, _ = _made(demo, "mindful_webinars", "html")
    weak, _ = _made(demo, "onboarding_buddy", "html")
    assert strong.view.evidence == "strong"
    assert strong.view.headline.startswith("Repeat-contact rate fell by")
    assert strong.view.how_sure.startswith("We are confident")
    assert none.view.headline.startswith("No clear change: Customer satisfaction")
    assert none.view.how_sure.startswith("We cannot be sure the program made a difference")
    assert weak.view.evidence == "weak"
    # Weak because the proportional-hazards check failed, with an interval clear of 1: the
    # brief says the difference is clear and its size is not, never that there may be none.
    assert weak.view.how_sure.startswith("The difference is clear"), weak.view.how_sure
    assert "We cannot be sure the program made a difference" not in weak.view.how_sure
    for view in (strong.view, none.view, weak.view):
        # the same parts, at the same place, whatever the answer
        assert view.headline and view.how_sure and view.next_step and view.cannot_tell
        for term in ("ATT", "p-value", "confidence interval", "estimand", "hazard"):
            assert term not in view.headline + view.how_sure
    # No money headline where the evidence is weak or the range includes no effect.
    for view in (none.view, weak.view):
        assert view.money == ()
        assert view.money_sentence.startswith("No money is claimed")
        # ... and it does not claim, in the other column, to tell what the program caused.
        assert not any("because of the program" in line for line in view.can_tell)
    assert "Whether the program made any difference at all." in none.view.cannot_tell
    assert "Whether the program made any difference at all." not in weak.view.cannot_tell
    assert any("How large the advantage is" in line for line in weak.view.cannot_tell)
    assert "does not show that the program made a difference" not in weak.view.money_sentence
    assert any("because of the program" in line for line in strong.view.can_tell)
    assert "Adapt before scaling" in weak.view.next_step
    # The weak brief says which check failed, in words, not "see the analyst's page".
    _, weak_row = _made(demo, "onboarding_buddy", "html")
    result = weak_row.result if isinstance(weak_row.result, dict) else json.loads(weak_row.result)
    failed = [d["name"] for d in result["diagnostics"] if d["passed"] is False]
    assert failed, "the demo's weak result rests on a failed check"
    assert FAILED_CHECK_WORDS[failed[0]] in weak.view.how_sure
    assert "analyst's page says which" not in weak.view.how_sure
    # A time-to-productivity target is the productive pace, not a goal for the whole KPI.
    labels = [f.label for f in weak.view.targets]
    assert "Pace that counts as productive" in labels and "Target" not in labels


def test_a_clear_result_with_a_money_value_shows_money_with_its_range(demo):
    made, row = _made(demo, "fcr_pilot", "html")
    if row.money is None:
        assert made.view.money == ()
        assert made.view.money_sentence
    else:
        labels = [f.label for f in made.view.money]
        assert labels == ["First-year benefit", "Fully loaded cost", "Return on investment"]
        assert made.view.money[0].note.startswith("likely ")


def test_the_weak_ramp_up_brief_pdf_does_not_deny_its_clear_difference(demo):
    """The onboarding buddy result has p < 0.001 and a likely range of 1.31× to 2.77×; its
    evidence is weak only because the advantage was not steady over time. The PDF says that,
    and never "we cannot be sure the program made a difference"."""
    made, _ = _made(demo, "onboarding_buddy", "pdf")
    _, text, _ = _pdf_text(made.content)
    assert "Weak evidence" in text
    assert "We cannot be sure the program made a difference" not in text
    assert "Whether the program made any difference at all" not in text
    assert "The difference is clear" in text and "not steady over time" in text
