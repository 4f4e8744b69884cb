"""The xAPI resources as handlers: each takes the session, the source and the request, calls
one service and returns the response. They run in a worker thread (``app``), which commits
before the response leaves."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

from sqlalchemy.orm import Session
from starlette.responses import Response

from lodestar.db.base import utcnow
from lodestar.services.xapi import documents as docs
from lodestar.services.xapi.agents import activity_object, person_of
from lodestar.services.xapi.credentials import Source
from lodestar.services.xapi.document_params import document_request
from lodestar.services.xapi.errors import XapiBadRequest, XapiNotFound
from lodestar.services.xapi.multipart import build_multipart
from lodestar.services.xapi.query import from_token
from lodestar.services.xapi.reading import iso
from lodestar.services.xapi.statements import StatementAnswer, get_statements, store_statements
from lodestar.web.xapi.protocol import XapiRequest, xapi_response

Handler = Callable[[Session, Source, XapiRequest], Response]
CONSISTENT = "X-Experience-API-Consistent-Through"


def statements(session: Session, source: Source, req: XapiRequest) -> Response:
    if req.method == "PUT":
        statement_id = req.params.get("statementId")
        if statement_id is None or set(req.params) != {"statementId"}:
            raise XapiBadRequest(
                "A PUT to /statements needs the statementId parameter (and no other)."
            )
        store_statements(
            session,
            source,
            req.body,
            req.content_type,
            version=req.version,
            statement_id=statement_id,
        )
        return xapi_response(204, version=req.version)
    if req.method == "POST":
        if req.params:
            raise XapiBadRequest("A POST to /statements takes no parameters.")
        ids = store_statements(session, source, req.body, req.content_type, version=req.version)
        return xapi_response(200, ids, version=req.version)
    answer = get_statements(session, req.params, language=req.headers.get("accept-language", ""))
    return _statement_answer(answer, req)


def more_statements(token: str) -> Handler:
    def handler(session: Session, source: Source, req: XapiRequest) -> Response:
        if req.params:
            raise XapiBadRequest("A more link takes no parameters.")
        answer = get_statements(
            session, {}, query=from_token(token), language=req.headers.get("accept-language", "")
        )
        return _statement_answer(answer, req)

    return handler


def _statement_answer(answer: StatementAnswer, req: XapiRequest) -> Response:
    document = answer.document
    if answer.more is not None:
        document = {**document, "more": f"{req.prefix}/statements/more/{answer.more.token()}"}
    headers = {CONSISTENT: iso(utcnow())}
    if answer.last_modified is not None:
        headers["Last-Modified"] = http_date(answer.last_modified)
    body = json.dumps(document).encode()
    if answer.attachments or "attachments=true" in req.extra.get("query", ""):
        body, media = build_multipart(body, answer.attachments)
        return xapi_response(200, body, version=req.version, media_type=media, headers=headers)
    return xapi_response(200, body, version=req.version, headers=headers)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def about(session: Session, source: Source, req: XapiRequest) -> Response:
    return xapi_response(
        200,
        {"version": ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"], "extensions": {}},
        version=req.version,
    )


def agents(session: Session, source: Source, req: XapiRequest) -> Response:
    _only(req, {"agent"})
    return xapi_response(200, person_of(req.params.get("agent")), version=req.version)


def activities(session: Session, source: Source, req: XapiRequest) -> Response:
    _only(req, {"activityId"})
    return xapi_response(
        200, activity_object(session, req.params.get("activityId")), version=req.version
    )


def _only(req: XapiRequest, allowed: set[str]) -> None:
    extra = sorted(set(req.params) - allowed)
    if extra:
        raise XapiBadRequest(f"This resource has no parameter {extra[0]}.")


def documents(kind: docs.Kind) -> Handler:
    def handler(session: Session, source: Source, req: XapiRequest) -> Response:
        d = document_request(kind, req.params, req.method)
        pre = docs.Preconditions(req.headers.get("if-match"), req.headers.get("if-none-match"))
        content_type = req.content_type or "application/octet-stream"
        if req.method in ("GET", "HEAD"):
            if d.document_id is None:
                ids = docs.document_ids(session, d.scope, d.since)
                return xapi_response(200, ids, version=req.version)
            found = docs.get_document(session, d.scope, d.document_id)
            if found is None:
                raise XapiNotFound("No document is stored under this id.")
            headers = {
                "ETag": f'"{found.etag}"',
                "Last-Modified": http_date(found.updated_at),
            }
            return xapi_response(
                200,
                found.content,
                version=req.version,
                media_type=found.content_type,
                headers=headers,
            )
        if req.method in ("PUT", "POST"):
            assert d.document_id is not None
            put = req.method == "PUT"
            docs.write_document(
                session,
                d.scope,
                d.document_id,
                content_type,
                req.body,
                pre,
                merge=not put,
                strict=put and (req.two or kind != "state"),
                strict_new=put and not req.two and kind != "state",
            )
        elif d.document_id is None:
            docs.delete_documents(session, d.scope)
        else:
            docs.delete_document(session, d.scope, d.document_id, pre)
        return xapi_response(204, version=req.version)

    return handler
