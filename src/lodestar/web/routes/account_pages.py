"""/account: the signed-in person's own account, API tokens, password, and working calendar
(their own, and a manager's direct reports': the days and clock their nudges follow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, LodestarError
from lodestar.services import accounts, nudges
from lodestar.services.strategy import read_form
from lodestar.web.deps import CurrentActor, CurrentUser, SessionDep, WritingActor
from lodestar.web.forms import FormDep, form_text, reload_returns_to
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
    # The working calendar nudges follow: None when the account is not linked to an employee.
    work_pattern: nudges.WorkPatternView | None = None
    team: tuple[nudges.WorkPatternView, ...] = ()  # a manager's direct reports
    time_zones: tuple[str, ...] = ()
    pattern_error: str | None = None
    team_error: str | None = None
    typed_pattern: tuple[str, str] | None = None  # a refused change: zone and days as typed


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
        work_pattern=nudges.own_work_pattern(db, actor),
        team=nudges.team_work_patterns(db, actor),
        time_zones=nudges.time_zone_names(),
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
reload_returns_to(router, "/account/work-pattern", "/account#work-pattern")
reload_returns_to(router, "/account/work-pattern/clear", "/account#work-pattern")
reload_returns_to(router, "/account/team-work-pattern", "/account#team")


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


def pattern_form(form: FormData) -> tuple[str, str]:
    """The time zone and the ticked working days of a working-calendar form."""
    days = [d for d in form.getlist("working_days") if isinstance(d, str)]
    return form_text(form, "time_zone"), ",".join(days)


@router.post("/account/work-pattern")
def set_own_pattern(
    request: Request, db: SessionDep, user: CurrentUser, actor: WritingActor, form: FormDep
) -> Response:
    zone, days = pattern_form(form)
    mine = nudges.own_work_pattern(db, actor)
    try:
        if mine is None:
            raise InvalidInput("Your account is not linked to an employee record; ask an admin.")
        nudges.set_work_pattern(db, actor, mine.external_id, zone, days)
    except LodestarError as exc:
        db.rollback()
        return _page(
            request, db, user, actor, status_code=exc.status, pattern_error=exc.message,
            typed_pattern=(zone, days),
        )  # fmt: skip
    db.commit()
    flash(request, f"Your nudges now follow {zone}, on {days.replace(',', ', ')}.", "success")
    return RedirectResponse("/account#work-pattern", status_code=303)


@router.post("/account/work-pattern/clear")
def clear_own_pattern(
    request: Request, db: SessionDep, user: CurrentUser, actor: WritingActor
) -> Response:
    mine = nudges.own_work_pattern(db, actor)
    if mine is not None:
        back = nudges.clear_work_pattern(db, actor, mine.external_id)
        db.commit()
        flash(
            request,
            f"Your nudges follow the defaults again: {back.time_zone}, "
            f"{back.working_days.replace(',', ', ')}.",
            "success",
        )
    return RedirectResponse("/account#work-pattern", status_code=303)


@router.post("/account/team-work-pattern")
def set_team_pattern(
    request: Request, db: SessionDep, user: CurrentUser, actor: WritingActor, form: FormDep
) -> Response:
    """A manager sets a direct report's calendar (the service checks that they are one)."""
    zone, days = pattern_form(form)
    person = form_text(form, "employee")
    try:
        nudges.set_work_pattern(db, actor, person, zone, days)
    except LodestarError as exc:
        db.rollback()
        return _page(request, db, user, actor, status_code=exc.status, team_error=exc.message)
    db.commit()
    name = nudges.work_pattern(db, actor, person).name
    flash(request, f"{name}'s nudges now follow {zone}, on {days.replace(',', ', ')}.", "success")
    return RedirectResponse("/account#team", status_code=303)
