"""Estimate a pilot's effect from a plain pandas DataFrame with the public API.

Run: .venv/bin/python docs/examples/estimate_effect.py
"""

import numpy as np
import pandas as pd

import lodestar

rng = np.random.default_rng(7)
agents = 400
took_part = rng.permutation(np.repeat([0, 1], agents // 2))  # a randomised pilot
before = rng.normal(18.0, 3.0, agents)  # repeat-contact rate before the pilot, %
after = before + rng.normal(0.0, 1.5, agents) - 1.8 * took_part  # true effect: -1.8 points

frame = pd.DataFrame({"repeat_rate": after, "took_part": took_part, "before": before})
result = lodestar.estimate_effect(
    frame,
    outcome="repeat_rate",
    treatment="took_part",
    covariates=["before"],
    design="randomised",
    info=lodestar.OutcomeInfo(
        name="Repeat-contact rate", unit="%", direction="down", population="agents"
    ),
)
print(result.summary())
print(f"estimate {result.estimate:.2f}, 95% CI {result.ci_low:.2f} to {result.ci_high:.2f}")
print(f"estimand: {result.estimand}; method: {result.method_label}")
for warning in result.warnings:
    print("warning:", warning)
