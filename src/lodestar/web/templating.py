"""Jinja2 environment with named-block rendering for htmx fragments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import HTMLResponse

from lodestar.domain.intake import INTAKE_FIELDS, STAKEHOLDER_QUESTIONS
from lodestar.domain.numbers import format_number
from lodestar.domain.options import label
from lodestar.web.security import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    label=label,
    intake_fields=INTAKE_FIELDS,
    stakeholder_questions=STAKEHOLDER_QUESTIONS,
)
templates.env.filters["label"] = label


templates.env.filters["number"] = format_number  # the one formatter: {{ x | number(2) }}


def has_htmx() -> bool:
    return (STATIC_DIR / "vendor" / "htmx.min.js").exists()


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """Render a page, or only ``block`` of it (for htmx requests)."""
    ctx: dict[str, Any] = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "settings": request.app.state.settings,
        "csrf_token": csrf_token(request),
        "flash": request.session.pop("flash", None),
        "htmx_available": has_htmx(),
    }
    ctx.update(context or {})
    if block is not None:
        return templates.TemplateResponse(
            request, name, ctx, status_code=status_code, block_name=block
        )
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
