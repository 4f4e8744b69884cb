"""A full staggered analysis (Callaway & Sant'Anna, every aggregation and the event study) of a
KPI that stays in Parquet files (through DuckDB or a Spark local session) or in a PostgreSQL
table: seconds (median of the runs) and peak memory of the process, with the machine's load
average.

    .venv/bin/python benchmarks/external_source_speed.py --people 1000000
    .venv/bin/python benchmarks/external_source_speed.py --people 10000000 --runs 1
    .venv/bin/python benchmarks/external_source_speed.py --people 1000000 --engine spark --cores 1
    .venv/bin/python benchmarks/external_source_speed.py --people 100000 --engine postgres \
        --moments engine

The panel (people x 104 weeks) is written first with DuckDB, streaming, into --folder (kept
with --keep, reused when it is already there), or for PostgreSQL generated in the database
(--postgres, table bench_panel_<people>, kept and reused); each run is a fresh process so that
its peak memory is its own. --moments picks where a balanced panel's moments are reduced
(``engine``: one aggregate query; ``lodestar``: batches of rows read into this process;
``auto``: Lodestar's default for the engine). Targets (issue 14): 1 M x 104 through DuckDB
under 30 s and 4 GiB; 10 M x 104 completes with memory not growing with the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from peak_memory import peak_mib  # noqa: E402


def one_run(
    folder: Path,
    engine: str,
    cores: int,
    memory_gib: float,
    design: str = "staggered",
    moments: str = "auto",
    postgres: str = "",
) -> dict[str, object]:
    """One analysis in this process; prints and returns its figures."""
    import resource

    import ibis

    started = time.perf_counter()
    if engine == "duckdb":
        con = ibis.duckdb.connect(threads=cores, memory_limit=f"{memory_gib}GB")
        table = con.read_parquet(str(folder / "*.parquet"))
    elif engine == "postgres":
        con = ibis.connect(postgres)
        table = con.table(str(folder))
    else:
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master(f"local[{cores}]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(4 * cores))
            .config("spark.driver.memory", f"{int(memory_gib)}g")
            .config("spark.pyspark.python", sys.executable)
            .getOrCreate()
        )
        con = ibis.pyspark.connect(session)
        table = con.read_parquet(str(folder))
    if design == "randomised":
        from lodestar.analytics.in_engine.randomised import (
            PilotColumns,
            estimate_randomised_table,
        )

        # The panel's people who start as the pilot arm, the never trained as its comparison;
        # weeks before 50 as the baseline: three aggregate queries, nothing per person.
        arm_table = table.mutate(arm=ibis.ifelse(table.cohort > 0, 1, 0))
        est = estimate_randomised_table(
            arm_table,
            columns=PilotColumns(unit="employee_id", time="week", outcome="value", treated="arm"),
            split=50,
            engine=engine,
            source=str(folder),
        )
    else:
        est = _staggered(table, engine, folder, moments)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = peak_mib() / 1024  # GiB: this run's own (see peak_memory.py)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_gib": peak,
        "java_peak_gib": children if engine == "spark" else None,
        "estimate": est.estimate,
        "se": est.se,
        "path": est.details["engine"]["path"],
        "rows_read": est.details["engine"].get("rows_read", 0),
        "reduced_in": est.details["engine"].get("reduced_in", ""),
    }


def _staggered(table: Any, engine: str, folder: Path, moments: str) -> Any:
    from lodestar.analytics.in_engine.staggered import estimate_staggered_table

    return estimate_staggered_table(
        table,
        outcome="value",
        unit="employee_id",
        time="week",
        cohort="cohort",
        control_group="not_yet_treated",
        engine=engine,
        source=str(folder),
        moments_in=moments,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--engine", choices=["duckdb", "spark", "postgres"], default="duckdb")
    parser.add_argument("--moments", choices=["auto", "engine", "lodestar"], default="auto")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--table", help="PostgreSQL: an existing table of the panel (default bench_panel_<people>)"
    )
    parser.add_argument("--design", choices=["staggered", "randomised"], default="staggered")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-gib", type=float, default=3.0)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="Keep the Parquet files afterwards.")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a single run (internal)
    args = parser.parse_args()
    if args.one:
        print(
            json.dumps(
                one_run(
                    args.one,
                    args.engine,
                    args.cores,
                    args.memory_gib,
                    args.design,
                    args.moments,
                    args.postgres,
                )
            )
        )
        return
    folder, made, size = _data(args)
    results = []
    try:
        for run in range(args.runs):
            load = os.getloadavg()[0]
            out = (
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--one",
                        str(folder),
                        "--engine",
                        args.engine,
                        "--cores",
                        str(args.cores),
                        "--memory-gib",
                        str(args.memory_gib),
                        "--design",
                        args.design,
                        "--moments",
                        args.moments,
                        "--postgres",
                        args.postgres,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            result = json.loads(out)
            results.append(result)
            print(
                f"run {run + 1}: {result['seconds']:.1f} s "
                f"({result['cpu_seconds']:.0f} CPU s in this process), "
                f"peak {result['peak_gib']:.2f} GiB"
                + (f" (Java {result['java_peak_gib']:.2f} GiB)" if result["java_peak_gib"] else "")
                + f", path {result['path']} ({result['reduced_in'] or '-'})"
                + f", load average {load:.1f}"
            )
    finally:
        if made and not args.keep:
            shutil.rmtree(folder)
    rows = args.people * args.weeks
    median = statistics.median(float(r["seconds"]) for r in results)
    print(
        f"{args.engine} ({args.cores} core{'s' if args.cores > 1 else ''}), {rows:,} rows "
        f"({size:.2f} GiB {'table' if args.engine == 'postgres' else 'Parquet'}), "
        f"moments {args.moments}: median {median:.1f} s, "
        f"peak {max(r['peak_gib'] for r in results):.2f} GiB; "
        f"ATT {results[0]['estimate']:.4f} (se {results[0]['se']:.5f}); "
        f"load average now {os.getloadavg()[0]:.1f}"
    )


def _data(args: argparse.Namespace) -> tuple[Path, bool, float]:
    """The panel's folder (or PostgreSQL table), whether it was made here, and its GiB."""
    from external_panel_data import write_panel, write_postgres_panel

    if args.engine == "postgres":
        import psycopg

        name = args.table or (
            f"bench_panel_{args.people}" + ("" if args.weeks == 104 else f"x{args.weeks}")
        )
        with psycopg.connect(args.postgres) as con:
            found = con.execute("SELECT to_regclass(%s)", [name]).fetchone()
            if found is None or found[0] is None:
                seconds = write_postgres_panel(args.postgres, name, args.people, args.weeks)
                print(f"wrote {args.people:,} x {args.weeks} in {seconds:.1f} s to {name}")
            row = con.execute("SELECT pg_total_relation_size(%s)", [name]).fetchone()
        return Path(name), False, (row[0] if row else 0) / 1024**3
    folder = args.folder or Path(f"bench-panel-{args.people}x{args.weeks}")
    made = False
    if not any(folder.glob("*.parquet")):
        seconds = write_panel(folder, args.people, args.weeks)
        made = True
        print(f"wrote {args.people:,} x {args.weeks} in {seconds:.1f} s to {folder}")
    return folder, made, sum(p.stat().st_size for p in folder.glob("*.parquet")) / 1024**3


if __name__ == "__main__":
    main()
