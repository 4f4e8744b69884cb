"""How long `lodestar --help` takes (it must answer in well under a second).

Prints the median of several runs of a fresh interpreter.
Run: .venv/bin/python benchmarks/cli_help.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 7


def main() -> None:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lodestar", "--help"], check=True, capture_output=True
        )
        times.append(time.perf_counter() - start)
    print(
        f"lodestar --help: median {statistics.median(times) * 1000:.0f} ms over {RUNS} runs "
        f"(min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
