"""/api/docs: Swagger UI for the JSON API, served from this server so it works offline.

Swagger UI comes from the npm registry (``swagger-ui-dist`` in package.json); scripts/setup
copies it into ``static/vendor/swagger-ui``. The page loads no inline script — the
initialiser is ``static/api-docs.js``, which reads the OpenAPI URL from the page — so it keeps to
a content security policy that allows scripts from this origin only. Without the assets the page
says how to install them and where the OpenAPI document is.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.web.templating import STATIC_DIR, templates

router = APIRouter(include_in_schema=False)

SWAGGER_DIR = STATIC_DIR / "vendor" / "swagger-ui"
OPENAPI_URL = "/api/openapi.json"


def swagger_installed() -> bool:
    return (SWAGGER_DIR / "swagger-ui-bundle.js").exists()


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return templates.TemplateResponse(
        request,
        "api_docs.html",
        {"openapi_url": OPENAPI_URL, "installed": swagger_installed()},
    )
