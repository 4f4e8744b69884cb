"""Open a KPI source's table in the engine that holds it, and check its column mapping.

Parquet files are read by DuckDB, embedded (the default engine for files); a DuckDB file,
a PostgreSQL table or a Spark table through the connection the source names, whose address
and credentials come from the settings (``LODESTAR_SOURCES__CONNECTIONS__<NAME>__URL``).
What is said to people names the source by its kind, location and connection name, never
by its address.
"""

from __future__ import annotations

import glob
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args
from urllib.parse import urlsplit

from lodestar.config import Settings, get_settings
from lodestar.errors import InvalidInput

if TYPE_CHECKING:
    import ibis.expr.types as ir

SourceKind = Literal["parquet", "duckdb", "postgres", "spark"]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)


@dataclass(frozen=True)
class Mapping:
    """Which column of the source holds what."""

    subject: str
    period: str
    value: str
    weight: str | None = None


@dataclass(frozen=True)
class OpenedSource:
    table: ir.Table
    engine: str  # duckdb, postgres or spark
    label: str  # for people and the stored result: kind, location, connection name


def describe(kind: str, location: str, connection: str | None) -> str:
    """The source in words, without any address or credential."""
    where = f" through the connection '{connection}'" if connection else ""
    what = "Parquet at" if kind == "parquet" else f"{kind} table"
    return f"{what} {location}{where}"


def check_location(kind: str, location: str, connection: str | None) -> None:
    """Refuse what cannot be a source, and credentials typed where they would be stored."""
    if kind not in SOURCE_KINDS:
        raise InvalidInput(
            f"'{kind}' is not a kind of source Lodestar reads. Choose one of: "
            + ", ".join(SOURCE_KINDS)
            + "."
        )
    if not location.strip():
        raise InvalidInput(
            "Say where the observations are: a Parquet file or folder for parquet, a table "
            "name for the other kinds."
        )
    if "://" in location or "@" in location or "password" in location.lower():
        raise InvalidInput(
            "The location looks like an address with credentials. Put the address in the "
            "settings as LODESTAR_SOURCES__CONNECTIONS__<NAME>__URL, name that connection here, "
            "and give only the table (or the Parquet path) as the location: credentials are never "
            "stored in Lodestar's database."
        )
    if kind == "parquet" and connection:
        raise InvalidInput(
            "Parquet files are read directly; leave the connection empty for a parquet source."
        )
    if kind != "parquet" and not connection:
        raise InvalidInput(
            f"A {kind} source needs the name of a connection from the settings "
            "(LODESTAR_SOURCES__CONNECTIONS__<NAME>__URL); give it and try again."
        )


def open_source(
    kind: str, location: str, connection: str | None, settings: Settings | None = None
) -> OpenedSource:
    """The source's table as an Ibis expression, in the engine that holds it."""
    import ibis

    check_location(kind, location, connection)
    label = describe(kind, location, connection)
    try:
        if kind == "parquet":
            location = _parquet_files(location)
            return OpenedSource(_utc(ibis.duckdb.connect()).read_parquet(location), "duckdb", label)
        url = _connection_url(connection, settings or get_settings())
        return OpenedSource(_table(kind, url, location), kind, label)
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001 - any engine's failure, said without the address
        raise InvalidInput(
            f"Lodestar could not read the {label}: {_without_address(str(exc))} Check that "
            "it exists and that the connection's settings are right, then try again."
        ) from None


def _parquet_files(location: str) -> str:
    """What DuckDB reads for ``location`` (a folder: every Parquet file under it), once it is
    known to match a file: DuckDB's own refusal quotes the SQL it wrote, not the path."""
    path = Path(location)
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else location
    if not any(c in pattern for c in "*?["):
        if not path.exists():
            raise InvalidInput(
                f"There is no Parquet file or folder at {location}. Check the path (it is read "
                "on the server, not on your computer) and try again."
            )
        return pattern
    if next(iter(glob.iglob(pattern, recursive=True)), None) is None:
        where = f"in the folder {location}" if path.is_dir() else f"matches {location}"
        raise InvalidInput(
            f"No Parquet file {where}. Check the path and the pattern (it is read on the "
            "server, not on your computer) and try again."
        )
    return pattern


