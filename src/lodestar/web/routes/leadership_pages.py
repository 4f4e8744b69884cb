"""The leadership view (``/leadership``): priorities → KPIs → programs → results, filtered by
department and period, drilling down to one priority (``?priority=``) and from each program to
its brief and stored result. Executives land on it from the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from lodestar.domain.roles import Actor
from lodestar.reports.leadership_view import leadership_pictures
from lodestar.services import briefs
from lodestar.web.contexts import LeadershipPage
from lodestar.web.deps import CurrentActor, SessionDep
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)


def render_leadership(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    department: int | None = None,
    period: str = "all",
    priority: int | None = None,
) -> Response:
    view = briefs.leadership_view(
        db, actor, department_id=department, period=period, priority_id=priority
    )
    charts, results = leadership_pictures(view)
    page = LeadershipPage(view=view, periods=briefs.PERIODS, charts=charts, results=results)
    return render(request, "leadership.html", page)


@router.get("/leadership")
def leadership(
    request: Request, db: SessionDep, actor: CurrentActor,
    department: str = "", period: str = "all", priority: int | None = None,
) -> Response:  # fmt: skip
    dept = int(department) if department.isdigit() and int(department) < 2**31 else None
    return render_leadership(request, db, actor, department=dept, period=period or "all",
                             priority=priority)  # fmt: skip
