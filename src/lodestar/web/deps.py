"""Dependencies shared by routes: database session, signed-in account and actor, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services import accounts
from lodestar.services.skills.catalogue import require_catalogue_editor
from lodestar.web.security import verify_csrf
from lodestar.web.sessions import browser_session


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, and the one owner of its transaction.

    The route's work is committed when the route has built its response and before that
    response is sent (``scope="function"``), so a commit the database refuses becomes an error
    the client sees (problem+json for /api, an error page otherwise) instead of a "done" for a
    write that was never stored. An error escaping the route rolls everything back.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    else:
        session.commit()  # a refused commit raises NotSaved (db.session.SavingSession)
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db, scope="function")]


def client_address(request: Request) -> str:
    """The client's address (the proxy's X-Forwarded-For when the proxy is trusted: see
    ``LODESTAR_SECURITY__TRUSTED_PROXIES``)."""
    return request.client.host if request.client else "unknown"


def get_current_user(request: Request, db: SessionDep) -> accounts.Account:
    """The signed-in account: from a bearer API token, or from the browser's session."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        account = accounts.account_for_token(db, auth[7:].strip())
        request.state.token_auth = True
    else:
        account = accounts.account_for_session(
            db, browser_session(request).token, rules=request.app.state.settings.security
        )
    request.state.user = account  # for templates: a snapshot, never the ORM row
    return account


CurrentUser = Annotated[accounts.Account, Depends(get_current_user)]


async def csrf_protect(request: Request) -> None:
    if getattr(request.state, "token_auth", False):
        return
    await verify_csrf(request)


def get_actor(user: CurrentUser) -> Actor:
    return accounts.actor_of(user)


def get_checked_actor(
    request: Request, actor: Annotated[Actor, Depends(get_actor)], _: None = Depends(csrf_protect)
) -> Actor:
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]
# For unsafe methods: the actor, after the CSRF check (skipped for bearer-token API calls).
WritingActor = Annotated[Actor, Depends(get_checked_actor)]


def get_catalogue_editor(actor: WritingActor) -> Actor:
    """The actor, if they may change the skills catalogue and the forecast's inputs (the L&D
    team and administrators). A dependency, so that someone who may not is refused (403) before
    the route reads what they typed: a slip in a form they may not send is not theirs to fix."""
    require_catalogue_editor(actor)
    return actor


# For form posts that change the skills catalogue, profiles or the forecast's inputs.
CatalogueEditor = Annotated[Actor, Depends(get_catalogue_editor)]
