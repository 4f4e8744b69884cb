"""JSON API for privacy (administrators only): the audit trail (JSON and CSV), a person's
export (JSON, or CSV files in a ZIP), erasure, and retention (``GET`` counts, ``POST``
applies). A person is named by HR number, email or ``#id``. Errors are problem+json.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from lodestar.services import privacy
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES
from lodestar.web.routes.privacy_pages import download

router = APIRouter(prefix="/api/privacy", tags=["privacy"], responses=PROBLEM_RESPONSES)


class AuditEventRead(BaseModel):
    id: int
    at: datetime
    actor: str = Field(description="The acting account's email; 'system' when none.")
    action: str
    object_type: str
    object_id: int | None
    person: str = Field(description="Whom the data is about: name (HR number), if one person.")
    person_id: int | None
    path: str = Field(description="Request method and path, or the CLI command.")
    address: str = Field(description="The client's network address, when over the web.")
    detail: str


class AuditPageRead(BaseModel):
    events: list[AuditEventRead]
    total: int
    page: int
    pages: int


class ErasureCreate(BaseModel):
    confirm: str = Field(max_length=200, description="The person's HR number, to confirm.")
    delete_facts: bool = Field(
        False, description="Also delete their KPI values, statements, observations, enrolments."
    )


class ErasureRead(BaseModel):
    person_id: int
    pseudonym: str
    delete_facts: bool
    already: bool
    changed: dict[str, int]
    summary: str


class RetentionStepRead(BaseModel):
    rule: str
    setting: str
    limit: str
    count: int


class RetentionRead(BaseModel):
    dry_run: bool
    steps: list[RetentionStepRead]
    summary: str


def _filters(
    actor: str,
    action: str,
    object_type: str,
    person: str,
    since: date | None,
    until: date | None,
    page: int = 1,
) -> privacy.AuditFilters:
    return privacy.AuditFilters(
        actor=actor,
        action=action,
        object_type=object_type,
        person=person,
        since=since,
        until=until,
        page=page,
    )


@router.get("/audit", response_model=AuditPageRead)
def audit_trail(
    db: SessionDep,
    who: CurrentActor,
    actor: str = Query("", max_length=200, description="The acting account's email, or part."),
    action: str = Query("", max_length=60, description="An action or its start ('person.')."),
    object_type: str = Query("", max_length=40),
    person: str = Query("", max_length=200, description="HR number, email or #id."),
    since: date | None = None,
    until: date | None = None,
    page: int = Query(1, ge=1, le=100_000),
) -> AuditPageRead:
    """Audit events, newest first, 100 a page."""
    found = privacy.audit_page(
        db, who, _filters(actor, action, object_type, person, since, until, page)
    )
    return AuditPageRead(
        events=[AuditEventRead.model_validate(r, from_attributes=True) for r in found.rows],
        total=found.total,
        page=found.page,
        pages=found.pages,
    )


@router.get("/audit.csv", response_class=Response)
def audit_trail_csv(
    db: SessionDep,
    who: CurrentActor,
    actor: str = Query("", max_length=200),
    action: str = Query("", max_length=60),
    object_type: str = Query("", max_length=40),
    person: str = Query("", max_length=200),
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """Every matching audit event as CSV (cells that would start a formula are quoted)."""
    filters = _filters(actor, action, object_type, person, since, until)
    return download(privacy.audit_csv(db, who, filters), "audit.csv")


@router.get("/people/{person}/export")
def person_export(db: SessionDep, actor: CurrentActor, person: str) -> dict[str, Any]:
    """Everything held about one person, by section (person, moves, enrolments, ...)."""
    return json.loads(privacy.person_export(db, actor, person).as_json())  # type: ignore[no-any-return]


@router.get("/people/{person}/export.zip", response_class=Response)
def person_export_zip(db: SessionDep, actor: CurrentActor, person: str) -> Response:
    """The same export as one CSV file per section, with the JSON, in a ZIP."""
    export = privacy.person_export(db, actor, person)
    return download(export.as_zip(), f"person-{export.person_id}.zip")


@router.post("/people/{person}/erase", response_model=ErasureRead)
def erase(db: SessionDep, actor: WritingActor, person: str, data: ErasureCreate) -> ErasureRead:
    """Pseudonymise the person everywhere (see docs/privacy.md); ``confirm`` repeats the HR
    number. Erasing someone already pseudonymised changes nothing and says so."""
    outcome = privacy.erase_person(
        db, actor, person, confirm=data.confirm, delete_facts=data.delete_facts
    )
    return ErasureRead(
        person_id=outcome.person_id,
        pseudonym=outcome.pseudonym,
        delete_facts=outcome.delete_facts,
        already=outcome.already,
        changed=outcome.changed,
        summary=outcome.summary(),
    )


def _retention(outcome: privacy.RetentionOutcome) -> RetentionRead:
    return RetentionRead(
        dry_run=outcome.dry_run,
        steps=[RetentionStepRead.model_validate(s, from_attributes=True) for s in outcome.steps],
        summary=outcome.summary(),
    )


@router.get("/retention", response_model=RetentionRead)
def retention_counts(db: SessionDep, actor: CurrentActor) -> RetentionRead:
    """What applying the retention rules would do now (nothing is changed)."""
    return _retention(privacy.apply_retention(db, actor, dry_run=True))


@router.post("/retention", response_model=RetentionRead)
def retention_apply(db: SessionDep, actor: WritingActor) -> RetentionRead:
    """Apply the retention rules from the settings."""
    return _retention(privacy.apply_retention(db, actor, dry_run=False))
