"""The HRIS: employees (current state) and moves (the history of team and role changes).

Employees file: one row per person, keyed by ``employee_id`` (the HRIS id, stored as the
external id). Departments, teams and job roles named in the file are created when new
(departments matched by code or name, teams by name within their department, roles by
title). Managers are employee ids from the same file or already stored.

Moves file: ``employee_id, effective_date, team, department, job_role`` — one row per change
(keyed by employee and date) into ``employee_moves``; teams and roles must already exist.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lodestar.db.bulk import first_free_id, insert_frame, sync_id_sequence
from lodestar.db.models import Department, Employee, EmployeeMove, JobRole, Team
from lodestar.domain.roles import Actor
from lodestar.services.imports.common import (
    differs,
    employee_ids,
    int_key,
    require_importer,
    writing,
)
from lodestar.services.imports.report import ImportReport, Progress, no_progress
from lodestar.services.imports.row_checks import (
    Problems,
    is_empty,
    known_employees,
    parse_choice,
    parse_dates,
    require,
    too_long,
)
from lodestar.services.imports.tables import (
    Layout,
    read_rows,
)

EMPLOYEES = Layout(
    ("employee_id", "name", "department", "team", "hire_date"),
    ("email", "job_role", "manager_id", "exit_date", "exit_reason"),
)
MOVES = Layout(("employee_id", "effective_date"), ("team", "department", "job_role"))
EXIT_REASONS = ("voluntary", "involuntary", "retirement", "other")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
FIELDS = ["name", "email", "team_id", "job_role_id", "manager_id", "hire_date", "exit_date",
          "exit_reason"]  # fmt: skip


def import_employees(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update employees (and their departments, teams, roles); all or nothing."""
    require_importer(actor)
    report = ImportReport("employees", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, EMPLOYEES, report)
    p = Problems(rows, report)
    for name, label in (("employee_id", "employee id"), ("name", "name"),
                        ("department", "department"), ("team", "team")):  # fmt: skip
        require(p, name, label)
    too_long(p, {"employee_id": ("employee id", 64), "name": ("name", 160),
                 "email": ("email address", 200), "department": ("department", 120),
                 "team": ("team name", 120), "job_role": ("job role", 120),
                 "manager_id": ("manager id", 64)})  # fmt: skip
    hire = parse_dates(p, "hire_date", "hire date", required=True)
    exit_ = parse_dates(p, "exit_date", "exit date", required=False)
    reason = parse_choice(p, "exit_reason", "exit reason", EXIT_REASONS, default="")
    text = {c: np.asarray(rows.text(c).to_numpy(zero_copy_only=False), dtype=object)
            for c in EMPLOYEES.required + EMPLOYEES.optional}  # fmt: skip
    email = rows.text("email")
    bad_email = ~is_empty(email) & ~np.asarray(
        pc.match_substring_regex(email, EMAIL).to_numpy(zero_copy_only=False), dtype=bool
    )
    p.flag(bad_email, "email", email, lambda v: f"“{v}” is not an email address.")
    p.flag(
        (exit_ < hire).to_numpy(),
        "exit_date",
        rows.text("exit_date"),
        lambda v: f"The exit date {v} is before the hire date. Correct one of them.",
    )
    p.flag(
        (reason != "") & exit_.isna().to_numpy(),
        "exit_reason",
        rows.text("exit_reason"),
        "An exit reason is given without an exit date. Add the exit date or clear the reason.",
    )
    p.duplicates(
        pd.DataFrame({"e": text["employee_id"]}),
        "employee_id",
        rows.text("employee_id"),
        "the same employee id",
    )
    writing(session, report)
    stored = employee_ids(session)
    in_file = set(text["employee_id"].tolist())
    manager = text["manager_id"]
    p.flag(
        (manager != "") & np.array([m not in in_file and m not in stored for m in manager]),
        "manager_id",
        rows.text("manager_id"),
        lambda v: (
            f"The manager “{v}” is neither in this file nor already imported. Add the "
            "manager's own row, or correct the id."
        ),
    )
    p.flag(
        (manager != "") & (manager == text["employee_id"]),
        "manager_id",
        rows.text("manager_id"),
        "An employee cannot be their own manager.",
    )
    p.raise_if_any()

    team_id, role_id = _structure(session, text)
    new_ids = [e for e in text["employee_id"] if e not in stored]
    start = first_free_id(session, Employee)
    ids = {**stored, **{e: start + i for i, e in enumerate(new_ids)}}
    frame = pd.DataFrame(
        {
            "id": [ids[e] for e in text["employee_id"]],
            "external_id": text["employee_id"],
            "name": text["name"],
            "email": pd.Series(text["email"]).str.lower().replace("", None),
            "team_id": team_id,
            "job_role_id": pd.Series(role_id, dtype="Int64"),
            "manager_id": pd.Series([ids.get(m) for m in manager], dtype="Int64"),
            "hire_date": hire,
            "exit_date": exit_,
            "exit_reason": pd.Series(reason).replace("", None),
        }
    )
    is_new = np.array([e not in stored for e in text["employee_id"]])
    changed = _changed(session, frame.loc[~is_new])
    report.added, report.updated = int(is_new.sum()), len(changed)
    report.unchanged = int((~is_new).sum()) - len(changed)
    if not dry_run:
        insert_frame(session, Employee, frame.loc[is_new])
        sync_id_sequence(session, Employee)
        if changed:
            session.execute(update(Employee), changed)
    return report


