"""The Statement resource as use cases: store what a source PUTs or POSTs, and read what it
GETs. The web adapter parses HTTP; everything xAPI decides happens here and in the modules
these call (validation, writer, reading, multipart)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from lodestar.services.xapi import json_text
from lodestar.services.xapi.credentials import Source
from lodestar.services.xapi.errors import XapiBadRequest, XapiNotFound
from lodestar.services.xapi.multipart import check_attachments, read_multipart
from lodestar.services.xapi.query import StatementQuery, parse_query
from lodestar.services.xapi.reading import (
    StatementPage,
    attachments_of,
    one_statement,
    statement_page,
)
from lodestar.services.xapi.values import StatementInvalid
from lodestar.services.xapi.writer import ValidStatement, checked_statement, write_statements


def store_statements(
    session: Session,
    source: Source,
    body: bytes,
    content_type: str,
    *,
    version: str,
    statement_id: str | None = None,
) -> list[str]:
    """Store the statement (PUT, ``statement_id`` given) or statements (POST) of a request
    body; returns their ids. Raises 400 for invalid input and 409 for an id clash."""
    media = content_type.split(";")[0].strip().lower()
    attachments: dict[str, tuple[str, bytes]] = {}
    if media == "multipart/mixed":
        body, attachments = read_multipart(body, content_type)
    elif media != "application/json":
        raise XapiBadRequest(
            "Send statements as application/json, or as multipart/mixed with attachments."
        )
    try:
        parsed: Any = json_text.parse(body)
    except (ValueError, UnicodeDecodeError):
        raise XapiBadRequest("The body is not valid JSON.") from None
    if statement_id is not None:
        if not isinstance(parsed, dict):
            raise XapiBadRequest("A PUT carries exactly one statement (a JSON object).")
        given = parsed.get("id")
        if given is not None and str(given).lower() != statement_id.lower():
            raise XapiBadRequest(
                "The statement's id differs from the statementId parameter; send the same id "
                "in both, or leave the id out of the statement."
            )
        parsed = {**parsed, "id": statement_id} if given is None else parsed
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items:
        raise XapiBadRequest("The request holds no statements.")
    checked: list[ValidStatement] = []
    for i, item in enumerate(items):
        try:
            checked.append(checked_statement(item, version=version))
        except StatementInvalid as exc:
            where = f"statement {i + 1}: " if len(items) > 1 else ""
            raise XapiBadRequest(f"{where}{exc}") from None
    ids = [s.id for s in checked]
    if len(set(ids)) < len(ids):
        raise XapiBadRequest(
            "The batch uses one statement id more than once; every statement of a batch "
            "needs its own id."
        )
    check_attachments([s.data for s in checked], attachments)
    outcome = write_statements(
        session,
        checked,
        authority=source.authority,
        source_id=source.id,
        default_version="2.0.0" if version.startswith("2.") else "1.0.0",
        attachments=attachments,
    )
    return outcome.ids


@dataclass(frozen=True)
class StatementAnswer:
    """What a GET on the Statement resource returns: a statement or a page of them, the
    attachments to send with it (when asked), and its last stored time."""

    document: dict[str, Any]
    attachments: list[tuple[str, str, bytes]]
    last_modified: datetime | None
    more: StatementQuery | None = None


def get_statements(
    session: Session,
    params: Mapping[str, str],
    *,
    language: str = "",
    query: StatementQuery | None = None,
) -> StatementAnswer:
    """A GET on the Statement resource (``query`` for a ``more`` link)."""
    q = query or parse_query(params)
    if q.statement_id or q.voided_statement_id:
        wanted = q.statement_id or q.voided_statement_id
        assert wanted is not None
        found = one_statement(
            session,
            wanted,
            voided=q.voided_statement_id is not None,
            fmt=q.format,
            language=language,
        )
        if found is None:
            raise XapiNotFound(
                f"No statement {wanted} is stored{' as voided' if q.voided_statement_id else ''}."
            )
        files = attachments_of(session, [found.data]) if q.attachments else []
        return StatementAnswer(found.data, files, found.stored)
    page: StatementPage = statement_page(session, q, language=language)
    files = attachments_of(session, page.statements) if q.attachments else []
    document = {"statements": page.statements, "more": ""}
    return StatementAnswer(document, files, page.last_stored, page.more)
