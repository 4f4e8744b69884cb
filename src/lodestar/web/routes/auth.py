"""Sign in and out; on a database the demo created, one-click sign-in as each demo persona."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from lodestar.errors import LodestarError, PermissionDenied, ServerBusy
from lodestar.services import accounts
from lodestar.web.deps import SessionDep, client_address
from lodestar.web.errors import with_retry_after
from lodestar.web.password_gate import PasswordGate
from lodestar.web.security import verify_csrf
from lodestar.web.sessions import browser_session, sign_in_browser
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(nxt: str | None) -> str:
    return nxt if nxt and nxt.startswith("/") and not nxt.startswith("//") else "/"


def _personas(request: Request, db: SessionDep) -> list[accounts.Account]:
    return accounts.demo_personas(db) if request.app.state.settings.demo else []


@router.get("/login")
def login_page(request: Request, db: SessionDep, next: str | None = None) -> Response:
    return render(
        request, "login.html", {"next": next, "personas": _personas(request, db), "error": None}
    )


@router.post("/login", dependencies=[Depends(verify_csrf)])
async def login(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """The password check runs through the app's PasswordGate: a few at a time, in a worker
    thread, so a crowd of guessers cannot slow anyone else's requests."""
    gate: PasswordGate = request.app.state.password_gate
    try:
        return await gate.run(lambda: _sign_in(request, db, email, password, next))
    except ServerBusy as busy:
        return _refused(request, busy, email, next)


def _sign_in(
    request: Request, db: SessionDep, email: str, password: str, next: str | None
) -> Response:
    result = accounts.sign_in(
        db,
        email,
        password,
        address=client_address(request),
        rules=request.app.state.settings.security,
    )
    if result.account is None:
        assert result.refusal is not None
        return _refused(request, result.refusal, email, next)
    sign_in_browser(request, db, result.account.id)
    return RedirectResponse(_safe_next(next), status_code=303)


def _refused(request: Request, refusal: LodestarError, email: str, next: str | None) -> Response:
    """The sign-in page again, with the sentence (and when to retry, if it says)."""
    response = render(
        request,
        "login.html",
        {"next": next, "personas": [], "error": refusal.message, "email": email},
        status_code=refusal.status,
    )
    return with_retry_after(response, refusal)


@router.post("/login/persona/{user_id}", dependencies=[Depends(verify_csrf)])
def login_as_persona(request: Request, db: SessionDep, user_id: int) -> Response:
    if not request.app.state.settings.demo:
        raise PermissionDenied(
            "One-click sign-in works only in demo mode. Sign in with your email and password."
        )
    persona = accounts.persona_for_sign_in(db, user_id)
    sign_in_browser(request, db, persona.id)
    return RedirectResponse("/", status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request, db: SessionDep) -> Response:
    session = browser_session(request)
    accounts.end_session(db, session.token)
    session.replace_token(accounts.new_session_token())
    session.pop("flash", None)
    return RedirectResponse("/login", status_code=303)