def _structure(session: Session, text: dict[str, np.ndarray]) -> tuple[list[int], list[int | None]]:
    """Team and job-role ids for every row, creating departments, teams and roles as needed."""
    departments = list(session.scalars(select(Department)))
    by_key = {d.code.lower(): d for d in departments} | {d.name.lower(): d for d in departments}
    teams = {(t.department_id, t.name.lower()): t.id for t in session.scalars(select(Team))}
    roles = {r.title.lower(): r.id for r in session.scalars(select(JobRole))}
    codes = {d.code for d in departments}
    team_out: list[int] = []
    role_out: list[int | None] = []
    for dep_name, team_name, role in zip(
        text["department"], text["team"], text["job_role"], strict=True
    ):
        dep = by_key.get(dep_name.lower())
        if dep is None:
            code = _unique_code(dep_name, codes)
            dep = Department(code=code, name=dep_name)
            session.add(dep)
            session.flush()
            by_key[dep_name.lower()] = dep
        key = (dep.id, team_name.lower())
        if key not in teams:
            team = Team(name=team_name, department_id=dep.id)
            session.add(team)
            session.flush()
            teams[key] = team.id
        team_out.append(teams[key])
        if not role:
            role_out.append(None)
            continue
        if role.lower() not in roles:
            job = JobRole(title=role, department_id=dep.id)
            session.add(job)
            session.flush()
            roles[role.lower()] = job.id
        role_out.append(roles[role.lower()])
    return team_out, role_out


def _unique_code(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:36] or "department"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    taken.add(code)
    return code


def _changed(session: Session, frame: pd.DataFrame) -> list[dict[str, object]]:
    """Update rows (id + fields) for stored employees whose fields differ from the file."""
    if frame.empty:
        return []
    t = Employee
    stored = pd.DataFrame.from_records(
        session.execute(select(t.id, *(getattr(t, f) for f in FIELDS))).all(),
        columns=["id", *FIELDS],
    ).set_index("id")
    new = frame.set_index("id")[FIELDS]
    old = stored.reindex(new.index)
    for c in ("hire_date", "exit_date"):
        old[c] = pd.to_datetime(old[c])
    changed = np.zeros(len(new), dtype=bool)
    for c in FIELDS:
        changed |= differs(new[c], old[c])
    out = []
    for ident, row in new.loc[changed].iterrows():
        values: dict[str, object] = {"id": int(ident)}
        for c in FIELDS:
            v = row[c]
            if pd.isna(v):
                values[c] = None
            elif c in ("hire_date", "exit_date"):
                values[c] = pd.Timestamp(v).date()
            elif c in ("team_id", "job_role_id", "manager_id"):
                values[c] = int(v)
            else:
                values[c] = v
        out.append(values)
    return out


