"""Retention rules and the audit trail's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lodestar.config import PrivacySettings
from lodestar.db.models import AuditEvent, Employee, LearningStatement
from lodestar.errors import PermissionDenied
from lodestar.services import audit
from lodestar.services.privacy import AuditFilters, apply_retention, audit_page, erase_person


def _count(db, *where) -> int:  # type: ignore[no-untyped-def]
    return int(db.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0)


def test_an_audit_event_rolls_back_with_the_change_it_records(db, actors):
    person = db.scalars(select(Employee).order_by(Employee.id)).first()
    name, before = person.name, _count(db)
    savepoint = db.begin_nested()
    erase_person(db, actors["admin"], person.external_id, confirm=person.external_id)
    db.flush()
    assert _count(db, AuditEvent.action == "person.erase") == 1
    savepoint.rollback()
    db.expire_all()
    assert db.get(Employee, person.id).name == name and _count(db) == before


def test_retention_deletes_old_events_drops_old_raw_json_and_pseudonymises_leavers(db, actors):
    admin = actors["admin"]
    today = date(2026, 12, 5)
    old = datetime(2023, 1, 1, tzinfo=UTC)
    audit.record(db, admin, "test.old", "thing", 1)
    db.flush()
    db.execute(AuditEvent.__table__.update().where(AuditEvent.action == "test.old").values(at=old))
    raw = json.dumps({"actor": {"mbox": "mailto:x@example.com"}})
    for when in (old, datetime(2026, 11, 1, tzinfo=UTC)):
        db.add(
            LearningStatement(
                statement_id=str(uuid.uuid4()), version="1.0.3", actor_key="mbox:x@example.com",
                verb_id="v", object_id="o", timestamp=when, raw=raw,
            )
        )  # fmt: skip
    leaver = db.scalars(
        select(Employee).where(Employee.exit_date < today - timedelta(days=400))
    ).first()
    assert leaver is not None
    rules = PrivacySettings(
        audit_retention_days=365,
        raw_statement_retention_days=365,
        pseudonymise_leavers_after_years=1,
    )
    with pytest.raises(PermissionDenied):
        apply_retention(db, actors["ld"], settings=rules, today=today)
    dry = apply_retention(db, admin, settings=rules, today=today)
    assert [s.count > 0 for s in dry.steps] == [True, True, True]
    assert _count(db, AuditEvent.action == "test.old") == 1  # nothing changed by a dry run
    done = apply_retention(db, admin, dry_run=False, settings=rules, today=today)
    assert [s.count for s in done.steps] == [s.count for s in dry.steps]
    assert _count(db, AuditEvent.action == "test.old") == 0
    kept = db.scalars(
        select(LearningStatement.raw).where(LearningStatement.actor_key == "mbox:x@example.com")
    ).all()
    assert sorted(kept) == ["", raw]  # the old one's raw JSON dropped, the recent one kept
    assert db.get(Employee, leaver.id).external_id.startswith("erased-")
    assert (
        _count(db, AuditEvent.action == "person.retention", AuditEvent.person_id == leaver.id) == 1
    )
    assert _count(db, AuditEvent.action == "retention.apply") == 1
    off = apply_retention(db, admin, settings=PrivacySettings(audit_retention_days=0), today=today)
    assert all(s.limit == "off" for s in off.steps)


def test_only_admins_read_the_trail_and_filters_work(db, actors):
    with pytest.raises(PermissionDenied, match="administrators only"):
        audit_page(db, actors["ld"], AuditFilters())
    person = db.scalars(select(Employee).order_by(Employee.id)).first()
    audit.viewed(db, actors["ld"], "employee", person.id, person_id=person.id)
    db.commit()  # a view is recorded with the transaction's commit
    page = audit_page(db, actors["admin"], AuditFilters(person=person.external_id))
    assert page.total >= 1 and all(r.person_id == person.id for r in page.rows)
    assert page.rows[0].action == "employee.view" and person.external_id in page.rows[0].person
    none = audit_page(
        db, actors["admin"], AuditFilters(since=date(2000, 1, 1), until=date(2000, 1, 2))
    )
    assert none.total == 0
