"""What every page route that takes a form needs: the posted form as a dependency, and the
Post/Redirect/Get answer. One place, so route modules never import each other for it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse


async def posted_form(request: Request) -> FormData:
    """The posted form (Starlette caches it, so the CSRF check and the route share one parse)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def see_other(url: str) -> RedirectResponse:
    """303 after a successful POST, so reloading the next page does not post again."""
    return RedirectResponse(url, status_code=303)
