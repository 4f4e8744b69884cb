"""The errors the xAPI endpoint answers with, with the status codes the specification names."""

from __future__ import annotations

from lodestar.errors import Conflict, LodestarError


class XapiBadRequest(LodestarError):
    """400: the request breaks the xAPI specification (a statement, a parameter, a header)."""

    code = "xapi-bad-request"
    status = 400
    title = "Bad xAPI request"


class XapiNotFound(LodestarError):
    code = "xapi-not-found"
    status = 404
    title = "Not found"


class DocumentConflict(Conflict):
    """409: a document exists and the request did not say which version it replaces."""

    code = "xapi-document-conflict"


class PreconditionFailed(LodestarError):
    """412: the document's ETag is not the one the request expected."""

    code = "xapi-precondition-failed"
    status = 412
    title = "Precondition failed"


class XapiForbidden(LodestarError):
    code = "xapi-forbidden"
    status = 403
    title = "Forbidden"
