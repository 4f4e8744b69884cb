"""The document resources: State (per activity, agent and optional registration), Activity
Profile and Agent Profile. A document is any content with its content type; JSON objects can
be merged by POST. ETags (SHA-1 of the content, in quotes) give optimistic concurrency:
If-Match must name the current version, If-None-Match: * requires there be none, and a PUT
that says neither over an existing document is refused (409) where the version asks for it
(profiles always, State from xAPI 2.0 on).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import XapiDocument
from lodestar.services.xapi.errors import DocumentConflict, PreconditionFailed, XapiBadRequest

Kind = Literal["state", "activity_profile", "agent_profile"]
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Scope:
    """Where documents live: a State's activity, agent and registration; a profile's
    activity or agent."""

    kind: Kind
    activity: str = ""
    agent: str = ""
    registration: str = ""

    @property
    def hash(self) -> str:
        return _digest(self.kind, self.activity, self.agent, self.registration)

    def key(self, document_id: str) -> str:
        return _digest(self.kind, self.activity, self.agent, self.registration, document_id)


@dataclass(frozen=True)
class Document:
    document_id: str
    content_type: str
    content: bytes
    etag: str
    updated_at: datetime


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None = None
    if_none_match: str | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def get_document(session: Session, scope: Scope, document_id: str) -> Document | None:
    row = session.scalar(
        select(XapiDocument).where(XapiDocument.key_hash == scope.key(document_id))
    )
    if row is None:
        return None
    return Document(row.document_id, row.content_type, row.content, row.etag, row.updated_at)


def document_ids(session: Session, scope: Scope, since: datetime | None) -> list[str]:
    stmt = select(XapiDocument.document_id).where(
        XapiDocument.kind == scope.kind, XapiDocument.scope_hash == scope.hash
    )
    if since is not None:
        stmt = stmt.where(XapiDocument.updated_at > since)
    return list(session.scalars(stmt.order_by(XapiDocument.id)))


def _check(
    current: Document | None,
    pre: Preconditions,
    *,
    put: bool,
    strict: bool,
    strict_new: bool = False,
) -> None:
    if pre.if_match is not None:
        tags = {t.strip() for t in pre.if_match.split(",")}
        if current is None or not (
            "*" in tags or f'"{current.etag}"' in tags or current.etag in tags
        ):
            raise PreconditionFailed(
                "The document has changed since you read it (its ETag is not the one in "
                "If-Match). Read it again and send your change against the new version."
            )
    if pre.if_none_match is not None and current is not None:
        tags = {t.strip() for t in pre.if_none_match.split(",")}
        if "*" in tags or f'"{current.etag}"' in tags:
            raise PreconditionFailed(
                "A document exists already and If-None-Match asked that none did. Read it and "
                "send your change with If-Match instead."
            )
    unguarded = put and strict and pre.if_match is None and pre.if_none_match is None
    if unguarded and current is None and strict_new:
        raise XapiBadRequest(
            "Send If-None-Match: * to create this document (or If-Match with the ETag of the "
            "version you replace), so no one else's change is overwritten."
        )
    if unguarded and current is not None:
        raise DocumentConflict(
            "This document exists already. Send If-Match with the ETag you read (or "
            "If-None-Match: * to create only) so no one else's change is overwritten."
        )


def write_document(
    session: Session,
    scope: Scope,
    document_id: str,
    content_type: str,
    content: bytes,
    pre: Preconditions,
    *,
    merge: bool,
    strict: bool = False,
    strict_new: bool = False,
) -> None:
    """PUT (``merge`` false): create or replace a document. ``strict``: a PUT over an existing
    document must say which version it replaces (409 otherwise); ``strict_new``: even a new
    one must say so (400), as xAPI 1.0.3 asks of profiles.

    POST (``merge``): create a document, or merge a JSON object into the stored JSON object."""
    current = get_document(session, scope, document_id)
    if not merge:
        _check(current, pre, put=True, strict=strict, strict_new=strict_new)
        _save(session, scope, document_id, content_type, content, exists=current is not None)
        return
    _check(current, pre, put=False, strict=False)
    if current is not None:
        old, new = (
            _json_object(current.content, current.content_type),
            _json_object(content, content_type),
        )
        if old is None or new is None:
            raise XapiBadRequest(
                "POST merges JSON objects: both the stored document and the one sent must be "
                "JSON objects with Content-Type application/json. Use PUT to replace it."
            )
        content = json.dumps({**old, **new}).encode()
        content_type = JSON_TYPE
    elif (
        content_type.split(";")[0].strip() == JSON_TYPE
        and _json_object(content, content_type) is None
    ):
        raise XapiBadRequest("A document POSTed as application/json must be a JSON object.")
    _save(session, scope, document_id, content_type, content, exists=current is not None)


def delete_document(session: Session, scope: Scope, document_id: str, pre: Preconditions) -> None:
    current = get_document(session, scope, document_id)
    _check(current, pre, put=False, strict=False)
    if current is not None:
        session.execute(delete(XapiDocument).where(XapiDocument.key_hash == scope.key(document_id)))


def delete_documents(session: Session, scope: Scope) -> None:
    """Every document of the scope (the State resource without a stateId)."""
    session.execute(
        delete(XapiDocument).where(
            XapiDocument.kind == scope.kind, XapiDocument.scope_hash == scope.hash
        )
    )


def _json_object(content: bytes, content_type: str) -> dict[str, Any] | None:
    if content_type.split(";")[0].strip() != JSON_TYPE:
        return None
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _save(
    session: Session,
    scope: Scope,
    document_id: str,
    content_type: str,
    content: bytes,
    *,
    exists: bool,
) -> None:
    etag = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    key = scope.key(document_id)
    if exists:
        row = session.scalar(select(XapiDocument).where(XapiDocument.key_hash == key))
        assert row is not None
        row.content, row.content_type, row.etag, row.updated_at = (
            content,
            content_type,
            etag,
            utcnow(),
        )
    else:
        session.add(
            XapiDocument(
                key_hash=key,
                scope_hash=scope.hash,
                kind=scope.kind,
                document_id=document_id,
                content_type=content_type,
                content=content,
                etag=etag,
                updated_at=utcnow(),
            )
        )
    session.flush()
