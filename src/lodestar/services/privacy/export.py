"""Subject access: everything Lodestar holds about one person, as JSON and as CSV files.

The export gathers, for one employee: the HRIS record and team/role moves, program
enrolments and satisfaction answers, xAPI statements (the raw JSON as received and the parsed
fields), KPI observations whose subject is the person (and which KPIs' values are read from an
external source instead, so are not held here), behaviour observations, the nudges
about them or sent to them with their answers, nudge opt-outs and work pattern, the sign-in
account linked to them (without its password or token hashes), the training requests that
account raised with their history and stakeholder answers, their skill assessments (every
source, with the quiz attempt a quiz level came from), their quiz attempts (answers and
scores, whether taken under their employee record or their account), their learning plan and
the steps they completed, their badges (with the signed credential as issued, and any
revocation), the planned moves of them between job titles, and the audit trail about them and
of what their account did. Administrators only; each export is itself audited.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import (
    AuditEvent,
    BadgeAchievement,
    BadgeAward,
    BehaviourObservation,
    Employee,
    EmployeeMove,
    EnrolmentSatisfaction,
    Kpi,
    LearningPath,
    LearningPlanItem,
    LearningStatement,
    NudgeDelivery,
    NudgeOptOut,
    PlannedMove,
    Program,
    ProgramEnrolment,
    QuizAttempt,
    QuizDefinition,
    RequestTransition,
    Skill,
    SkillAssessment,
    StakeholderAnswer,
    StepCompletion,
    TrainingRequest,
    User,
    WorkPattern,
)
from lodestar.domain.csv_export import csv_text
from lodestar.domain.roles import Actor
from lodestar.services import audit
from lodestar.services.impact.source_views import person_value_sources
from lodestar.services.privacy.people import find_person, require_admin

# Never exported: secrets, not data about the person.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})


@dataclass(frozen=True)
class PersonExport:
    """Every table's rows about one person: ``sections`` maps a name to its rows."""

    person_id: int
    external_id: str
    sections: dict[str, list[dict[str, Any]]]

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.sections.items()}

    def as_json(self) -> str:
        return json.dumps(
            {"person_id": self.person_id, "external_id": self.external_id, **self.sections},
            default=_plain,
            ensure_ascii=False,
            indent=2,
        )

    def as_zip(self) -> bytes:
        """One CSV per section (spreadsheet-safe cells) and the whole export as JSON."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("export.json", self.as_json())
            for name, rows in self.sections.items():
                zf.writestr(f"{name}.csv", rows_csv(rows))
        return out.getvalue()


def rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    header = list(rows[0]) if rows else []
    return csv_text(header, ([_cell(r[h]) for h in header] for r in rows))


def _cell(value: Any) -> object:
    if isinstance(value, dict | list):
        return json.dumps(value, default=_plain, ensure_ascii=False)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _rows(session: Session, model: type, *where: Any, order: Any = None) -> list[dict[str, Any]]:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    cols = [c for c in table.columns if c.name not in SECRET_COLUMNS]
    stmt = select(*cols).where(*where).order_by(order if order is not None else cols[0])
    return [dict(r._mapping) for r in session.execute(stmt)]


def _name(
    session: Session, rows: list[dict[str, Any]], key: str, name: str, lookup: tuple[Any, Any]
) -> None:
    """Give each of ``rows`` a last column ``name``: the name (a code, a title) of what its
    ``key`` column refers to, read from the ``lookup`` columns (id, name); "" when nothing
    stored has that id."""
    if rows:
        names: dict[Any, Any] = dict(session.execute(select(*lookup)).all())
        for row in rows:
            row[name] = names.get(row[key], "")


def _observations(session: Session, pid: int, kpis: dict[int, str]) -> list[dict[str, Any]]:
    """The person's KPI values, by period, as the rows of an export."""
    found = kpi_store.observations(session, employee_id=pid)
    found = found.sort_values(["period", "kpi_id"], kind="stable")
    return [
        {
            "kpi_id": int(row.kpi_id),
            "employee_id": pid,
            "team_id": None,
            "period": row.period,
            "value": float(row.value),
            "weight": int(row.weight),
            "kpi_code": kpis.get(int(row.kpi_id), ""),
        }
        for row in found.itertuples(index=False)
    ]


def _held_elsewhere(session: Session) -> list[dict[str, Any]]:
    """The employee-level KPIs whose values Lodestar reads from an external source: the
    person's values there are not held in Lodestar's database, so they are not in the export."""
    return [
        {
            "kpi_code": code,
            "source": source,
            "note": (
                f"The values of '{code}' are read from the {source} when an analysis runs and "
                "are not held in Lodestar, so this person's values there are not in this "
                "export; ask whoever keeps that source for them."
            ),
        }
        for code, source in person_value_sources(session)
    ]


