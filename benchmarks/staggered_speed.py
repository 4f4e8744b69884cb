"""Callaway & Sant'Anna speed: Lodestar's numpy engine vs moderndid vs pyfixest bare TWFE.

Prints median wall-clock seconds on a simulated person-week panel (8 monthly-ish start
cohorts + never treated). Usage: ``uv run python benchmarks/staggered_speed.py [units ...]``
(default 20000; 100000 takes minutes for moderndid). Figures, not assertions.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

N_PERIODS = 104


def simulate(n_units: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    starts = np.array([0, 20, 30, 40, 50, 60, 70, 80, 90])
    cohort = rng.choice(starts, n_units, p=[0.4] + [0.075] * 8)
    unit = np.repeat(np.arange(n_units), N_PERIODS)
    week = np.tile(np.arange(1, N_PERIODS + 1), n_units)
    g = np.repeat(cohort, N_PERIODS)
    treated = (g > 0) & (week >= g)
    y = np.repeat(rng.normal(0, 1, n_units), N_PERIODS) + 0.01 * week + 0.3 * treated
    y = y + rng.normal(0, 1, len(y))
    return pd.DataFrame(
        {"person": unit, "week": week, "kpi": y, "start": g, "trained": treated.astype(float)}
    )


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(sizes: list[int]) -> None:
    import moderndid
    import pyfixest as pf

    from lodestar.analytics.estimators.staggered import estimate_staggered

    for n in sizes:
        data = simulate(n)
        repeat = 3 if n <= 20_000 else 1
        print(f"{n:,} units x {N_PERIODS} periods = {len(data):,} rows")
        t = median_time(
            lambda data=data: estimate_staggered(
                data,
                outcome="kpi",
                unit="person",
                time="week",
                cohort="start",
                engine="lodestar",
            ),
            repeat,
        )
        print(f"  lodestar CS (validation + ATT(g,t) + 4 aggregations + SEs): {t:7.2f} s")
        md_data = data[["person", "week", "kpi", "start"]]
        t = median_time(
            lambda md_data=md_data: [
                moderndid.aggte(mp, type=k, cband=False)
                for mp in [
                    moderndid.att_gt(
                        md_data,
                        yname="kpi",
                        tname="week",
                        idname="person",
                        gname="start",
                        est_method="reg",
                        cband=False,
                    )
                ]
                for k in ("simple", "dynamic", "group", "calendar")
            ],
            repeat,
        )
        print(f"  moderndid att_gt + 4 aggte:                                {t:7.2f} s")
        pf.feols("kpi ~ trained | person + week", data=data.head(10_000))  # JIT warm-up
        t = median_time(
            lambda data=data: pf.feols(
                "kpi ~ trained | person + week", data=data, vcov={"CRV1": "person"}
            ),
            repeat,
        )
        print(f"  pyfixest bare TWFE (CRV1 by person):                       {t:7.2f} s")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20_000])
