"""How long a program brief takes to make, warm: the service read, the view, the HTML and the
one-page PDF (WeasyPrint), on the documented demo (2,000 positions, seed 42), FCR pilot.

    .venv/bin/python benchmarks/brief_render.py [--runs 15]

Prints the median and range of warm runs (the first run, which starts vl-convert and loads
WeasyPrint's fonts, is reported apart), the median CPU time of this process per run (what a
render costs, whatever else the machine is doing) and the load average before and after, since
the machine may be shared: on a loaded machine wall time is mostly waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import Program, User
from lodestar.db.session import make_engine
from lodestar.reports.brief_output import program_brief_file
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.impact.program_impact import estimate_program_impact


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        with Session(engine) as s, s.begin():
            seed_demo(s, employees=2000, seed=42)
            ld = actor_of(s.scalars(select(User).where(User.role == "ld")).first())
            pid = s.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
            estimate_program_impact(s, ld, pid)
            executive = actor_of(s.scalars(select(User).where(User.role == "executive")).first())
        load_before = os.getloadavg()
        for fmt in ("pdf", "html"):
            times, cpu = [], []
            for _ in range(args.runs + 1):
                with Session(engine) as s:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    program_brief_file(s, executive, pid, fmt=fmt)  # type: ignore[arg-type]
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
            cold, warm = times[0], times[1:]
            print(
                f"brief {fmt}: first {cold:.3f} s; warm median {statistics.median(warm):.3f} s "
                f"(min {min(warm):.3f}, max {max(warm):.3f}, {len(warm)} runs); "
                f"CPU median {statistics.median(cpu[1:]):.3f} s"
            )
        engine.dispose()
    print(
        "load average (1, 5, 15 min) before: " + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )  # fmt: skip


if __name__ == "__main__":
    main()
