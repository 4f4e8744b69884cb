"""A brief as a web page fragment, a standalone HTML file and a one-page PDF.

The same Jinja templates (``reports/templates/brief/``) and stylesheet (``reports/static/
brief.css``) make the web page and the PDF; WeasyPrint lays the PDF out on A4 or US Letter and
writes it tagged (PDF/UA-1: a structure tree, the document title and language), so its text can
be extracted and read aloud. WeasyPrint is imported when a PDF is first made: pages that only
show a brief never load it.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
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
_MARGIN_MM = 10.0  # top and bottom of the page
_MM = 96 / 25.4  # CSS pixels per millimetre

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
    for_pdf: bool = False,
) -> str:
    """A standalone HTML document of one brief (``body`` names its template). As a file it
    carries its stylesheet, so it opens anywhere; ``for_pdf`` leaves the stylesheet out (the
    PDF maker holds it parsed) and places charts as images with their summary sentence as
    alternative text, which WeasyPrint parses once per chart and tags as the figure's text."""
    html = _env.get_template("brief/document.html").render(
        body=body,
        title=title,
        description=description,
        link_base=link_base.rstrip("/"),
        paper=paper,
        organisation=organisation,
        generated=f"{date.today():%-d %b %Y}",
        for_pdf=for_pdf,
        **context,
    )
    if not for_pdf:
        css = _stylesheet_text() + _page_css(paper)
        html = html.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    return html


@lru_cache(maxsize=1)
def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _page_css(paper: Paper) -> str:
    return (
        f"@page {{ size: {_PAGE[paper]}; margin: {_MARGIN_MM:g}mm 12mm; }}"
        "@media screen { body.brief-document { max-width: 190mm; margin: 2em auto; } }"
    )


# The type is set at the largest size and only made smaller when the brief overflows the page:
# a brief with long texts (a long statement of intent, several behaviours, many risks) is set a
# little smaller, never split.
LARGEST_PT = 8.0
SMALLEST_PT = 6.6


@dataclass(frozen=True)
class FittedPdf:
    """A one-page PDF and how it was made to fit."""

    content: bytes
    type_size_pt: float
    layouts: int  # how many times the page was laid out (1 unless the texts were long)


class _BoundedCache(dict[str, Any]):
    """WeasyPrint's image cache (parsed chart SVGs by their data URL), the oldest entry dropped
    past ``limit`` so a long-running server does not keep every chart it ever drew."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        while len(self) > self.limit:
            del self[next(iter(self))]


class _Renderer:
    """What one thread keeps between PDFs: the font configuration (Pango's loaded fonts and
    metrics), the parsed stylesheets per paper and type size, and the parsed chart images.
    Kept per thread because WeasyPrint's font and image objects are not shared safely between
    threads (the web server makes PDFs in a pool of them)."""

    def __init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.fonts = FontConfiguration()
        self.images = _BoundedCache(64)
        self._base = CSS(filename=str(STYLESHEET), font_config=self.fonts)
        self._sheets: dict[tuple[Paper, float], list[Any]] = {}

    def stylesheets(self, paper: Paper, size: float) -> list[Any]:
        from weasyprint import CSS

        key = (paper, size)
        if key not in self._sheets:
            fit = (
                _page_css(paper) + f".brief-document .brief {{ font-size: {size}pt; }}"
                f".brief-document .brief-chart {{ max-height: {size * 5.6:.1f}mm; }}"
            )
            self._sheets[key] = [self._base, CSS(string=fit, font_config=self.fonts)]
        return self._sheets[key]

    def layout(self, source: Any, paper: Paper, size: float) -> Any:
        return source.render(
            stylesheets=self.stylesheets(paper, size), font_config=self.fonts,
            cache=self.images, pdf_variant="pdf/ua-1", pdf_tags=True,
        )  # fmt: skip


_local = threading.local()


def _renderer() -> _Renderer:
    if not hasattr(_local, "renderer"):
        _local.renderer = _Renderer()
    renderer: _Renderer = _local.renderer
    return renderer


def _size_to_fit(document: Any, size: float) -> float:
    """The type size at which an overflowing brief should fit: the content's height (measured
    from the end marker ``#brief-end`` on the last page) shrinks about in proportion to the
    type, a little faster as lines take more words, so scaling by the overflow lands at or
    just under the size that fits."""
    pages = document.pages
    page_height = pages[0].height
    usable = page_height - 2 * _MARGIN_MM * _MM
    end = pages[-1].anchors.get("brief-end")
    last = (end[1] if end else page_height) - _MARGIN_MM * _MM
    needed = (len(pages) - 1) * usable + last
    return max(SMALLEST_PT, math.floor(10 * size * usable / needed) / 10)


def fit_pdf(html: str, *, paper: Paper = "a4") -> FittedPdf:
    """The brief as a tagged PDF (PDF/UA-1) on exactly one page of ``paper``: laid out once at
    the largest type; only if that overflows, once more at the size the overflow calls for
    (and, should that still overflow, once at the smallest)."""
    from weasyprint import HTML

    renderer = _renderer()
    source = HTML(string=html, base_url=str(STATIC_DIR))
    size, layouts = LARGEST_PT, 1
    document = renderer.layout(source, paper, size)
    while len(document.pages) > 1 and size > SMALLEST_PT:
        size = _size_to_fit(document, size) if layouts == 1 else SMALLEST_PT
        document = renderer.layout(source, paper, size)
        layouts += 1
    if len(document.pages) > 1:
        raise BriefTooLong(
            "The brief does not fit on one page even in small type. Shorten the program's "
            "statement of intent or its problem description, then make the brief again."
        )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return FittedPdf(bytes(pdf), size, layouts)


def brief_pdf(html: str, *, paper: Paper = "a4") -> bytes:
    """The brief as a tagged PDF (PDF/UA-1) on exactly one page of ``paper``."""
    return fit_pdf(html, paper=paper).content


__all__ = [
    "FORMATS",
    "PAPERS",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "BriefFormat",
    "BriefTooLong",
    "FittedPdf",
    "Paper",
    "brief_document",
    "brief_pdf",
    "check_format",
    "check_paper",
    "fit_pdf",
]
