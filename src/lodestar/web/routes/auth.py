"""Sign in and out; in demo mode, one-click sign-in as each demo persona."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from lodestar.db.models import User
from lodestar.errors import NotSignedIn, PermissionDenied
from lodestar.services import accounts
from lodestar.web.deps import SessionDep
from lodestar.web.security import verify_csrf
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(nxt: str | None) -> str:
    return nxt if nxt and nxt.startswith("/") and not nxt.startswith("//") else "/"


def _sign_in(request: Request, user: User, nxt: str | None) -> Response:
    csrf = request.session.get("csrf")
    request.session.clear()
    request.session["uid"] = user.id
    if csrf:
        request.session["csrf"] = csrf
    return RedirectResponse(_safe_next(nxt), status_code=303)


@router.get("/login")
def login_page(request: Request, db: SessionDep, next: str | None = None) -> Response:
    personas = []
    if request.app.state.settings.demo:
        personas = list(db.scalars(select(User).where(User.is_active).order_by(User.id)))
    return render(request, "login.html", {"next": next, "personas": personas, "error": None})


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        user = accounts.authenticate(db, email, password)
    except NotSignedIn as exc:
        return render(
            request,
            "login.html",
            {"next": next, "personas": [], "error": exc.message, "email": email},
            status_code=401,
        )
    return _sign_in(request, user, next)


@router.post("/login/persona/{user_id}", dependencies=[Depends(verify_csrf)])
def login_as_persona(request: Request, db: SessionDep, user_id: int) -> Response:
    if not request.app.state.settings.demo:
        raise PermissionDenied(
            "One-click sign-in works only in demo mode. Sign in with your email and password."
        )
    user = accounts.active_user(db, user_id)
    return _sign_in(request, user, "/")


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
