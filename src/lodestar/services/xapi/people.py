"""Statements' actors matched to employees: by e-mail (mbox), by the SHA-1 of the mailbox
(mbox_sha1sum), or by the account name (the employee id, or an e-mail)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee

CHUNK = 2000
# Built once (an expanding parameter, not a list of literals coerced on every batch).
BY_EMAIL = select(Employee.id, func.lower(Employee.email)).where(
    # One expression, served by ix_employees_email_lower (the chunk is lower case).
    func.lower(Employee.email).in_(bindparam("chunk", expanding=True))
)
BY_EXTERNAL_ID = select(Employee.id, Employee.external_id).where(
    Employee.external_id.in_(bindparam("chunk", expanding=True))
)


def match_employees(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Set ``employee_id`` on each row (from ``actor_key``, ``_email`` and ``_account``)."""
    emails = {r["_email"] for r in rows if r.get("_email")}
    names = {r["_account"] for r in rows if r.get("_account")}
    shas = {r["actor_key"][5:] for r in rows if r["actor_key"].startswith("sha1:")}
    by_email: dict[str, int] = {}
    by_external: dict[str, int] = {}
    by_sha: dict[str, int] = {}
    if shas:
        # A hash cannot be looked up; hash every address once (few statements use it).
        for pid, email in session.execute(
            select(Employee.id, Employee.email).where(Employee.email.is_not(None))
        ):
            address = f"mailto:{str(email).lower()}".encode()
            by_sha[hashlib.sha1(address, usedforsecurity=False).hexdigest()] = pid
    wanted_emails = sorted(emails | {n.lower() for n in names if "@" in n})
    for i in range(0, len(wanted_emails), CHUNK):
        chunk = wanted_emails[i : i + CHUNK]
        for pid, email in session.execute(BY_EMAIL, {"chunk": chunk}):
            by_email[str(email)] = pid
    wanted_names = sorted(names)
    for i in range(0, len(wanted_names), CHUNK):
        chunk = wanted_names[i : i + CHUNK]
        for pid, external in session.execute(BY_EXTERNAL_ID, {"chunk": chunk}):
            by_external[str(external)] = pid
    for r in rows:
        key = r["actor_key"]
        if r.get("_email"):
            r["employee_id"] = by_email.get(r["_email"])
        elif key.startswith("sha1:"):
            r["employee_id"] = by_sha.get(key[5:].lower())
        elif r.get("_account"):
            name = r["_account"]
            r["employee_id"] = by_external.get(name, by_email.get(name.lower()))
        else:
            r["employee_id"] = None