def import_moves(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Record team and role changes with their effective date; all or nothing."""
    require_importer(actor)
    report = ImportReport("moves", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, MOVES, report)
    p = Problems(rows, report)
    employee = known_employees(p, session)
    effective = parse_dates(p, "effective_date", "effective date", required=True)
    team_text = np.asarray(rows.text("team").to_numpy(zero_copy_only=False), dtype=object)
    dep_text = np.asarray(rows.text("department").to_numpy(zero_copy_only=False), dtype=object)
    role_text = np.asarray(rows.text("job_role").to_numpy(zero_copy_only=False), dtype=object)
    p.flag(
        (team_text == "") & (role_text == ""),
        "team",
        None,
        "The row gives neither a team nor a job role. A move changes at least one of them.",
    )
    deps = {d.id: (d.code.lower(), d.name.lower()) for d in session.scalars(select(Department))}
    teams = list(session.execute(select(Team.id, Team.name, Team.department_id)))
    roles = {r.title.lower(): r.id for r in session.scalars(select(JobRole))}
    team_ids: list[int | None] = []
    for i, (name, dep) in enumerate(zip(team_text, dep_text, strict=True)):
        if not name:
            team_ids.append(None)
            continue
        hits = [
            tid for tid, tname, did in teams
            if (tname.lower() == name.lower() or str(tid) == name)
            and (not dep or dep.lower() in deps.get(did, ()))
        ]  # fmt: skip
        team_ids.append(hits[0] if len(hits) == 1 else None)
        if len(hits) != 1:
            mask = np.zeros(len(rows), dtype=bool)
            mask[i] = True
            why = (
                f"Several teams are called “{name}”. Add the department column or use the "
                "team's id."
                if hits
                else f"No team “{name}” exists{' in ' + dep if dep else ''}. Import it with the "
                "employees file first, or correct the name."
            )
            p.flag(mask, "team", [name] * len(rows), why)
    role_ids = [roles.get(r.lower()) if r else None for r in role_text]
    p.flag(
        np.array([bool(r) and roles.get(r.lower()) is None for r in role_text]),
        "job_role",
        rows.text("job_role"),
        lambda v: f"No job role “{v}” exists. Import it with the employees file first.",
    )
    p.duplicates(
        pd.DataFrame({"e": int_key(employee), "d": effective}),
        "effective_date",
        rows.text("effective_date"),
        "the same employee and effective date",
    )
    p.raise_if_any()
    writing(session, report)
    frame = pd.DataFrame(
        {
            "employee_id": int_key(employee),
            "effective_date": effective,
            "team_id": pd.Series(team_ids, dtype="Int64"),
            "job_role_id": pd.Series(role_ids, dtype="Int64"),
        }
    )
    t = EmployeeMove
    people = sorted(set(frame["employee_id"].tolist()))
    query = select(t.id, t.employee_id, t.effective_date, t.team_id, t.job_role_id)
    stored = pd.DataFrame.from_records(
        session.execute(query.where(t.employee_id.in_(people))).all(),
        columns=["id", "employee_id", "effective_date", "old_team", "old_role"],
    )
    stored["effective_date"] = pd.to_datetime(stored["effective_date"])
    merged = frame.merge(stored, on=["employee_id", "effective_date"], how="left")
    new = merged["id"].isna().to_numpy()
    same = (
        ~new
        & (int_key(merged["team_id"]) == int_key(merged["old_team"]))
        & (int_key(merged["job_role_id"]) == int_key(merged["old_role"]))
    )
    report.added, report.unchanged = int(new.sum()), int(same.sum())
    report.updated = int((~new & ~same).sum())
    if not dry_run:
        insert_frame(session, EmployeeMove, frame.loc[new])
        updates = [
            {
                "id": int(r.id),
                "team_id": None if pd.isna(r.team_id) else int(r.team_id),
                "job_role_id": None if pd.isna(r.job_role_id) else int(r.job_role_id),
            }
            for r in merged.loc[~new & ~same].itertuples()
        ]
        if updates:
            session.execute(update(EmployeeMove), updates)
    return report
