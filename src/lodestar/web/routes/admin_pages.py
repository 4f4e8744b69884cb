"""/admin/accounts: the web counterpart of `lodestar users`, for administrators.

Every account with its role, department, whether it can sign in and when it last did; on one
account's page: deactivate or reactivate it, set a new password, set its department, list and
revoke its API tokens. The services decide who may (administrators only) and record each change
in the audit trail. Every action answers with a redirect back to the account's page and a
message (Post/Redirect/Get), so a reload never repeats it, and a typed password is never shown
again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, LodestarError
from lodestar.services import accounts
from lodestar.web.contexts import AdminAccountPage, AdminAccountsPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import reload_returns_to, see_other
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/admin/accounts/{user_id}"


@router.get("/admin/accounts")
def account_list(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    page = AdminAccountsPage(rows=accounts.accounts_overview(db, actor))
    return render(request, "admin/accounts.html", page)


@router.get("/admin/accounts/{user_id:int}")
def account_page(request: Request, db: SessionDep, actor: CurrentActor, user_id: int) -> Response:
    row = accounts.account_row(db, actor, user_id)
    page = AdminAccountPage(
        row=row,
        tokens=accounts.list_tokens(db, actor, user_id),
        departments=accounts.department_choices(db, actor),
        is_self=user_id == actor.user_id,
    )
    return render(request, "admin/account.html", page)


for action in ("deactivate", "reactivate", "password", "department"):
    reload_returns_to(router, f"/admin/accounts/{{user_id:int}}/{action}", PAGE)
reload_returns_to(router, "/admin/accounts/{user_id:int}/tokens/{token_id:int}/revoke", PAGE)


def _done(request: Request, db: SessionDep, user_id: int, change: Callable[[], str]) -> Response:
    """Run ``change`` (which returns the sentence to show) and go back to the account's page;
    a refusal is shown there instead, and nothing is changed."""
    try:
        flash(request, change(), "success")
    except LodestarError as exc:
        if exc.status >= 500 or exc.status == 403:
            raise
        db.rollback()
        flash(request, exc.message, "error")
    return see_other(PAGE.format(user_id=user_id))


def _email(db: SessionDep, actor: Actor, user_id: int) -> str:
    return accounts.account_row(db, actor, user_id).account.email


@router.post("/admin/accounts/{user_id:int}/deactivate")
def deactivate(request: Request, db: SessionDep, actor: WritingActor, user_id: int) -> Response:
    email = _email(db, actor, user_id)

    def change() -> str:
        accounts.deactivate_user(db, actor, email)
        return (
            f"{email} is deactivated: signed out everywhere and its API tokens revoked. "
            "Reactivating it lets it sign in again, with new sessions and tokens."
        )

    return _done(request, db, user_id, change)


@router.post("/admin/accounts/{user_id:int}/reactivate")
def reactivate(request: Request, db: SessionDep, actor: WritingActor, user_id: int) -> Response:
    email = _email(db, actor, user_id)

    def change() -> str:
        accounts.reactivate_user(db, actor, email)
        return f"{email} can sign in again."

    return _done(request, db, user_id, change)


@router.post("/admin/accounts/{user_id:int}/password")
def reset_password(
    request: Request,
    db: SessionDep,
    actor: WritingActor,
    user_id: int,
    new_password: Annotated[str, Form()] = "",
    repeat_password: Annotated[str, Form()] = "",
) -> Response:
    email = _email(db, actor, user_id)

    def change() -> str:
        accounts.check_repeated(new_password, repeat_password)
        accounts.reset_password(db, actor, email, new_password)
        return (
            f"The password of {email} is changed and they are signed out everywhere. Tell "
            "them the new password in person or by phone, not by email."
        )

    return _done(request, db, user_id, change)


@router.post("/admin/accounts/{user_id:int}/department")
def set_department(
    request: Request,
    db: SessionDep,
    actor: WritingActor,
    user_id: int,
    department_id: Annotated[str, Form()] = "",
) -> Response:
    email = _email(db, actor, user_id)

    def change() -> str:
        if not department_id.strip():
            raise InvalidInput("Choose a department from the list, then save.")
        account = accounts.set_department(db, actor, email, department_id)
        return f"{email} now belongs to {accounts.department_name(db, account.department_id)}."

    return _done(request, db, user_id, change)


@router.post("/admin/accounts/{user_id:int}/tokens/{token_id:int}/revoke")
def revoke_token(
    request: Request, db: SessionDep, actor: WritingActor, user_id: int, token_id: int
) -> Response:
    email = _email(db, actor, user_id)

    def change() -> str:
        info = accounts.revoke_token(db, actor, user_id, token_id)
        return f"The API token “{info.name}” of {email} is revoked: it no longer works."

    return _done(request, db, user_id, change)
