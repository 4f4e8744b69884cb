"""The start page: what needs the signed-in person's attention."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.services import briefs, intake, strategy
from lodestar.web.contexts import HomePage, MyHomePage
from lodestar.web.deps import CurrentActor, SessionDep
from lodestar.web.routes.leadership_pages import render_leadership
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/")
def home(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    """Executives land on the leadership view; employees and managers on their own work; the
    L&D team on what needs its attention."""
    if actor.role == "executive":
        return render_leadership(request, db, actor)
    mine = intake.list_requests(db, actor)
    priorities = strategy.list_priorities(db, actor)
    if actor.role in ("employee", "manager"):
        work = briefs.my_work(db, actor)
        own = MyHomePage(actor, work, mine[:10], len(mine), priorities)
        return render(request, "home_mine.html", own)
    page = HomePage(actor, requests=mine[:10], request_count=len(mine), priorities=priorities)
    return render(request, "home.html", page)
