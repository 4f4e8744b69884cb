"""Jinja2 environment with named-block rendering for htmx fragments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import Response

from lodestar.domain.intake import INTAKE_FIELDS, STAKEHOLDER_QUESTIONS
from lodestar.domain.numbers import change_unit, format_number
from lodestar.domain.options import label
from lodestar.reports.brief_pdf import TEMPLATES_DIR as REPORT_TEMPLATES_DIR
from lodestar.web.security import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# The reports' templates (the brief) are found too: the page and the PDF share them.
templates = Jinja2Blocks(directory=[str(TEMPLATES_DIR), str(REPORT_TEMPLATES_DIR)])
templates.env.globals.update(
    label=label,
    intake_fields=INTAKE_FIELDS,
    stakeholder_questions=STAKEHOLDER_QUESTIONS,
)
templates.env.filters["label"] = label


templates.env.filters["number"] = format_number  # the one formatter: {{ x | number(2) }}
# A change in a KPI in "%" is in percentage points: {{ kpi.unit | change_unit }}.
templates.env.filters["change_unit"] = change_unit


def has_htmx() -> bool:
    return (STATIC_DIR / "vendor" / "htmx.min.js").exists()


def render(
    request: Request,
    name: str,
    context: object | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """Render a page, or only ``block`` of it (for htmx requests). ``context`` is the page's
    typed context (a dataclass from :mod:`lodestar.web.contexts`, its fields passed to the
    template by name) or, for a page with a field or two, a mapping."""
    ctx: dict[str, Any] = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "settings": request.app.state.settings,
        "csrf_token": csrf_token(request),
        "flash": request.session.pop("flash", None),
        "htmx_available": has_htmx(),
    }
    if is_dataclass(context) and not isinstance(context, type):
        ctx.update((f.name, getattr(context, f.name)) for f in fields(context))
    elif isinstance(context, Mapping):
        ctx.update(context)
    if block is not None:
        return templates.TemplateResponse(
            request, name, ctx, status_code=status_code, block_name=block
        )
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
