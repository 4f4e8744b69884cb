"""Write a simulated person x week KPI panel as a directory of Parquet files, with DuckDB.

Streaming: each file holds a slice of people (sorted by person, then week), written by DuckDB
from ``range()`` without the panel ever being in Python, so memory stays flat whatever the
size. Used by ``external_source_speed.py``; run alone to make data for other tools:

    .venv/bin/python benchmarks/external_panel_data.py /work/tmp/p1m 1000000

Columns: employee_id (BIGINT), week (INTEGER 1..weeks), value (DOUBLE), cohort (INTEGER: first
week of the program, 0 for never; a fifth each never and starting in weeks 30, 50, 70 and 90).
The effect is 1.5 from the start.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import psycopg

PER_FILE = 500_000  # people per file


def write_panel(folder: Path, people: int, weeks: int = 104, threads: int = 2) -> float:
    """Write the panel into ``folder`` (created); returns the seconds taken."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    con.execute("SET preserve_insertion_order=false")
    for number, low in enumerate(range(0, people, PER_FILE)):
        high = min(people, low + PER_FILE)
        con.execute(
            f"""
            COPY (
              SELECT u AS employee_id, CAST(w AS INTEGER) AS week,
                50 + (hash(u) % 1000) / 100.0 + 0.05 * w
                  + CASE WHEN c > 0 AND w >= c THEN 1.5 ELSE 0 END
                  + ((hash(u * 131 + w) % 10000) / 10000.0 - 0.5) * 4 AS value,
                CAST(c AS INTEGER) AS cohort
              FROM (SELECT u, CASE u % 5 WHEN 0 THEN 0 WHEN 1 THEN 30 WHEN 2 THEN 50
                                         WHEN 3 THEN 70 ELSE 90 END AS c
                    FROM range({low}, {high}) r(u)) p,
                   range(1, {weeks + 1}) s(w)
              ORDER BY u, w
            ) TO '{folder / f"part-{number:05d}.parquet"}'
            (FORMAT parquet, ROW_GROUP_SIZE 1048576, COMPRESSION zstd)
            """
        )
    con.close()
    return time.perf_counter() - started


def write_postgres_panel(url: str, table: str, people: int, weeks: int = 104) -> float:
    """The same design as :func:`write_panel` (the noise from PostgreSQL's own hash, so the
    values differ from the Parquet files'), generated inside PostgreSQL into ``table``
    (replaced), sorted by person and week, with its primary key (person, week) and fresh
    statistics; returns the seconds taken. ``url`` is a libpq URL."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(
            f"""
            CREATE TABLE {table} AS
            SELECT u AS employee_id, w AS week,
              CAST(50 + (abs(hashint8(u)) % 1000) / 100.0 + 0.05 * w
                + CASE WHEN c > 0 AND w >= c THEN 1.5 ELSE 0 END
                + ((abs(hashint8(u * 131 + w)) % 10000) / 10000.0 - 0.5) * 4
                AS double precision) AS value,
              c AS cohort
            FROM (SELECT u, CASE u % 5 WHEN 0 THEN 0 WHEN 1 THEN 30 WHEN 2 THEN 50
                                       WHEN 3 THEN 70 ELSE 90 END AS c
                  FROM generate_series(0::bigint, {people - 1}) u) p,
                 generate_series(1, {weeks}) w
            ORDER BY u, w
            """
        )
        con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (employee_id, week)")
        con.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("people", type=int)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="Write into this PostgreSQL database instead: the "
        "table is named after the folder argument.",
    )
    args = parser.parse_args()
    if args.postgres:
        seconds = write_postgres_panel(args.postgres, str(args.folder), args.people, args.weeks)
    else:
        seconds = write_panel(args.folder, args.people, args.weeks)
    print(f"{args.people:,} people x {args.weeks} weeks written in {seconds:.1f} s")


if __name__ == "__main__":
    main()
