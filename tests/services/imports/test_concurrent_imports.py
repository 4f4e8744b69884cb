"""Two imports of the same data at the same time, on SQLite and PostgreSQL: every row lands
exactly once, the second import sees the first's rows (or is refused with a sentence), and
the KPI long table agrees with its columnar copy. The unique keys back this up, and the
migration that adds them removes duplicates already stored."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services.imports.conftest import PEOPLE, kpi_csv, kpi_rows_and_keys

from lodestar.config import get_settings
from lodestar.db import kpi_store
from lodestar.db.bulk import take_write_lock
from lodestar.db.kpi_store import read_columns
from lodestar.db.models import (
    BehaviourObservation,
    Kpi,
    ProgramEnrolment,
)
from lodestar.db.session import make_engine
from lodestar.domain.roles import Actor
from lodestar.errors import LodestarError
from lodestar.services.imports import ImportBusy, ImportReport, import_file

LD = Actor(user_id=1, name="L&D", role="ld")  # seed_small_org's IMPORTER


def at_once(url: str, kind: str, data: bytes, n: int = 2) -> list[ImportReport | Exception]:
    """Run ``n`` imports of ``data`` in threads that start together; each commits."""
    engine = make_engine(url)
    start = threading.Barrier(n)
    out: list[ImportReport | Exception] = [RuntimeError("did not run")] * n

    def one(i: int) -> None:
        try:
            with Session(engine) as s:
                start.wait()
                report = import_file(s, LD, kind, data, f"{kind}.csv")
                s.commit()
                out[i] = report
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engine.dispose()
    return out


def landed(results: list[ImportReport | Exception]) -> list[ImportReport]:
    """The imports that landed; any other outcome must be the ImportBusy sentence."""
    for r in results:
        if isinstance(r, Exception):
            assert isinstance(r, ImportBusy), repr(r)
            assert "Import it again" in r.message
    return [r for r in results if isinstance(r, ImportReport)]


def assert_consistent(url: str, expected_rows: int) -> None:
    """Every row stored once, and the per-period totals agree with the columns."""
    engine = make_engine(url)
    with Session(engine) as s:
        rows, keys = kpi_rows_and_keys(s)
        assert rows == keys == expected_rows
        for kpi_id, code in s.execute(select(Kpi.id, Kpi.code)):
            cols = read_columns(s, kpi_id)
            days, counts = np.unique(cols.day, return_counts=True)
            totals = kpi_store.period_totals(s, kpi_id, last=10_000)
            assert [n for _, n, _ in totals] == counts.tolist(), code
            assert len(totals) == len(days), code
    engine.dispose()


@pytest.mark.parametrize("first", ["empty", "half"])
def test_two_kpi_imports_at_once_land_every_row_exactly_once(fresh_url, first):
    data = kpi_csv()
    expected = 10 * (PEOPLE + 3 + 1)
    if first == "half":  # half the file is stored already: the table is not empty
        head = b"\n".join(data.splitlines()[: expected // 2 + 1]) + b"\n"
        assert not isinstance(at_once(fresh_url, "kpis", head, n=1)[0], Exception)
    results = landed(at_once(fresh_url, "kpis", data))
    assert results, "neither import landed"
    assert sum(r.added for r in results) == (expected if first == "empty" else expected // 2)
    assert_consistent(fresh_url, expected)
    # and a later re-import of the same file changes nothing
    again = landed(at_once(fresh_url, "kpis", data, n=1))[0]
    assert (again.added, again.updated, again.unchanged) == (0, 0, expected)
    assert_consistent(fresh_url, expected)


ENROLMENTS = "program,employee_id,group,cohort\n" + "".join(
    f"P1,E{i:04d},participant,C1\n" for i in range(PEOPLE)
)
BEHAVIOURS = "employee_id,behaviour,date,source,observed\n" + "".join(
    f"E{i:04d},asks questions,2025-02-03,manager,yes\n" for i in range(PEOPLE)
)


@pytest.mark.parametrize(
    ("kind", "data", "model"),
    [("enrolments", ENROLMENTS, ProgramEnrolment), ("behaviours", BEHAVIOURS,
     BehaviourObservation)],
)  # fmt: skip
def test_other_fact_imports_at_once_land_every_row_exactly_once(fresh_url, kind, data, model):
    results = landed(at_once(fresh_url, kind, data.encode()))
    assert sum(r.added for r in results) == PEOPLE
    engine = make_engine(fresh_url)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(model)) == PEOPLE
    engine.dispose()


def test_an_import_that_cannot_get_its_turn_is_refused_with_a_sentence(fresh_url, monkeypatch):
    monkeypatch.setenv("LODESTAR_IMPORTS__LOCK_WAIT_SECONDS", "1")
    get_settings.cache_clear()
    engine = make_engine(fresh_url)
    try:
        with Session(engine) as holder:
            take_write_lock(holder, "kpis", wait_seconds=5)  # another import is writing
            with Session(engine) as s, pytest.raises(LodestarError) as refused:
                import_file(s, LD, "kpis", kpi_csv(people=5, weeks=1), "kpis.csv")
            holder.rollback()
    finally:
        engine.dispose()
        get_settings.cache_clear()
    assert refused.value.status == 409
    assert refused.value.message.startswith("Another kpis import has been writing for over 1")
    assert "Import it again when that import has finished" in refused.value.message


def test_the_migration_removes_duplicates_already_stored(tmp_path):
    """A database that two concurrent imports damaged before 0007: the duplicates go (the
    newest row of each key stays), and 0020 moves what is left into the KPI's columns."""
    from lodestar.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO kpis (id, code, name, description, unit, direction, grain, cadence, "
            "lead_lag) VALUES (1, 'k', 'k', '', 'n', 'up', 'org', 'weekly', 'lag')"
        )
        for i, value in enumerate([1.0, 2.0, 3.0, 5.0], start=1):
            period = "2025-01-06" if i < 4 else "2025-01-13"
            conn.exec_driver_sql(
                "INSERT INTO kpi_observations (id, kpi_id, period, value, weight) "
                f"VALUES ({i}, 1, '{period}', {value}, 1)"
            )
        conn.exec_driver_sql(
            "INSERT INTO kpi_columns (kpi_id, period, row_count, subject_data, value_data, "
            "weight_data) VALUES (1, '2025-01-06', 1, x'0000000000000000', "
            "x'000000000000F03F', x'01000000')"
        )
    upgrade(engine)
    with Session(engine) as s:
        # 0020 then moved the rows into the columns, rebuilding this KPI's (they missed one).
        cols = read_columns(s, 1)
        assert cols.value.tolist() == [3.0, 5.0]
        assert [n for _, n, _ in kpi_store.period_totals(s, 1, last=10)] == [1, 1]
    engine.dispose()
