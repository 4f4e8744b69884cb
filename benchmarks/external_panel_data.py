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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("people", type=int)
    parser.add_argument("--weeks", type=int, default=104)
    args = parser.parse_args()
    seconds = write_panel(args.folder, args.people, args.weeks)
    print(f"{args.people:,} people x {args.weeks} weeks written in {seconds:.1f} s")


if __name__ == "__main__":
    main()
