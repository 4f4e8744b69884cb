"""Dependencies shared by routes: database session, signed-in user and actor, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from lodestar.db.models import User
from lodestar.domain.roles import Actor
from lodestar.errors import NotSignedIn
from lodestar.services import accounts
from lodestar.web.security import verify_csrf


@dataclass(frozen=True)
class SignedInUser:
    id: int
    name: str
    email: str
    role: str
    department_id: int | None


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


def get_current_user(request: Request, db: SessionDep) -> User:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = accounts.user_for_token(db, auth[7:].strip())
        request.state.token_auth = True
    else:
        uid = request.session.get("uid")
        if uid is None:
            raise NotSignedIn("Sign in to continue.")
        user = accounts.active_user(db, int(uid))
    # Templates get a plain snapshot: the ORM row expires when an error rolls the session back.
    request.state.user = SignedInUser(user.id, user.name, user.email, user.role, user.department_id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


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
