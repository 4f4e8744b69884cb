"""Read back what a PDF tells assistive technology: its tags, language, title and the
alternative text of its figures (through PDFium, the engine Chrome reads PDFs with), and its
PDF/UA-1 machine checks (through ``page``, an independent validator tested against veraPDF's
corpus)."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import page
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(frozen=True)
class Tagged:
    tagged: bool
    language: str
    title: str
    tags: tuple[str, ...]  # every structure element's type, in reading order
    figures: tuple[str, ...]  # the alternative text of each Figure ("" when it has none)


def _utf16(fn: Callable[..., int], *args: Any, ushort: bool = False) -> str:
    size = fn(*args, None, 0)
    if size <= 0:
        return ""
    wide: Any = ctypes.c_ushort * (size // 2 + 1)
    buf: Any = wide() if ushort else ctypes.create_string_buffer(size)
    fn(*args, buf, size)
    return bytes(buf)[:size].decode("utf-16-le").rstrip("\x00")


def _walk(element: Any) -> Iterator[tuple[str, str]]:
    yield (
        _utf16(pdfium_c.FPDF_StructElement_GetType, element),
        _utf16(pdfium_c.FPDF_StructElement_GetAltText, element),
    )
    for i in range(pdfium_c.FPDF_StructElement_CountChildren(element)):
        child = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i)
        if child:
            yield from _walk(child)


def read_tags(pdf: bytes) -> Tagged:
    doc = pdfium.PdfDocument(pdf)
    try:
        found: list[tuple[str, str]] = []
        for number in range(len(doc)):
            pdf_page = doc[number]  # held while its structure tree is read
            tree = pdfium_c.FPDF_StructTree_GetForPage(pdf_page.raw)
            try:
                for i in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
                    found.extend(_walk(pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i)))
            finally:
                pdfium_c.FPDF_StructTree_Close(tree)
                pdf_page.close()
        return Tagged(
            tagged=bool(pdfium_c.FPDFCatalog_IsTagged(doc.raw)),
            language=_utf16(pdfium_c.FPDFCatalog_GetLanguage, doc.raw, ushort=True),
            title=doc.get_metadata_dict().get("Title", ""),
            tags=tuple(kind for kind, _ in found),
            figures=tuple(alt for kind, alt in found if kind == "Figure"),
        )
    finally:
        doc.close()


def pdf_ua_failures(pdf: bytes) -> list[str]:
    """Each PDF/UA-1 rule the file breaks, as "RULE-ID: message" (empty when it passes)."""
    report = page.validate_pdf_bytes(pdf, profile=page.ValidationProfile.PDF_UA_1)
    return [f"{f.rule_id}: {f.message}" for f in report.failures]
