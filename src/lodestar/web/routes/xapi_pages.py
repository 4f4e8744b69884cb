"""/admin/xapi: the web counterpart of `lodestar xapi credentials`, for administrators.

Every source's credential (name, key, made, revoked); a form to make one, whose answer shows
the secret this once (the page is not cached, and the secret is stored only as a hash); a
button to revoke one. The services decide who may (administrators only) and audit each change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from lodestar.errors import LodestarError
from lodestar.services.xapi import credentials
from lodestar.web.contexts import XapiCredentialsPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import reload_returns_to, see_other
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/admin/xapi"

reload_returns_to(router, "/admin/xapi/credentials", PAGE)
reload_returns_to(router, "/admin/xapi/credentials/{credential}/revoke", PAGE)


def _page(request: Request, db: SessionDep, actor: CurrentActor, **extra: object) -> Response:
    page = XapiCredentialsPage(
        rows=credentials.list_credentials(db, actor),
        endpoint=str(request.base_url).rstrip("/") + "/xapi/",
        new=extra.get("new"),  # type: ignore[arg-type]
        error=str(extra.get("error", "")),
        name=str(extra.get("name", "")),
    )
    return render(request, "admin/xapi.html", page, status_code=int(extra.get("status", 200)))  # type: ignore[call-overload]


@router.get(PAGE)
def credential_list(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return _page(request, db, actor)


@router.post("/admin/xapi/credentials")
def create(
    request: Request, db: SessionDep, actor: WritingActor, name: Annotated[str, Form()] = ""
) -> Response:
    try:
        made = credentials.create_credential(db, actor, name)
    except LodestarError as exc:
        if exc.status >= 500 or exc.status == 403:
            raise
        db.rollback()
        return _page(request, db, actor, error=exc.message, name=name, status=exc.status)
    return _page(request, db, actor, new=made)


@router.post("/admin/xapi/credentials/{credential}/revoke")
def revoke(request: Request, db: SessionDep, actor: WritingActor, credential: str) -> Response:
    done = credentials.revoke_credential(db, actor, credential)
    flash(
        request,
        f"The credential “{done.name}” is revoked: its key no longer works. "
        "What it sent stays stored.",
        "success",
    )
    return see_other(PAGE)