def person_export(
    session: Session, actor: Actor, ref: str | int, *, purpose: str = "export"
) -> PersonExport:
    """Everything held about the person ``ref`` names (HR number, email or id); audited as
    ``person.<purpose>`` (``view`` when only shown on a page)."""
    require_admin(actor, "Exporting a person's data")
    person = find_person(session, ref)
    pid = person.id
    statements = _rows(
        session,
        LearningStatement,
        LearningStatement.employee_id == pid,
        order=LearningStatement.timestamp,
    )
    for row in statements:
        row["raw_json"] = _parsed(row.pop("raw"))
    kpis = dict(session.execute(select(Kpi.id, Kpi.code)).all())
    observations = _observations(session, pid, kpis)
    enrolments = _rows(session, ProgramEnrolment, ProgramEnrolment.employee_id == pid)
    _name(session, enrolments, "program_id", "program_code", (Program.id, Program.code))
    users = _rows(session, User, User.employee_id == pid)
    user_ids = [u["id"] for u in users]
    requests = _rows(session, TrainingRequest, TrainingRequest.requester_id.in_(user_ids))
    request_ids = [r["id"] for r in requests]
    sections: dict[str, list[dict[str, Any]]] = {
        "person": _rows(session, Employee, Employee.id == pid),
        "moves": _rows(
            session,
            EmployeeMove,
            EmployeeMove.employee_id == pid,
            order=EmployeeMove.effective_date,
        ),
        "enrolments": enrolments,
        "satisfaction": _rows(
            session, EnrolmentSatisfaction, EnrolmentSatisfaction.employee_id == pid
        ),
        "learning_statements": statements,
        "kpi_observations": observations,
        "kpi_values_held_elsewhere": _held_elsewhere(session),
        "behaviour_observations": _rows(
            session,
            BehaviourObservation,
            BehaviourObservation.employee_id == pid,
            order=BehaviourObservation.observed_on,
        ),
        "nudges_received": _rows(
            session,
            NudgeDelivery,
            or_(NudgeDelivery.employee_id == pid, NudgeDelivery.recipient_id == pid),
            order=NudgeDelivery.due_at,
        ),
        "nudge_opt_outs": _rows(session, NudgeOptOut, NudgeOptOut.employee_id == pid),
        "work_pattern": _rows(session, WorkPattern, WorkPattern.employee_id == pid),
        "account": users,
        "requests": requests,
        "request_history": _rows(
            session,
            RequestTransition,
            or_(
                RequestTransition.request_id.in_(request_ids),
                RequestTransition.actor_id.in_(user_ids),
            ),
        ),
        "stakeholder_answers": _rows(
            session,
            StakeholderAnswer,
            or_(
                StakeholderAnswer.request_id.in_(request_ids),
                StakeholderAnswer.answered_by_id.in_(user_ids),
            ),
        ),
        **_growth(session, pid, user_ids),
        "audit_about_them": _rows(session, AuditEvent, AuditEvent.person_id == pid),
        "audit_by_their_account": _rows(session, AuditEvent, AuditEvent.actor_id.in_(user_ids)),
    }
    audit.record(
        session,
        actor,
        f"person.{purpose}",
        "employee",
        pid,
        ", ".join(f"{k}: {len(v)}" for k, v in sections.items()),
        person_id=pid,
    )
    return PersonExport(pid, person.external_id, sections)


def _growth(session: Session, pid: int, user_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Skills, quizzes, plans and badges: the person's rows, each with the name of what it
    refers to (skill code, quiz code, path code, badge name) beside its id."""
    assessments = _rows(session, SkillAssessment, SkillAssessment.employee_id == pid,
                        order=SkillAssessment.assessed_on)  # fmt: skip
    _name(session, assessments, "skill_id", "skill_code", (Skill.id, Skill.code))
    attempts = _rows(
        session, QuizAttempt,
        or_(QuizAttempt.employee_id == pid, QuizAttempt.user_id.in_(user_ids)),
        order=QuizAttempt.taken_at,
    )  # fmt: skip
    _name(session, attempts, "quiz_id", "quiz_code", (QuizDefinition.id, QuizDefinition.code))
    for row in attempts:
        for name in ("answers", "totals", "skill_totals"):
            row[name] = _parsed(row[name])
    plan = _rows(session, LearningPlanItem, LearningPlanItem.employee_id == pid,
                 order=LearningPlanItem.rank)  # fmt: skip
    _name(session, plan, "path_id", "path_code", (LearningPath.id, LearningPath.code))
    awards = _rows(session, BadgeAward, BadgeAward.employee_id == pid, order=BadgeAward.awarded_at)
    _name(session, awards, "achievement_id", "badge_name",
          (BadgeAchievement.id, BadgeAchievement.name))  # fmt: skip
    return {
        "skill_assessments": assessments,
        "quiz_attempts": attempts,
        "learning_plan": plan,
        "learning_steps_done": _rows(
            session,
            StepCompletion,
            StepCompletion.employee_id == pid,
            order=StepCompletion.completed_at,
        ),  # fmt: skip
        "badges": awards,
        "planned_moves": _rows(
            session, PlannedMove, PlannedMove.employee_id == pid, order=PlannedMove.effective_on
        ),  # fmt: skip
    }


def _parsed(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


__all__ = ["PersonExport", "person_export", "rows_csv"]
