"""The start page: what needs the signed-in person's attention."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.services import intake, strategy
from lodestar.web.contexts import HomePage
from lodestar.web.deps import CurrentActor, SessionDep
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/")
def home(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    mine = intake.list_requests(db, actor)
    priorities = strategy.list_priorities(db, actor)
    page = HomePage(actor, requests=mine[:10], request_count=len(mine), priorities=priorities)
    return render(request, "home.html", page)
