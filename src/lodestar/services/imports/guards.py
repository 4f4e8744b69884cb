"""Limits a file meets before anything parses it: size, encoding, header line, and (for XLSX)
what the workbook expands to. Each refusal is one sentence saying what to do, and costs time
linear in the file (no check reads a file twice over, or all of an oversized one).

The limits are settings (``LODESTAR_IMPORTS__*``, see docs/settings.md).
"""

from __future__ import annotations

import io
import zipfile

from lodestar.config import ImportSettings, get_settings
from lodestar.services.imports.report import ImportReport, reject

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EXCEL_MAX_ROWS = 1_048_576  # a worksheet holds at most this many rows


def limits() -> ImportSettings:
    return get_settings().imports


def check_size(size: int, report: ImportReport) -> None:
    """Refuse a file larger than the upload limit."""
    cap = limits().max_upload_bytes
    if size > cap:
        raise reject(
            report,
            1,
            "(file)",
            "",
            f"{report.filename} is {size / 2**20:,.1f} MiB, more than the {cap / 2**20:,.0f} "
            "MiB an import may be. Split it into smaller files (each lands on its own), or ask "
            "an administrator to raise LODESTAR_IMPORTS__MAX_UPLOAD_MB.",
        )


def utf8_text(data: bytes, report: ImportReport) -> bytes:
    """The file as UTF-8 bytes without a byte-order mark.

    UTF-8 (with or without BOM) is taken as it is; UTF-16 with a BOM is converted (and the
    report says so). Anything else that is not valid UTF-8 is refused, naming the line and
    byte, rather than read with replacement characters.
    """
    if data.startswith(UTF8_BOM):
        data = data[3:]
    elif data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise reject(
                report,
                1,
                "(file)",
                "",
                f"{report.filename} starts like UTF-16 text but is not valid UTF-16. Save it "
                "again as CSV UTF-8 and import it again.",
            ) from None
        report.notes.append(f"{report.filename} was read as UTF-16 text.")
        return text.encode("utf-8")
    not_utf8(data, report)
    return data


def not_utf8(data: bytes, report: ImportReport) -> None:
    """Refuse ``data`` if it is not valid UTF-8, naming the first bad line and byte."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        guess = ""
        try:
            char = bytes([byte]).decode("cp1252")
            guess = (
                f", which is how Windows-1252 (Latin-1) writes “{char}”: the file is probably "
                "in that encoding"
            )
        except UnicodeDecodeError:
            pass
        raise reject(
            report,
            line,
            "(file)",
            "",
            f"{report.filename} is not UTF-8 text: line {line:,} has the byte 0x{byte:02X}"
            f"{guess}. Save the file as “CSV UTF-8” (in Excel: File › Save As) and import it "
            "again; nothing is guessed, so no name is silently mangled.",
        ) from None


def header_line(body: bytes, report: ImportReport, expected: str) -> bytes:
    """The first line of a text file, refused if it is longer than the header limit."""
    cap = limits().max_header_kb * 1024
    end = body.find(b"\n", 0, cap + 1)
    if end < 0 and len(body) > cap:
        raise reject(
            report,
            1,
            "(header)",
            body[:200].decode("utf-8", "replace"),
            f"The first line of {report.filename} is longer than {cap // 1024:,} KiB, so it "
            f"cannot be a header. The expected header is: {expected}. Check that the file has "
            "line breaks and is the right kind of file.",
        )
    return body[: end if end >= 0 else len(body)].rstrip(b"\r")


def check_row_count(rows: int, report: ImportReport) -> None:
    cap = limits().max_rows
    if rows > cap:
        raise reject(
            report,
            cap + 2,
            "(file)",
            "",
            f"{report.filename} has more than {cap:,} data rows, the most one import takes. "
            "Split it into smaller files (each lands on its own).",
        )


def check_workbook(data: bytes, report: ImportReport) -> None:
    """Refuse a workbook that would expand beyond the limits (a decompression bomb): read
    the zip directory only, before any part of it is unpacked."""
    settings = limits()
    cap = settings.xlsx_max_uncompressed_mb * 2**20
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise reject(
            report,
            1,
            "(file)",
            "",
            f"{report.filename} could not be read as an Excel workbook (it is not a valid "
            ".xlsx file). Save it as .xlsx, or export the sheet as CSV.",
        ) from None
    total = sum(m.file_size for m in members)
    worst = max(members, key=lambda m: m.file_size / max(m.compress_size, 1), default=None)
    ratio = worst.file_size / max(worst.compress_size, 1) if worst else 0
    if total > cap or (ratio > settings.xlsx_max_ratio and worst and worst.file_size > 2**20):
        raise reject(
            report,
            1,
            "(file)",
            "",
            f"{report.filename} would expand to {total / 2**20:,.0f} MiB when opened (part "
            f"“{worst.filename if worst else ''}” is compressed {ratio:,.0f} to 1), beyond what "
            f"an import reads ({cap / 2**20:,.0f} MiB, {settings.xlsx_max_ratio} to 1). Export "
            "the sheet as CSV and import that instead.",
        )
