"""Privacy, for administrators: find a person, see and export what is held about them,
erase them (two steps), read and export the audit trail, and apply retention.

Every decision is the services' (``services.privacy``): a non-administrator gets 403.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from lodestar.errors import InvalidInput
from lodestar.services import privacy
from lodestar.web.contexts import (
    AuditTrailPage,
    ErasurePage,
    PrivacyHomePage,
    PrivacyPersonPage,
)
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, reload_returns_to, see_other
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"“{value}” is not a date. Use the form YYYY-MM-DD, for example 2026-01-31."
        ) from None


def audit_filters(request: Request) -> privacy.AuditFilters:
    """The audit filters from the query string (shared by the page and its CSV)."""
    q = request.query_params
    try:
        return privacy.AuditFilters(
            actor=q.get("actor", ""),
            action=q.get("action", ""),
            object_type=q.get("object_type", ""),
            person=q.get("person", ""),
            since=_date(q.get("since")),
            until=_date(q.get("until")),
            page=int(q["page"]) if q.get("page", "").isdigit() else 1,
        )
    except ValidationError:
        raise InvalidInput("The page number is out of range. Go back to the first page.") from None


def download(content: str | bytes, filename: str) -> Response:
    """A file to save: CSV, JSON or ZIP by the name's ending."""
    media = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "zip": "application/zip",
    }[filename.rsplit(".", 1)[-1]]
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/privacy")
def privacy_home(request: Request, db: SessionDep, actor: CurrentActor, q: str = "") -> Response:
    privacy.require_admin(actor, "The privacy page")
    page = PrivacyHomePage(
        q=q,
        people=privacy.search_people(db, actor, q) if q.strip() else [],
        retention=privacy.apply_retention(db, actor, dry_run=True),
    )
    return render(request, "privacy/home.html", page)


@router.post("/privacy/retention")
def apply_retention(request: Request, db: SessionDep, actor: WritingActor) -> Response:
    outcome = privacy.apply_retention(db, actor, dry_run=False)
    flash(request, "Retention applied. " + outcome.summary(), "success")
    return see_other("/privacy")


@router.get("/privacy/people/{employee_id:int}")
def person_page(
    request: Request, db: SessionDep, actor: CurrentActor, employee_id: int
) -> Response:
    held = privacy.person_export(db, actor, f"#{employee_id}", purpose="view")
    person = privacy.find_person(db, f"#{employee_id}")
    page = PrivacyPersonPage(
        person=person, held=held.counts(), erased=privacy.is_pseudonymised(person)
    )
    return render(request, "privacy/person.html", page)


@router.get("/privacy/people/{employee_id:int}/export.json")
def person_json(db: SessionDep, actor: CurrentActor, employee_id: int) -> Response:
    export = privacy.person_export(db, actor, f"#{employee_id}")
    return download(export.as_json(), f"person-{employee_id}.json")


@router.get("/privacy/people/{employee_id:int}/export.zip")
def person_zip(db: SessionDep, actor: CurrentActor, employee_id: int) -> Response:
    export = privacy.person_export(db, actor, f"#{employee_id}")
    return download(export.as_zip(), f"person-{employee_id}.zip")


# Both erasure steps answer on their POST's URL; a reload starts again from the person's page.
reload_returns_to(
    router, "/privacy/people/{employee_id:int}/erase", "/privacy/people/{employee_id}"
)
reload_returns_to(
    router, "/privacy/people/{employee_id:int}/erase/confirm", "/privacy/people/{employee_id}"
)


@router.post("/privacy/people/{employee_id:int}/erase")
def erase_step_one(
    request: Request, db: SessionDep, actor: WritingActor, employee_id: int, form: FormDep
) -> Response:
    """First step: say what erasure does and ask for the HR number to confirm."""
    privacy.require_admin(actor, "Erasing a person")
    person = privacy.find_person(db, f"#{employee_id}")
    page = ErasurePage(person=person, delete_facts=form.get("delete_facts") == "on")
    return render(request, "privacy/erase.html", page)


@router.post("/privacy/people/{employee_id:int}/erase/confirm")
def erase_step_two(
    request: Request, db: SessionDep, actor: WritingActor, employee_id: int, form: FormDep
) -> Response:
    delete_facts = form.get("delete_facts") == "on"
    try:
        outcome = privacy.erase_person(
            db,
            actor,
            f"#{employee_id}",
            confirm=str(form.get("confirm") or ""),
            delete_facts=delete_facts,
        )
    except InvalidInput as exc:
        db.rollback()
        person = privacy.find_person(db, f"#{employee_id}")
        page = ErasurePage(person=person, delete_facts=delete_facts, error=exc.message)
        return render(request, "privacy/erase.html", page, status_code=exc.status)
    flash(request, outcome.summary(), "success")
    return see_other(f"/privacy/people/{employee_id}")


@router.get("/privacy/audit")
def audit_trail(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    filters = audit_filters(request)
    page = privacy.audit_page(db, actor, filters)
    chosen = filters.model_dump(exclude={"page"}, exclude_defaults=True)
    query = urlencode(chosen)
    trail = AuditTrailPage(page=page, query=query, filters_query=f"{query}&" if query else "")
    return render(request, "privacy/audit.html", trail)


@router.get("/privacy/audit.csv")
def audit_trail_csv(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return download(privacy.audit_csv(db, actor, audit_filters(request)), "audit.csv")
