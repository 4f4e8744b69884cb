"""Views derived from fact tables are computed once per change of the data, stay right across
processes (the data versions are in the database), and are computed once when many miss."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from lodestar.db import versions
from lodestar.db.bulk import insert_frame
from lodestar.db.models import BehaviourObservation, Program, ProgramEnrolment
from lodestar.db.session import make_engine, session_factory
from lodestar.services.derived import DerivedViews
from lodestar.services.impact import tiers


def _version(session: Session, table: str) -> int:
    return dict(versions.current(session, [table]))[table]


def test_every_kind_of_write_raises_the_counter(db: Session) -> None:
    name = "behaviour_observations"
    start = _version(db, name)
    person = db.scalars(select(ProgramEnrolment.employee_id)).first()
    row = {"employee_id": person, "behaviour": "Counted", "observed_on": date(2025, 1, 6)}
    db.add(BehaviourObservation(**row, source="manager", observed=True))  # ORM flush
    db.flush()
    assert _version(db, name) == start + 1
    db.execute(insert(BehaviourObservation).values(**row, source="system", observed=False))  # Core
    assert _version(db, name) == start + 2
    frame = pd.DataFrame([{**row, "source": "self", "observed": True}])
    insert_frame(db, BehaviourObservation, frame)  # bulk load
    assert _version(db, name) == start + 3
    db.execute(delete(BehaviourObservation).where(BehaviourObservation.behaviour == "Counted"))
    assert _version(db, name) == start + 4
    assert versions.wrote_uncommitted(db)


def _engine_for(seeded_engine: Engine) -> Engine:
    return make_engine(seeded_engine.url.render_as_string(hide_password=False))


def test_a_view_is_kept_until_another_process_writes(seeded_engine: Engine) -> None:
    """Two engines stand for two server processes: one's write is seen by the other's cache."""
    views = DerivedViews()
    first, second = _engine_for(seeded_engine), _engine_for(seeded_engine)
    calls: list[int] = []

    def count(session: Session) -> int:
        calls.append(1)
        return int(len(session.scalars(select(BehaviourObservation.id)).all()))

    read = session_factory(first)
    with read() as s:
        before = views.get(s, "count", ["behaviour_observations"], lambda: count(s))
    with read() as s:
        assert views.get(s, "count", ["behaviour_observations"], lambda: count(s)) == before
    assert len(calls) == 1
    person = None
    try:
        with session_factory(second)() as s:  # "the other process" adds an observation
            person = s.scalars(select(ProgramEnrolment.employee_id)).first()
            s.add(
                BehaviourObservation(
                    employee_id=person, behaviour="Seen elsewhere", source="manager",
                    observed_on=date(2025, 2, 3), observed=True,
                )
            )  # fmt: skip
            s.commit()
        with read() as s:
            assert views.get(s, "count", ["behaviour_observations"], lambda: count(s)) == before + 1
        assert len(calls) == 2
    finally:
        with session_factory(second)() as s:
            seen = BehaviourObservation.behaviour == "Seen elsewhere"
            s.execute(delete(BehaviourObservation).where(seen))
            s.commit()
        first.dispose()
        second.dispose()


def test_many_misses_at_once_compute_once(seeded_engine: Engine) -> None:
    views = DerivedViews()
    engine = _engine_for(seeded_engine)
    factory = session_factory(engine)
    calls: list[int] = []
    start = threading.Barrier(8)

    def slow() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "tiers"

    def ask(_: int) -> str:
        with factory() as s:
            start.wait()
            return views.get(s, ("slow", 1), ["program_enrolments"], slow)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(ask, range(8))) == ["tiers"] * 8
    assert len(calls) == 1
    engine.dispose()


def test_program_tiers_are_computed_once_per_change(seeded_engine: Engine) -> None:
    engine = _engine_for(seeded_engine)
    factory = session_factory(engine)
    with factory() as s:
        program_id = s.scalars(select(Program.id).order_by(Program.id)).first()
        assert program_id is not None
        tiers.PROGRAM_VIEWS.clear(s)  # the stored views too: computed here, not read
        s.commit()
        done = tiers.PROGRAM_VIEWS.computed
        first = tiers.behaviour_tier(s, program_id)
        again = tiers.behaviour_tier(s, program_id)
        assert again is first and tiers.PROGRAM_VIEWS.computed == done + 1
        # The operational tier is a view of its own.
        tiers.operational_tier(s, program_id)
        assert tiers.PROGRAM_VIEWS.computed == done + 2
    # A session with its own uncommitted write computes afresh and keeps nothing.
    with factory() as s:
        enrolment = s.scalars(
            select(ProgramEnrolment).where(ProgramEnrolment.program_id == program_id)
        ).first()
        assert enrolment is not None
        enrolment.completed_on = None if enrolment.completed_on else enrolment.start_date
        s.flush()
        tiers.operational_tier(s, program_id)
        assert tiers.PROGRAM_VIEWS.computed == done + 3
        s.rollback()
    with factory() as s:
        tiers.operational_tier(s, program_id)  # nothing committed: the kept view holds
        assert tiers.PROGRAM_VIEWS.computed == done + 3
    engine.dispose()


def test_a_view_over_a_table_with_no_counter_is_never_kept(db: Session) -> None:
    views = DerivedViews()
    calls: list[int] = []
    for _ in range(2):
        views.get(db, "uncounted", ["import_runs"], lambda: calls.append(1))
    assert len(calls) == 2


def test_writers_of_counted_tables_in_opposite_orders_do_not_deadlock(seeded_engine: Engine):
    """Each writer takes every counter's lock before its first counted write, so two that
    write the same tables in opposite orders wait for each other instead of deadlocking."""
    from sqlalchemy import update

    engine = _engine_for(seeded_engine)
    factory = session_factory(engine)
    with factory() as s:
        person = s.scalars(select(ProgramEnrolment.employee_id)).first()
        enrolment = s.scalars(select(ProgramEnrolment.id)).first()
    name = "Opposite-order writer"

    def observe(s: Session, who: str) -> None:
        s.execute(
            insert(BehaviourObservation).values(
                employee_id=person, behaviour=f"{name} {who}", observed_on=date(2025, 3, 3),
                source="system", observed=True,
            )
        )  # fmt: skip

    def touch(s: Session) -> None:
        s.execute(
            update(ProgramEnrolment)
            .where(ProgramEnrolment.id == enrolment)
            .values(cohort=ProgramEnrolment.cohort)
        )

    def work(who: str) -> str:
        steps = (
            [lambda s: observe(s, who), touch] if who == "a" else [touch, lambda s: observe(s, who)]
        )
        with factory() as s:
            for step in steps:
                step(s)
                time.sleep(0.3)  # the other writer starts meanwhile
            s.commit()
        return who

    try:
        with ThreadPoolExecutor(2) as pool:
            assert sorted(pool.map(work, ["a", "b"])) == ["a", "b"]
    finally:
        with factory() as s:
            s.execute(
                delete(BehaviourObservation).where(BehaviourObservation.behaviour.like(f"{name}%"))
            )
            s.commit()
        engine.dispose()


def test_a_stored_view_is_read_by_another_process_until_the_data_changes(
    seeded_engine: Engine,
) -> None:
    """Two stores of the same name on two engines stand for two server processes: what one
    computed, the other reads from the database instead of computing it again."""
    first, second = _engine_for(seeded_engine), _engine_for(seeded_engine)
    code = ("lodestar.services.derived",)
    views = [DerivedViews(stored="test-stored", code=code) for _ in range(2)]
    calls: list[int] = []
    tables = ["behaviour_observations"]

    def count(session: Session) -> int:
        calls.append(1)
        return int(len(session.scalars(select(BehaviourObservation.id)).all()))

    try:
        with session_factory(first)() as s:
            views[0].clear(s)
            s.commit()
            before = views[0].get(s, "count", tables, lambda: count(s))
        views[0].wait_stored()
        with session_factory(second)() as s:
            assert views[1].get(s, "count", tables, lambda: count(s)) == before
        assert len(calls) == 1 and views[1].loaded == 1 and views[1].computed == 0
        with session_factory(second)() as s:  # a write: the stored view no longer answers
            person = s.scalars(select(ProgramEnrolment.employee_id)).first()
            s.add(
                BehaviourObservation(
                    employee_id=person, behaviour="Stored elsewhere", source="manager",
                    observed_on=date(2025, 2, 3), observed=True,
                )
            )  # fmt: skip
            s.commit()
        with session_factory(first)() as s:
            assert views[0].get(s, "count", tables, lambda: count(s)) == before + 1
        assert len(calls) == 2
    finally:
        with session_factory(second)() as s:
            seen = BehaviourObservation.behaviour == "Stored elsewhere"
            s.execute(delete(BehaviourObservation).where(seen))
            views[1].clear(s)
            s.commit()
        first.dispose()
        second.dispose()


def test_a_session_joined_to_an_outer_transaction_never_stores(db: Session) -> None:
    """Its versions may be ones no committed state has: it computes and keeps in memory."""
    from lodestar.db.models import StoredView

    views = DerivedViews(stored="test-joined", code=("lodestar.services.derived",))
    assert views.get(db, "n", ["programs"], lambda: 1) == 1
    views.wait_stored()
    assert db.scalar(select(StoredView.key).where(StoredView.key.like("test-joined:%"))) is None


def test_the_warm_up_stores_every_program_view_for_the_next_process(seeded_engine: Engine):
    from lodestar.services.impact.warm import warm_program_views

    engine = _engine_for(seeded_engine)
    factory = session_factory(engine)
    with factory() as s:
        tiers.PROGRAM_VIEWS.clear(s)
        s.commit()
        programs = warm_program_views(s)
        assert programs > 0
    tiers.PROGRAM_VIEWS.clear()  # a fresh process: nothing in memory
    computed = tiers.PROGRAM_VIEWS.computed
    with factory() as s:
        warm_program_views(s)
    assert tiers.PROGRAM_VIEWS.computed == computed  # every view read, none computed
    engine.dispose()
