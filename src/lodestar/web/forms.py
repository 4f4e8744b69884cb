"""What every page route that takes a form needs: the posted form as a dependency, the
Post/Redirect/Get answer, the fields read into values with a sentence per unreadable one, the
one shape of a form POST (:func:`handle_form`), and GET answers for URLs forms post to
(:func:`form_urls_answer_get`). One place, so route modules never import each other for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from lodestar.errors import InvalidInput, LodestarError
from lodestar.web.deps import CurrentActor, SessionDep
from lodestar.web.templating import flash


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
    ``"/requests/{request_id}#questions"``). The page the redirect leads to decides who may
    see it; the redirect itself reveals nothing. See :func:`form_urls_answer_get`."""
    form_urls_answer_get(router, {path: page})


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


class FieldErrors(dict[str, str]):
    """Field → sentence for values a form sent that cannot be read (not a number, not a date)."""

    def raise_if_any(self) -> None:
        """Refuse the form, every unreadable field at once, before any service is called."""
        if self:
            raise InvalidInput(" ".join(self.values()), details={"fields": dict(self)})


def handle_form(
    request: Request,
    db: Session,
    act: Callable[[FieldErrors], str],
    *,
    refused: Callable[[LodestarError], Response],
    done: str | Callable[[], str],
) -> Response:
    """The shape of a form POST. ``act`` reads the form (noting unreadable fields in the
    ``FieldErrors`` it is given, then ``raise_if_any``), calls the service and returns the
    sentence to flash. Then the work is committed and the browser sent to ``done`` (a URL, or a
    function giving it once ``act`` has run, for a record just created): Post/Redirect/Get.
    A refusal rolls everything back and answers ``refused(exc)``: the page again, with the
    message and what was typed."""
    errors = FieldErrors()
    try:
        message = act(errors)
    except LodestarError as exc:
        db.rollback()
        return refused(exc)
    db.commit()
    flash(request, message, "success")
    return see_other(done if isinstance(done, str) else done())


def form_urls_answer_get(
    router: APIRouter,
    pages: Mapping[str, str],
    may_read: Callable[..., Any] | None = None,
) -> None:
    """Let each URL a form posts to (a key of ``pages``) answer GET too, by sending the browser
    to the page the form is on (the value, filled with the URL's parameters).

    A refused form is shown at the URL it posted to; opening that URL again (from the address
    bar or the history) would otherwise meet "Method Not Allowed". ``may_read(db, actor,
    **params)``, when given, refuses those who may not read the page, as the page itself would;
    without it any signed-in person is sent on and the page decides.
    """

    def redirect_to(page: str) -> Callable[..., Response]:
        def back(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
            if may_read is not None:
                may_read(db, actor, **request.path_params)
            return see_other(page.format(**request.path_params))

        return back

    for path, page in pages.items():
        router.add_api_route(path, redirect_to(page), methods=["GET"], include_in_schema=False)


__all__ = [
    "FieldErrors",
    "FormDep",
    "form_date",
    "form_int",
    "form_number",
    "form_text",
    "form_urls_answer_get",
    "handle_form",
    "posted_form",
    "reload_returns_to",
    "see_other",
]
