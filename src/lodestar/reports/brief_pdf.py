"""A brief as a web page fragment, a standalone HTML file and a one-page PDF.

The same Jinja templates (``reports/templates/brief/``) and stylesheet (``reports/static/
brief.css``) make the web page and the PDF; WeasyPrint lays the PDF out on A4 or US Letter and
writes it tagged (PDF/UA-1: a structure tree, the document title and language), so its text can
be extracted and read aloud. WeasyPrint is imported when a PDF is first made: pages that only
show a brief never load it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lodestar.errors import InvalidInput


class BriefTooLong(InvalidInput):
    """The brief's texts are too long for one page."""

    code = "brief-too-long"


TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STYLESHEET = STATIC_DIR / "brief.css"

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = get_args(Paper)
BriefFormat = Literal["pdf", "html"]
FORMATS: tuple[BriefFormat, ...] = get_args(BriefFormat)
_PAGE = {"a4": "A4", "letter": "letter"}

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=False,
)


def check_paper(paper: str) -> Paper:
    if paper not in PAPERS:
        raise InvalidInput(
            f"{paper!r} is not a paper size for a brief. Choose one of: {', '.join(PAPERS)}."
        )
    return paper  # type: ignore[return-value]


def check_format(fmt: str) -> BriefFormat:
    if fmt not in FORMATS:
        raise InvalidInput(f"{fmt!r} is not a brief format. Choose one of: {', '.join(FORMATS)}.")
    return fmt  # type: ignore[return-value]


def brief_document(
    body: str,
    context: dict[str, Any],
    *,
    title: str,
    description: str,
    link_base: str = "",
    paper: Paper = "a4",
    organisation: str = "Lodestar",
    inline_css: bool = True,
) -> str:
    """A standalone HTML document of one brief (``body`` names its template), its stylesheet
    inlined so the file opens anywhere (``inline_css=False`` for WeasyPrint, which gets the
    stylesheet separately)."""
    html = _env.get_template("brief/document.html").render(
        body=body,
        title=title,
        description=description,
        link_base=link_base.rstrip("/"),
        paper=paper,
        organisation=organisation,
        generated=f"{date.today():%-d %b %Y}",
        **context,
    )
    if inline_css:
        css = STYLESHEET.read_text(encoding="utf-8") + _page_css(paper)
        html = html.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    return html


def _page_css(paper: Paper) -> str:
    return (
        f"@page {{ size: {_PAGE[paper]}; margin: 10mm 12mm 10mm 12mm; }}"
        "@media screen { body.brief-document { max-width: 190mm; margin: 2em auto; } }"
    )


# Type sizes tried in turn until the brief fits on one page: a brief with long texts (a long
# statement of intent, several behaviours, many risks) is set a little smaller, never split.
FIT_STEPS_PT = (8.0, 7.5, 7.0, 6.6)


def brief_pdf(html: str, *, paper: Paper = "a4") -> bytes:
    """The brief as a tagged PDF (PDF/UA-1) on exactly one page of ``paper``."""
    from weasyprint import CSS, HTML

    source = HTML(string=html, base_url=str(STATIC_DIR))
    base = [CSS(filename=str(STYLESHEET)), CSS(string=_page_css(paper))]
    document = None
    for size in FIT_STEPS_PT:
        fit = CSS(
            string=f".brief-document .brief {{ font-size: {size}pt; }}"
            f".brief-document .brief-figure svg {{ max-height: {size * 6.4:.1f}mm; }}"
        )
        document = source.render(stylesheets=[*base, fit], pdf_variant="pdf/ua-1", pdf_tags=True)
        if len(document.pages) == 1:
            break
    assert document is not None
    if len(document.pages) > 1:
        raise BriefTooLong(
            "The brief does not fit on one page even in small type. Shorten the program's "
            "statement of intent or its problem description, then make the brief again."
        )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


__all__ = [
    "FORMATS",
    "PAPERS",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "BriefFormat",
    "Paper",
    "brief_document",
    "brief_pdf",
    "check_format",
    "check_paper",
]
