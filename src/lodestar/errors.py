"""The one exception tree of Lodestar.

Every error has a stable ``code`` (used in problem+json ``type`` and in tests),
a full-sentence message that says what to do next, and the HTTP status the web
layer answers with. Domain and services raise these; adapters render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class LodestarError(Exception):
    """Base of every error Lodestar raises on purpose."""

    code: str = "lodestar-error"
    status: int = 400
    title: str = "Something went wrong"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def as_problem(self, instance: str | None = None) -> dict[str, Any]:
        """The RFC 9457 problem+json body for this error."""
        body: dict[str, Any] = {
            "type": f"https://lodestar.invalid/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        body.update(self.details)
        return body


class NotFound(LodestarError):
    code = "not-found"
    status = 404
    title = "Not found"


class PermissionDenied(LodestarError):
    code = "permission-denied"
    status = 403
    title = "Not allowed"


class NotSignedIn(LodestarError):
    code = "not-signed-in"
    status = 401
    title = "Sign-in required"


class InvalidInput(LodestarError):
    code = "invalid-input"
    status = 422
    title = "The input needs correcting"


@dataclass(frozen=True)
class MissingField:
    """One field a request still needs, and why it matters."""

    name: str
    label: str
    why: str
    extra: dict[str, str] = field(default_factory=dict)


class RequestIncomplete(LodestarError):
    """A training request was saved, but it cannot be submitted yet."""

    code = "request-incomplete"
    status = 422
    title = "The request needs more information"

    def __init__(
        self, message: str, *, missing: list[MissingField], request_id: int | None
    ) -> None:
        super().__init__(
            message,
            details={
                "request_id": request_id,
                "missing_fields": [
                    {"field": m.name, "label": m.label, "why": m.why} for m in missing
                ],
            },
        )
        self.missing = missing
        self.request_id = request_id


class IllegalTransition(LodestarError):
    code = "illegal-transition"
    status = 409
    title = "That step is not possible now"


class Conflict(LodestarError):
    code = "conflict"
    status = 409
    title = "Conflict"


class ConfigurationError(LodestarError):
    code = "configuration-error"
    status = 500
    title = "Lodestar is not configured correctly"


class DatabaseNotReady(LodestarError):
    code = "database-not-ready"
    status = 503
    title = "The database is not ready"


class NotSaved(LodestarError):
    """The database refused to store a request's changes when they were committed."""

    code = "not-saved"
    status = 503
    title = "The changes were not saved"


class DatabaseBusy(LodestarError):
    """No database connection, or no write lock, could be had in the configured wait
    (``LODESTAR_SERVER__DB_WAIT_SECONDS``): the server is saturated, nothing was changed."""

    code = "database-busy"
    status = 503
    title = "The server is busy"


class TooManyAttempts(LodestarError):
    code = "too-many-attempts"
    status = 429
    title = "Too many attempts"


class ServerBusy(LodestarError):
    """Too much of one kind of expensive work is running; the request can be sent again."""

    code = "busy"
    status = 503
    title = "Busy, try again shortly"
