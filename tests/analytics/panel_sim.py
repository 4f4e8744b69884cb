"""Seeded person-week panels with known effects, shared by the panel-estimator tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_panel(
    *,
    n_units: int = 2_000,
    n_periods: int = 12,
    starts: dict[int, float] | None = None,
    effect: float | dict[int, float] = 2.0,
    dynamic: float = 0.0,
    pre_trend: float = 0.0,
    noise: float = 1.0,
    seed: int = 1,
) -> pd.DataFrame:
    """Long panel: y = unit effect + period effect + effect after start + noise.

    ``starts`` maps a start period to the share of people starting then (rest never treated).
    ``effect`` may differ by cohort; ``dynamic`` adds that much per period since the start;
    ``pre_trend`` gives participants a steeper slope in every period (violates parallel trends).
    """
    rng = np.random.default_rng(seed)
    starts = starts if starts is not None else {7: 0.5}
    cohort = np.zeros(n_units)
    u = rng.random(n_units)
    edge = 0.0
    for start, share in starts.items():
        cohort[(u >= edge) & (u < edge + share)] = start
        edge += share
    unit = np.repeat(np.arange(n_units), n_periods)
    time = np.tile(np.arange(1, n_periods + 1), n_units)
    g = np.repeat(cohort, n_periods)
    treated_now = (g > 0) & (time >= g)
    eff = np.zeros(len(unit))
    for start in starts:
        size = effect[start] if isinstance(effect, dict) else effect
        mask = treated_now & (g == start)
        eff[mask] = size + dynamic * (time[mask] - start)
    y = (
        np.repeat(rng.normal(10, 2, n_units), n_periods)
        + np.tile(np.sin(np.arange(n_periods)) + 0.1 * np.arange(n_periods), n_units)
        + pre_trend * (g > 0) * time
        + eff
        + rng.normal(0, noise, len(unit))
    )
    return pd.DataFrame(
        {
            "person": unit,
            "week": time,
            "kpi": y,
            "trained": treated_now.astype(int),
            "start": g,
            "team": unit % 97,
        }
    )
