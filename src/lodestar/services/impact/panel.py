"""Build the analysis frame for one program and its metric, in the database.

The join and the filtering happen in SQL (so the same query can run on a bigger engine
later); what comes back is one row per employee-period with the program's timing attached:

    employee_id, team_id, period, t (week index), value, weight,
    group ('participant' | 'comparison' | None), start_date,
    first_treat (t of the start, 0 = never),
    performance_rating, hire_date

The population is everyone with observations of the KPI in the departments where the
program has enrolments — participants, the program's own comparison group if it has one,
and the not-enrolled colleagues who serve as a comparison otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, KpiObservation, ProgramEnrolment, Team
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import KpiFacts, ProgramFacts, program_facts


@dataclass(frozen=True)
class ProgramPanel:
    program: ProgramFacts
    kpi: KpiFacts
    frame: pd.DataFrame
    snapshot: dict[str, Any]


def build_program_panel(session: Session, program_id: int) -> ProgramPanel:
    """The employee-period frame for ``program_id`` and its metric that matters."""
    program, kpi = program_facts(session, program_id)
    if kpi.grain != "employee":
        raise InvalidInput(
            f"'{kpi.name}' is measured per {kpi.grain}, and program impact is estimated on "
            "employee-level KPIs so far. Pick an employee-level KPI as the program's metric, "
            "or analyse the team-level series with lodestar.estimate_effect."
        )
    frame = _fetch_frame(session, program, kpi)
    if frame.empty:
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}'. Import the KPI's history (lodestar import kpis) and try again."
        )
    period = frame["period"].to_numpy()
    day = period.astype("datetime64[D]").astype(np.int64)
    first_day = int(day.min())
    seen = np.zeros(int(day.max()) - first_day + 1, dtype=np.int64)
    seen[day - first_day] = 1
    rank = np.cumsum(seen)  # 1-based index of each observed period, by day offset
    frame["t"] = rank[day - first_day]
    periods = (np.flatnonzero(seen) + first_day).astype("datetime64[D]").astype(period.dtype)
    # Timing per person (constant within a person), then spread to their rows.
    employee = frame["employee_id"].to_numpy()
    heads = np.flatnonzero(np.r_[True, employee[1:] != employee[:-1]])
    starts = frame["start_date"].to_numpy()[heads]
    treated_people = (frame["group"].to_numpy()[heads] == "participant") & ~np.isnat(starts)
    first_people = np.where(treated_people, np.searchsorted(periods, starts) + 1, 0)
    sizes = np.diff(np.r_[heads, len(frame)])
    frame["first_treat"] = np.repeat(first_people.astype(np.int64), sizes)
    snapshot = {
        "rows": int(len(frame)),
        "people": int(len(heads)),
        "participants": int(treated_people.sum()),
        "first_period": str(pd.Timestamp(periods[0]).date()),
        "last_period": str(pd.Timestamp(periods[-1]).date()),
        "max_observation_id": int(
            session.scalar(
                select(func.max(KpiObservation.id)).where(KpiObservation.kpi_id == kpi.id)
            )
            or 0
        ),
        "fingerprint": _fingerprint(frame),
    }
    return ProgramPanel(program, kpi, frame, snapshot)


# --- fetching the rows ----------------------------------------------------------------
#
# The observations (millions of rows) and the people (one row each) come in two queries
# with the same filter, both in SQL: everyone in the departments where the program has
# enrolments. The per-person columns are then spread over each person's rows in numpy.
# Reading millions of rows as Python tuples (pd.read_sql) runs at about a million rows
# a second and holds gigabytes; instead
# - on PostgreSQL with the ADBC driver installed (adbc-driver-postgresql), a second
#   connection reads the rows as Arrow columns (binary COPY); it is skipped when this
#   session's transaction has a transaction id (it may hold writes that connection would
#   not see) and on any driver error. Not on SQLite: two SQLite libraries in one process
#   on the same WAL file break each other's locks. Otherwise
# - PostgreSQL packs the rows server-side into a few bytea values (int4send || int4send ||
#   float8send || int2send), read in binary and viewed as a numpy record array;
# - SQLite returns two columns per row, an integer packing (employee, day, weight) and the
#   value, read in chunks into a numpy record array.
# Values stay IEEE doubles end to end, so the frame equals the plain query's exactly.
# Anything the fast paths cannot pack (ids beyond 31 bits, a span of more than 65,535
# days, a person enrolled twice in the program) goes through the plain query.

FRAME_COLUMNS = [
    "employee_id",
    "team_id",
    "period",
    "value",
    "weight",
    "group",
    "start_date",
    "performance_rating",
    "hire_date",
]
_EPOCH = np.datetime64("1970-01-01", "D")
_POSTGRES_BUCKETS = 64  # bytea values the PostgreSQL rows are packed into (each < 1 GB)
_SQLITE_CHUNK = 131_072


def _enrolled_departments(program_id: int) -> Any:
    return (
        select(Team.department_id)
        .join(Employee, Employee.team_id == Team.id)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program_id)
        .distinct()
    )


def _fetch_frame(session: Session, program: ProgramFacts, kpi: KpiFacts) -> pd.DataFrame:
    """The rows of the panel before timing columns: FRAME_COLUMNS, sorted by person and
    period, dates as datetime64[ns] (NaT when missing)."""
    people = _people(session, program.id)
    dialect = session.get_bind().dialect.name
    fast = dialect in ("postgresql", "sqlite") and people["employee_id"].is_unique
    rows: dict[str, np.ndarray] | None = None
    ids = people["employee_id"]
    packable = fast and len(people) > 0 and int(ids.min()) >= 0 and int(ids.max()) < 2**31
    if packable:
        rows = _rows_adbc(session, program.id, kpi.id)
    if rows is None and packable:
        span = session.execute(
            select(func.min(KpiObservation.period), func.max(KpiObservation.period)).where(
                KpiObservation.kpi_id == kpi.id
            )
        ).one()
        if span[0] is None:
            rows = _empty_rows()
        elif (_day(span[1]) - _day(span[0])) < 2**16:
            if dialect == "postgresql":
                rows = _rows_postgres(session, program.id, kpi.id)
            else:
                rows = _rows_sqlite(session, program.id, kpi.id, _day(span[0]))
    if rows is None:
        return _plain_frame(session, program.id, kpi.id)
    return _assemble(rows, people)


def _day(value: Any) -> int:
    return int((pd.Timestamp(value).normalize() - pd.Timestamp(_EPOCH)).days)


def _people(session: Session, program_id: int) -> pd.DataFrame:
    """One row per person in the enrolled departments (more than one if enrolled twice)."""
    stmt = (
        select(
            Employee.id.label("employee_id"),
            Employee.team_id,
            Employee.performance_rating,
            Employee.hire_date,
            ProgramEnrolment.group,
            ProgramEnrolment.start_date,
        )
        .join(Team, Team.id == Employee.team_id)
        .outerjoin(
            ProgramEnrolment,
            and_(
                ProgramEnrolment.employee_id == Employee.id,
                ProgramEnrolment.program_id == program_id,
            ),
        )
        .where(Team.department_id.in_(_enrolled_departments(program_id)))
        .order_by(Employee.id)
    )
    result = session.execute(stmt).all()
    columns = ["employee_id", "team_id", "performance_rating", "hire_date", "group", "start_date"]
    people = pd.DataFrame.from_records(result, columns=columns)
    return people.astype(
        {"employee_id": np.int64, "team_id": np.int64, "performance_rating": np.float64}
    ).assign(
        hire_date=_dates(people["hire_date"]),
        start_date=_dates(people["start_date"]),
        group=people["group"].astype(object).where(people["group"].notna(), None),
    )


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[ns]")


_ROW = np.dtype([("employee_id", ">i4"), ("day", ">i4"), ("value", ">f8"), ("weight", ">i2")])


def _empty_rows() -> dict[str, np.ndarray]:
    return {
        "employee_id": np.empty(0, np.int64),
        "day": np.empty(0, np.int64),
        "value": np.empty(0, np.float64),
        "weight": np.empty(0, np.int64),
    }


def _observations(kpi_id: int, program_id: int, *columns: Any) -> Any:
    """The observation rows of the panel: the KPI, people in the enrolled departments.

    The same rows as joining employees and teams (an employee id matches one employee), as
    one semi-join on the people's ids, which the databases run in half the time.
    """
    population = (
        select(Employee.id)
        .join(Team, Team.id == Employee.team_id)
        .where(Team.department_id.in_(_enrolled_departments(program_id)))
    )
    return (
        select(*columns)
        .select_from(KpiObservation)
        .where(KpiObservation.kpi_id == kpi_id, KpiObservation.employee_id.in_(population))
    )


def _compiled(session: Session, stmt: Any) -> str:
    # Only integer ids are bound, so rendering them inline is safe.
    return str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))


def _rows_postgres(session: Session, program_id: int, kpi_id: int) -> dict[str, np.ndarray]:
    inner = _compiled(
        session,
        _observations(
            kpi_id,
            program_id,
            KpiObservation.employee_id,
            KpiObservation.period,
            KpiObservation.value,
            KpiObservation.weight,
        ),
    )
    sql = (
        "SELECT string_agg(int4send(s.employee_id::int4) "
        "|| int4send((s.period - DATE '1970-01-01')::int4) "
        "|| float8send(s.value::float8) || int2send(s.weight::int2), ''::bytea) "
        f"FROM ({inner}) AS s(employee_id, period, value, weight) "
        f"GROUP BY s.employee_id % {_POSTGRES_BUCKETS}"
    )
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    with dbapi.cursor(binary=True) as cursor:
        cursor.execute(sql)
        blobs = [bytes(b) for (b,) in cursor.fetchall() if b is not None]
    packed = np.frombuffer(b"".join(blobs), dtype=_ROW)
    del blobs
    return {
        "employee_id": packed["employee_id"].astype(np.int64),
        "day": packed["day"].astype(np.int64),
        "value": packed["value"].astype(np.float64),
        "weight": packed["weight"].astype(np.int64),
    }


def _rows_adbc(session: Session, program_id: int, kpi_id: int) -> dict[str, np.ndarray] | None:
    """PostgreSQL's observation rows as Arrow columns through ADBC (a second connection).

    None (so the other paths run) on SQLite, when the driver is not installed, when the
    session's transaction has written something a second connection would not see, or when
    anything in the transfer fails.
    """
    bind = session.get_bind()
    url = bind.engine.url
    dialect = bind.dialect.name
    if dialect != "postgresql":
        # Not on SQLite: a second SQLite library in the same process opening the same WAL
        # file breaks the first one's POSIX locks ("disk I/O error" under load).
        return None
    try:
        import adbc_driver_postgresql.dbapi as adbc
    except ImportError:
        return None
    written = session.execute(select(func.txid_current_if_assigned())).scalar()
    if written is not None:
        return None  # uncommitted writes in this transaction
    inner = _compiled(
        session,
        _observations(
            kpi_id,
            program_id,
            KpiObservation.employee_id,
            KpiObservation.period,
            KpiObservation.value,
            KpiObservation.weight,
        ),
    )
    sql = (
        "SELECT s.employee_id::int8, (s.period - DATE '1970-01-01')::int8, "
        "s.value::float8, s.weight::int8 "
        f"FROM ({inner}) AS s(employee_id, period, value, weight)"
    )
    target = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with adbc.connect(target) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            table_ = cursor.fetch_arrow_table()
    except Exception:  # noqa: BLE001 - any driver failure means "use the other paths"
        return None
    if table_.num_columns != 4 or any(col.null_count for col in table_.columns):
        return None
    out: dict[str, np.ndarray] = {}
    for name, col, dtype in zip(
        ("employee_id", "day", "value", "weight"),
        table_.columns,
        (np.int64, np.int64, np.float64, np.int64),
        strict=True,
    ):
        values = col.to_numpy()
        if values.dtype.kind != np.dtype(dtype).kind:
            return None  # e.g. SQLite values stored with another type
        out[name] = values.astype(dtype, copy=False)
    return out


def _rows_sqlite(
    session: Session, program_id: int, kpi_id: int, first_day: int
) -> dict[str, np.ndarray] | None:
    # key = ((employee_id << 16) + days since the first period) << 16 + weight + 32768;
    # NULL (so the plain query is used instead) when a weight does not fit in 16 bits.
    table = KpiObservation.__tablename__
    day = f"(CAST(julianday({table}.period) - 2440587.5 AS INTEGER) - {first_day})"
    key = (
        f"CASE WHEN {table}.weight BETWEEN -32768 AND 32767 "
        f"THEN ((({table}.employee_id << 16) + {day}) << 16) + {table}.weight + 32768 END"
    )
    sql = _compiled(
        session,
        _observations(kpi_id, program_id, literal_column(key), KpiObservation.value),
    )
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    record = np.dtype([("key", np.int64), ("value", np.float64)])
    parts = []
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(_SQLITE_CHUNK):
            parts.append(np.fromiter(chunk, dtype=record, count=len(chunk)))
    except TypeError:  # a NULL key: a weight or period the packing cannot hold
        return None
    finally:
        cursor.close()
    packed = np.concatenate(parts) if parts else np.empty(0, record)
    del parts
    key_values = packed["key"]
    return {
        "employee_id": key_values >> 32,
        "day": ((key_values >> 16) & 0xFFFF) + first_day,
        "value": packed["value"].copy(),
        "weight": (key_values & 0xFFFF) - 32768,
    }


def _assemble(rows: dict[str, np.ndarray], people: pd.DataFrame) -> pd.DataFrame:
    employee, day = rows["employee_id"], rows["day"]
    if len(employee) > 1:
        key = (employee << 32) + (day - day.min())
        if not (key[1:] >= key[:-1]).all():
            order = np.argsort(key, kind="stable")
            rows = {k: v[order] for k, v in rows.items()}
            employee, day = rows["employee_id"], rows["day"]
        del key
    # Rows are sorted by person: look each person up once and repeat over their rows.
    ids = people["employee_id"].to_numpy()
    heads = (
        np.flatnonzero(np.r_[True, employee[1:] != employee[:-1]])
        if len(employee)
        else np.empty(0, np.int64)
    )
    sizes = np.diff(np.r_[heads, len(employee)])
    at = np.searchsorted(ids, employee[heads])
    if len(at) and (at.max() >= len(ids) or (ids[at] != employee[heads]).any()):
        raise RuntimeError("Observations of people outside the panel's population came back.")

    def spread(values: np.ndarray) -> np.ndarray:
        return np.repeat(values[at], sizes)

    columns: dict[str, Any] = {
        "employee_id": employee,
        "team_id": spread(people["team_id"].to_numpy()),
        "period": (day.astype("datetime64[D]")).astype("datetime64[ns]"),
        "value": rows["value"],
        "weight": rows["weight"],
        # A Series, so pandas does not scan 10 M objects to infer a type.
        "group": pd.Series(
            spread(people["group"].to_numpy(dtype=object)), dtype=object, copy=False
        ),
        "start_date": spread(people["start_date"].to_numpy()),
        "performance_rating": spread(people["performance_rating"].to_numpy()),
        "hire_date": spread(people["hire_date"].to_numpy()),
    }
    return pd.DataFrame(columns, columns=FRAME_COLUMNS, copy=False)  # no block consolidation


def _plain_frame(session: Session, program_id: int, kpi_id: int) -> pd.DataFrame:
    """The same rows through one plain query (slow at scale; the fallback)."""
    stmt = (
        select(
            KpiObservation.employee_id,
            Employee.team_id,
            KpiObservation.period,
            KpiObservation.value,
            KpiObservation.weight,
            ProgramEnrolment.group,
            ProgramEnrolment.start_date,
            Employee.performance_rating,
            Employee.hire_date,
        )
        .join(Employee, Employee.id == KpiObservation.employee_id)
        .join(Team, Team.id == Employee.team_id)
        .outerjoin(
            ProgramEnrolment,
            and_(
                ProgramEnrolment.employee_id == KpiObservation.employee_id,
                ProgramEnrolment.program_id == program_id,
            ),
        )
        .where(
            KpiObservation.kpi_id == kpi_id,
            Team.department_id.in_(_enrolled_departments(program_id)),
        )
    )
    frame = pd.read_sql(stmt, session.connection())
    for c in ("period", "start_date", "hire_date"):
        frame[c] = _dates(frame[c])
    frame = frame.astype(
        {
            "employee_id": np.int64,
            "team_id": np.int64,
            "value": np.float64,
            "weight": np.int64,
            "performance_rating": np.float64,
        }
    )
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    return frame.sort_values(["employee_id", "period"], kind="stable", ignore_index=True)[
        FRAME_COLUMNS
    ]


def _fingerprint(frame: pd.DataFrame) -> str:
    """A short hash of the analysed data, so a stored result can be traced to its input."""
    cols = ["employee_id", "t", "value", "first_treat"]
    # The same hash as of frame[cols], without frame[cols] copying the columns.
    columns = pd.DataFrame({c: frame[c] for c in cols}, copy=False)
    digest = pd.util.hash_pandas_object(columns, index=False).to_numpy()
    return hashlib.sha256(digest.tobytes()).hexdigest()[:16]