def _connection_url(name: str | None, settings: Settings) -> str:
    if not name or name not in settings.sources.connections:
        known = ", ".join(sorted(settings.sources.connections)) or "none are set"
        raise InvalidInput(
            f"There is no connection named '{name}' in the settings (known: {known}). Set "
            f"LODESTAR_SOURCES__CONNECTIONS__{(name or 'NAME').upper()}__URL to its address "
            "and try again."
        )
    return settings.sources.connections[name].url


def _table(kind: str, url: str, table: str) -> ir.Table:
    import ibis

    if kind == "duckdb":
        path = url.removeprefix("duckdb://")  # duckdb:///abs/file.duckdb -> /abs/file.duckdb
        return _utc(ibis.duckdb.connect(path, read_only=True)).table(table)
    if kind == "postgres":
        parts = urlsplit(url)
        con: Any = ibis.postgres.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            database=parts.path.lstrip("/") or None,
            options="-c TimeZone=UTC",  # time-zone-aware periods are read as UTC dates
        )
        return con.table(table)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("lodestar")
    builder = builder.remote(url) if url.startswith("sc://") else builder.master(url)
    if url.startswith("local"):
        # Spark's Python workers run Lodestar's interpreter, so they can import the code
        # that reduces each partition to moments (on a cluster, install Lodestar there).
        builder = builder.config("spark.pyspark.python", sys.executable)
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    return ibis.pyspark.connect(builder.getOrCreate()).table(table)


def _utc(con: Any) -> Any:
    """A DuckDB connection whose session is in UTC: a time-zone-aware period column is read
    as the date in UTC, whatever the server's local zone."""
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def _without_address(message: str) -> str:
    """An engine's error with any address (which may carry a password) taken out, and
    without the excerpt of SQL some engines quote after it (the query Lodestar wrote)."""
    message = message.split("LINE 1:")[0]
    words = [("<address>" if "://" in w or "@" in w else w) for w in message.split()]
    text = " ".join(words)[:300].strip()
    return text if text.endswith(".") else text + "."


def check_mapping(table: ir.Table, mapping: Mapping, label: str) -> None:
    """The columns named exist and hold what they must; full sentences otherwise."""
    schema = table.schema()
    roles = [
        ("person (subject)", mapping.subject),
        ("period", mapping.period),
        ("value", mapping.value),
    ] + ([("weight", mapping.weight)] if mapping.weight else [])
    for role, column in roles:
        if column not in schema:
            raise InvalidInput(
                f"The {label} has no column '{column}' for the {role}. Its columns are: "
                + ", ".join(schema.names)
                + ". Name the column that holds it and try again."
            )
    subject = schema[mapping.subject]
    if not (subject.is_integer() or subject.is_string()):
        raise InvalidInput(
            f"The person column '{mapping.subject}' holds {subject} values; it must hold "
            "employee or team numbers (or their codes as text)."
        )
    period = schema[mapping.period]
    if not (period.is_numeric() or period.is_date() or period.is_timestamp()):
        raise InvalidInput(
            f"The period column '{mapping.period}' holds {period} values; it must hold dates "
            "or period numbers (1, 2, 3, ...)."
        )
    for role, column in roles[2:]:
        if not schema[column].is_numeric():
            raise InvalidInput(
                f"The {role} column '{column}' holds {schema[column]} values; it must hold "
                "numbers. Convert it in the source (or point at a view that does) and try again."
            )


def holds_dates(opened: OpenedSource, mapping: Mapping) -> bool:
    """Whether the source's period column holds dates (else period numbers)."""
    period = opened.table.schema()[mapping.period]
    return bool(period.is_date() or period.is_timestamp())


def dated_span(opened: OpenedSource, mapping: Mapping) -> tuple[date | None, date | None]:
    """The first and last period with a value, as dates, from one one-row aggregate in the
    engine (None, None when the source holds no value); the period column must hold dates."""
    import pandas as pd

    table = opened.table
    seen = table.filter(table[mapping.value].notnull())
    period = seen[mapping.period].cast("date")
    row = seen.aggregate(first=period.min(), last=period.max()).to_pandas().iloc[0]
    first, last = row["first"], row["last"]
    return (
        None if pd.isna(first) else pd.Timestamp(first).date(),
        None if pd.isna(last) else pd.Timestamp(last).date(),
    )
