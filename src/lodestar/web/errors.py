"""Turn LodestarError into a page, an htmx fragment, or problem+json for /api."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match

from lodestar.errors import InvalidInput, LodestarError, NotFound, NotSignedIn
from lodestar.web.templating import is_htmx, render

PROBLEM = "application/problem+json"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def problem(request: Request, exc: LodestarError) -> JSONResponse:
    return JSONResponse(
        exc.as_problem(instance=request.url.path), status_code=exc.status, media_type=PROBLEM
    )


async def lodestar_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LodestarError)
    if wants_json(request):
        return problem(request, exc)
    if isinstance(exc, NotSignedIn):
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        nxt = request.url.path
        return RedirectResponse(f"/login?next={nxt}", status_code=303)
    template = "partials/error.html" if is_htmx(request) else "error.html"
    return render(request, template, {"error": exc}, status_code=exc.status)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path")),
            "message": e["msg"],
        }
        for e in exc.errors()
    ]
    fields = ", ".join(e["field"] or "request" for e in errors)
    err = InvalidInput(
        f"Some values could not be read ({fields}). Correct them and send the request again.",
        details={"errors": errors},
    )
    return await lodestar_error(request, err)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        err: LodestarError = NotFound(
            f"There is no page at {request.url.path}. Use the menu to find what you need."
        )
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
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
