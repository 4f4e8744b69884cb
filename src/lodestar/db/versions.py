"""Data versions: a counter per table, raised in the transaction of every write to it.

Views derived from many rows (a program's operational and behaviour tiers) are computed once
and kept in each server process. With several processes, and imports run from the CLI, a
process cannot see another's writes in its memory, so it reads the versions of the tables
the view depends on (one indexed query over a handful of rows) and recomputes only when one
of them moved. The counters live in the database, so they hold across processes, servers and
restarts, and commit or roll back with the write they count.

Writes are counted wherever they happen:

- ORM flushes (objects added, changed or deleted), from ``before_flush``;
- Core ``insert``/``update``/``delete`` statements run through a session, from
  ``do_orm_execute``;
- bulk loads (``db.bulk.insert_frame``), which call ``bump`` themselves.

A write that goes around all three (SQL text on a raw connection) is not counted: don't.

Each counter is raised before the write it counts, and one statement takes the row locks of
all the counters at once (on PostgreSQL, in the same order in every transaction): two writers
of counted tables wait for each other here instead of deadlocking over the counters.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy import Engine, Table, Update, case, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from lodestar.db.models import (
    BehaviourObservation,
    DataVersion,
    Department,
    Employee,
    EnrolmentSatisfaction,
    HeadcountPlan,
    JobRole,
    JobSkill,
    LearningStatement,
    PlannedMove,
    PrioritySkill,
    Program,
    ProgramActivity,
    ProgramBehaviour,
    ProgramEnrolment,
    Skill,
    SkillAssessment,
    StrategicPriority,
    Team,
)

# The tables whose writes are counted (a counter row for each is made by migrations 0014, 0015,
# 0017 and 0027). Each kept view names the ones it reads (``services.impact.tiers``,
# ``services.skills.base``), so a write here makes stale only the views that read the table.
COUNTED: frozenset[str] = frozenset(
    str(model.__tablename__)
    for model in (
        BehaviourObservation,
        EnrolmentSatisfaction,
        LearningStatement,
        Program,
        ProgramActivity,
        ProgramBehaviour,
        ProgramEnrolment,
        # skills (migration 0017): the heat map, gaps and forecast are kept per data change
        Employee,
        HeadcountPlan,
        JobSkill,
        PlannedMove,
        PrioritySkill,
        Skill,
        SkillAssessment,
        # names in the skills views (migration 0027): teams, departments, job titles, priorities
        Department,
        JobRole,
        StrategicPriority,
        Team,
    )
)


def bump(session: Session, tables: Iterable[str]) -> None:
    """Raise the counters of ``tables`` (those counted) in the session's transaction."""
    names = COUNTED.intersection(tables)
    if not names:
        return
    session.info[_WROTE] = True
    session.connection().execute(_bump_statement(frozenset(names)))


@functools.lru_cache(maxsize=64)
def _bump_statement(names: frozenset[str]) -> Update:
    """The UPDATE raising ``names``' counters, built once per set of tables (every statement
    batch bumps the same one, and building it cost more than running it)."""
    raised = case((DataVersion.name.in_(sorted(names)), DataVersion.version + 1),
                  else_=DataVersion.version)  # fmt: skip
    return update(DataVersion).where(DataVersion.name.in_(sorted(COUNTED))).values(version=raised)


def wrote_uncommitted(session: Session) -> bool:
    """Whether ``session`` raised a counter in a transaction not yet committed (what it reads
    is then not what other sessions read)."""
    return bool(session.info.get(_WROTE))


_WROTE = "lodestar_counted_write"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    # A session bound to a connection (joined to an outer transaction, as test fixtures do)
    # has not really committed: its writes stay its own until that transaction ends.
    if isinstance(session.bind, Engine) or session.bind is None:
        session.info.pop(_WROTE, None)


def current(session: Session, tables: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """The counters of ``tables`` now, as a key to compare with a cached view's (-1 for a
    table that has no counter row: a view over it cannot be kept)."""
    names = sorted(tables)
    rows = session.execute(
        select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(names))
    ).all()
    found = {str(n): int(v) for n, v in rows}
    return tuple((name, found.get(name, -1)) for name in names)


@event.listens_for(Session, "before_flush")
def _count_flush(session: Session, flush: UOWTransaction, _instances: object) -> None:
    touched = {
        str(table.name)
        for obj in (*session.new, *session.dirty, *session.deleted)
        for table in _tables_of(obj)
    }
    bump(session, touched)


@event.listens_for(Session, "do_orm_execute")
def _count_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if isinstance(table, Table) and table.name in COUNTED:
        bump(state.session, [table.name])


def _tables_of(obj: object) -> list[Table]:
    mapper = getattr(obj, "__mapper__", None)
    if mapper is None:
        return []
    return [t for t in mapper.tables if isinstance(t, Table)]
