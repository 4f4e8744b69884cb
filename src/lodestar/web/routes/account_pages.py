"""/account: the signed-in person's own account, API tokens and password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services import accounts
from lodestar.services.strategy import read_form
from lodestar.web.deps import CurrentActor, CurrentUser, SessionDep, WritingActor
from lodestar.web.forms import reload_returns_to
from lodestar.web.password_gate import PasswordGate
from lodestar.web.sessions import sign_in_browser
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class AccountPage:
    """What account.html receives."""

    account: accounts.Account
    department: str | None
    tokens: list[accounts.TokenInfo]
    default_days: int = accounts.DEFAULT_TOKEN_DAYS
    max_days: int = accounts.MAX_TOKEN_DAYS
    new_token: accounts.NewToken | None = None
    token_error: str | None = None
    password_error: str | None = None
    token_name: str = ""


def _page(
    request: Request,
    db: SessionDep,
    user: accounts.Account,
    actor: Actor,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    page = AccountPage(
        account=user,
        department=accounts.department_name(db, user.department_id),
        tokens=accounts.list_tokens(db, actor, user.id),
        **extra,
    )
    return render(request, "account.html", page, status_code=status_code)


@router.get("/account")
def account_page(
    request: Request, db: SessionDep, user: CurrentUser, actor: CurrentActor
) -> Response:
    return _page(request, db, user, actor)


# A new token and a refused form are answered on the POST's URL; a reload from there (or from
# the password form's) goes back to the account page. The new token is not shown again.
reload_returns_to(router, "/account/tokens", "/account#tokens")
reload_returns_to(router, "/account/password", "/account#password")


@router.post("/account/tokens")
def create_token(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    actor: WritingActor,
    name: Annotated[str, Form()] = "",
    expires_in_days: Annotated[str, Form()] = "",
) -> Response:
    """The new token is shown on this answer once (not after a redirect: it is stored nowhere)."""
    try:
        data = read_form(accounts.TokenInput, {"name": name, "expires_in_days": expires_in_days})
        new = accounts.create_token(db, actor, user.id, data)
    except InvalidInput as exc:
        db.rollback()
        return _page(
            request, db, user, actor, status_code=422, token_error=exc.message, token_name=name
        )
    return _page(request, db, user, actor, new_token=new)


@router.post("/account/tokens/{token_id:int}/revoke")
def revoke_token(
    request: Request, db: SessionDep, user: CurrentUser, actor: WritingActor, token_id: int
) -> Response:
    info = accounts.revoke_token(db, actor, user.id, token_id)
    flash(request, f"The token “{info.name}” is revoked: it no longer works.", "success")
    return RedirectResponse("/account#tokens", status_code=303)


@router.post("/account/password")
async def change_password(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    actor: WritingActor,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    repeat_password: Annotated[str, Form()] = "",
) -> Response:
    """A new password ends every session of the account; this browser gets a new one. The
    check of the current password and the new hash go through the PasswordGate."""

    def change() -> Response:
        try:
            accounts.check_repeated(new_password, repeat_password)
            accounts.change_own_password(db, actor, current_password, new_password)
        except InvalidInput as exc:
            db.rollback()
            return _page(request, db, user, actor, status_code=422, password_error=exc.message)
        sign_in_browser(request, db, user.id)
        flash(
            request,
            "Your password is changed. Every other browser signed in as you has been signed out.",
            "success",
        )
        return RedirectResponse("/account", status_code=303)

    gate: PasswordGate = request.app.state.password_gate
    return await gate.run(change)
