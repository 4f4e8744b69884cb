"""Honest DiD under relative magnitudes: time per M-bar and agreement with the published numbers.

Prints, as medians of several runs:
- the Medicaid example of the HonestDiD README (5 pre-start, 2 post-start coefficients): seconds
  per M-bar for the first-year effect and for the breakdown value, and the largest distance
  from the published intervals (R14, R15 in tests/reference/values.toml);
- a larger event study (8 and 8 periods, the most the program pages use): seconds for the
  page's whole grid of 11 M-bar values with the breakdown value;
- with ``--moderndid``, one M-bar through moderndid's port of HonestDiD for comparison (about a
  minute).

Run from the repository root: ``.venv/bin/python benchmarks/honest_did_speed.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.analytics.medicaid import medicaid_event_study  # noqa: E402
from tests.reference import values  # noqa: E402

from lodestar.analytics.sensitivity import M_BAR_GRID  # noqa: E402
from lodestar.analytics.sensitivity.honest_did import EventStudy  # noqa: E402
from lodestar.analytics.sensitivity.relative_magnitudes import relative_magnitudes  # noqa: E402

RUNS = 5


def median_seconds(run: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    study = medicaid_event_study()
    first, average = values("R14"), values("R15")
    per_m = median_seconds(
        lambda: relative_magnitudes(study, m_bar=(1.0,), l_vec=[1.0, 0.0], breakdown=False)
    )
    whole = median_seconds(
        lambda: relative_magnitudes(study, m_bar=first["m_bar"], l_vec=[1.0, 0.0])
    )
    rm = relative_magnitudes(study, m_bar=first["m_bar"], l_vec=[1.0, 0.0])
    gap = max(
        np.max(np.abs(np.subtract(rm.ci_low, first["ci_low"]))),
        np.max(np.abs(np.subtract(rm.ci_high, first["ci_high"]))),
    )
    avg = relative_magnitudes(study, m_bar=average["m_bar"], l_vec=[0.5, 0.5], breakdown=False)
    gap_avg = max(
        np.max(np.abs(np.subtract(avg.ci_low, average["ci_low"]))),
        np.max(np.abs(np.subtract(avg.ci_high, average["ci_high"]))),
    )
    print("Medicaid example (5 pre / 2 post)")
    print(f"  one M-bar, first-year effect:            {per_m:.3f} s")
    print(f"  4 M-bar values and the breakdown value:  {whole:.3f} s")
    print(f"  breakdown value M-bar*:                  {rm.breakdown:.3f} (published: 2, step 0.5)")
    print(f"  largest distance from R14 (HonestDiD):   {gap:.2e}")
    print(f"  largest distance from R15 (Stata, 3 dp): {gap_avg:.2e}")

    rng = np.random.default_rng(1)
    root = rng.normal(size=(16, 16)) * 0.01
    big = EventStudy(
        (*range(-9, -1), *range(8)),
        np.r_[rng.normal(0, 0.01, 8), 0.1 + rng.normal(0, 0.01, 8)],
        root @ root.T + np.eye(16) * 1e-4,
    )
    one = median_seconds(lambda: relative_magnitudes(big, m_bar=(1.0,), breakdown=False))
    page = median_seconds(lambda: relative_magnitudes(big, m_bar=M_BAR_GRID))
    print("Event study with 8 pre / 8 post periods")
    print(f"  one M-bar:                               {one:.3f} s")
    print(f"  the page's {len(M_BAR_GRID)} M-bar values and breakdown:   {page:.3f} s")

    if "--moderndid" in sys.argv:
        from moderndid.didhonest import create_sensitivity_results_rm

        start = time.perf_counter()
        create_sensitivity_results_rm(
            betahat=study.estimates,
            sigma=study.vcov,
            num_pre_periods=5,
            num_post_periods=2,
            m_bar_vec=np.array([1.0]),
            l_vec=np.array([1.0, 0.0]),
        )
        print(f"moderndid, one M-bar (one run):            {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
