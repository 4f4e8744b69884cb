"""What every page route that takes a form needs: the posted form as a dependency, and the
Post/Redirect/Get answer. One place, so route modules never import each other for it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse

from lodestar.web.deps import CurrentUser


async def posted_form(request: Request) -> FormData:
    """The posted form (Starlette caches it, so the CSRF check and the route share one parse)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def see_other(url: str) -> RedirectResponse:
    """303 after a successful POST, so reloading the next page does not post again."""
    return RedirectResponse(url, status_code=303)


def reload_returns_to(router: APIRouter, path: str, page: str) -> None:
    """Let ``path``, a URL that only takes a form's POST, also answer GET with a redirect to
    ``page``, the page that holds the form (``page`` may name ``path``'s parameters, e.g.
    ``"/requests/{request_id}#questions"``).

    A refused form is shown again on the POST's answer, with the message and what was typed,
    so the browser stays on ``path``; reloading it from the address bar, or coming back to it
    from history, then lands on the form's page instead of "Method Not Allowed". The page the
    redirect leads to decides who may see it; the redirect itself reveals nothing.
    """

    def back_to_the_form(request: Request, user: CurrentUser) -> RedirectResponse:
        return see_other(page.format(**request.path_params))

    router.add_api_route(path, back_to_the_form, methods=["GET"], include_in_schema=False)


def form_text(form: FormData, name: str) -> str:
    """A text field, trimmed; "" when it is missing or not text."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_number(form: FormData, name: str, errors: dict[str, str]) -> float | None:
    """A number field (thousands separators allowed); None when blank, a sentence in
    ``errors`` when it is not a number."""
    raw = form_text(form, name).replace(",", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = f"“{raw[:40]}” is not a number; write it with digits, for example 17.5."
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors[name] = f"“{raw[:40]}” is not an ordinary number; write it with digits."
        return None
    return value


def form_int(form: FormData, name: str) -> int | None:
    """A whole-number id from a select or hidden field; None when absent or not one."""
    raw = form_text(form, name)
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def form_date(form: FormData, name: str, errors: dict[str, str]) -> date | None:
    """A date field; None when blank, a sentence in ``errors`` when it is not a date."""
    raw = form_text(form, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"“{raw[:40]}” is not a date; use the date picker or YYYY-MM-DD."
        return None
