"""Turn LodestarError into a page, an htmx fragment, or problem+json for /api.

``PROBLEM_RESPONSES`` declares those problem+json answers in the OpenAPI document; every API
router passes it as its ``responses=`` default, so each operation documents them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match

from lodestar.db.session import busy_error
from lodestar.errors import InvalidInput, LodestarError, NotFound, NotSignedIn
from lodestar.web.templating import is_htmx, render

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, as a sentence that says what to do next."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = Field(description="A URI naming the kind of problem; ends in `code`.")
    title: str = Field(description="A short, fixed summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong and what to do next, in full sentences.")
    code: str = Field(description="A stable code, e.g. not-found, invalid-input.")
    instance: str | None = Field(None, description="The path that was requested.")
    errors: list[dict[str, str]] | None = Field(
        None, description="For unreadable input: each `field` and its `message`."
    )


# One shared schema: ``install`` adds it to the document's components.
PROBLEM_CONTENT = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_PROBLEM_STATUSES: dict[int | str, str] = {
    401: "Not signed in: sign in, or send an API token as `Authorization: Bearer <token>`.",
    403: "Signed in, but your role may not do this (or the CSRF token is missing).",
    404: "Nothing with that id exists, or you may not see it.",
    409: "The change conflicts with the current state, e.g. a workflow step not possible now.",
    422: "The input needs correcting: `detail` names each value, `errors` lists them.",
    "4XX": "Any other client error, in the same problem+json shape.",
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": PROBLEM_CONTENT}
    for status, text in _PROBLEM_STATUSES.items()
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def problem(request: Request, exc: LodestarError) -> Response:
    response = JSONResponse(
        exc.as_problem(instance=request.url.path), status_code=exc.status, media_type=PROBLEM
    )
    return with_retry_after(response, exc)


async def lodestar_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LodestarError)
    response = await _error_response(request, exc)
    if exc.status == 503:  # busy or not ready: worth trying again soon, and the client is told
        response.headers["Retry-After"] = str(request.app.state.settings.server.retry_after_seconds)
    return response


async def _error_response(request: Request, exc: LodestarError) -> Response:
    if wants_json(request):
        return problem(request, exc)
    if isinstance(exc, NotSignedIn):
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        nxt = request.url.path
        return RedirectResponse(f"/login?next={nxt}", status_code=303)
    template = "partials/error.html" if is_htmx(request) else "error.html"
    return with_retry_after(render(request, template, {"error": exc}, status_code=exc.status), exc)


def with_retry_after(response: Response, exc: LodestarError) -> Response:
    """``response``, with a Retry-After header when ``exc`` says when to try again."""
    seconds = exc.details.get("retry_after_seconds")
    if seconds is not None:
        response.headers["Retry-After"] = str(seconds)
    return response


def _message(error: Any) -> str:
    # Our own checks raise ValueError with a full sentence; pydantic prefixes it.
    return str(error["msg"]).removeprefix("Value error, ")


def unreadable(errors: Sequence[Any], verb: str = "read") -> InvalidInput:
    """One InvalidInput naming every value pydantic refused, and why, in one sentence."""
    listed = [
        {
            "field": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path")),
            "message": _message(e),
        }
        for e in errors
    ]
    reasons = "; ".join(f"{e['field'] or 'request'}: {e['message'].rstrip('.')}" for e in listed)
    return InvalidInput(
        f"Some values could not be {verb} ({reasons}). Correct them and send them again.",
        details={"errors": listed},
    )


async def database_wait(request: Request, exc: Exception) -> Response:
    """A pooled connection or a lock not had in time: 503 with Retry-After and a sentence."""
    busy = busy_error(exc)
    if busy is None:
        raise exc  # any other database error stays a server error
    return await lodestar_error(request, busy)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return await lodestar_error(request, unreadable(exc.errors()))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        err: LodestarError = NotFound(
            f"There is no page at {request.url.path}. Use the menu to find what you need."
        )
    elif exc.status_code == 405:
        allowed = ", ".join(allowed_methods(request))
        err = LodestarError(
            f"{request.url.path} does not accept {request.method} requests"
            + (f"; it accepts {allowed}." if allowed else ".")
        )
        err.status = 405
    else:
        err = LodestarError(str(exc.detail))
        err.status = exc.status_code
    response = await lodestar_error(request, err)
    for name, value in (exc.headers or {}).items():
        response.headers.setdefault(name, value)
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this path (the router names only the first route's,
    and a page's GET and POST are separate routes)."""
    from lodestar.web.routes import ROUTERS

    methods: set[str] = set()
    for route in (r for router in ROUTERS for r in router.routes):
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LodestarError, lodestar_error)
    app.add_exception_handler(PoolTimeout, database_wait)
    app.add_exception_handler(OperationalError, database_wait)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    document_problems(app)


def document_problems(app: FastAPI) -> None:
    """Add the ``Problem`` schema that ``PROBLEM_RESPONSES`` refers to to the OpenAPI document
    (FastAPI only collects the models routes return)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema()
        return app.openapi_schema or document

    app.openapi = openapi  # type: ignore[method-assign]
