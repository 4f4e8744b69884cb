"""The naive comparison (participants against everyone else, no adjustment; not causal)
computed where the rows live: only aggregates travel to Python.

:func:`estimate_naive_table` gives what :func:`lodestar.analytics.estimators.naive.
estimate_naive` gives on one row per person (the mean of each person's KPI values after the
program's first start, participants against the others: a difference in means with the HC2
standard error), to rounding, from two aggregate queries written once as Ibis expressions
(the randomised pilot's, :mod:`.randomised`):

1. per person (in the engine): the mean of the values before the first start and after it;
   people without both are left out, as ``person_level`` leaves them out. Over those people:
   their number and the sum of their after-means (one row): the centre of the next pass.
2. per group (participants, others): the count, the sum and the sum of squares of the
   centred after-means (one row per group).

With one 0/1 regressor and a constant, OLS is the difference of the two groups' means and its
HC2 variance is Welch's, s1²/n1 + s0²/n0 (each person's leverage is 1/n of their group), with
a t distribution on n - 2 degrees of freedom, as statsmodels reports it in memory.

When a group is missing or smaller than the minimum, each person's after-mean is read (one
row per person) and the in-memory estimator refuses in its own words.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import ibis.expr.types as ir
import numpy as np
from scipy import stats

from lodestar.analytics.estimators.naive import NaiveFit, estimate_naive, naive_result
from lodestar.analytics.in_engine.randomised import PilotColumns, arm_moments, centre, person_means
from lodestar.analytics.panels import MIN_GROUP_SIZE
from lodestar.analytics.results import EffectEstimate, OutcomeInfo


def estimate_naive_table(
    table: ir.Table,
    *,
    columns: PilotColumns,
    split: object,
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
    min_group_size: int = MIN_GROUP_SIZE,
    engine: str = "",
    source: str = "",
) -> EffectEstimate:
    """Participants' mean KPI after ``split`` (periods ``>= split``) minus everyone else's,
    among the people observed before and after it, computed where ``table`` lives.
    ``columns.treated`` holds 1 for participants and 0 for the others."""
    info = info or OutcomeInfo(name=columns.outcome)
    record: dict[str, Any] = {"engine": engine, "source": source}
    people = person_means(table, dataclasses.replace(columns, cluster=None), split)
    row = centre(people).to_pandas().iloc[0]
    n = int(row["n"])
    m_post = float(row["s_post"]) / n if n else 0.0
    groups = arm_moments(people, 0.0, m_post, clustered=False).to_pandas()
    arm = groups["arm"].to_numpy(dtype=np.float64)
    n1 = int(groups.loc[arm == 1, "n"].sum())
    n0 = int(groups.loc[arm == 0, "n"].sum())
    if not set(np.unique(arm)) <= {0.0, 1.0} or min(n1, n0) < min_group_size:
        frame = people.select("unit", "arm", "post_mean").order_by("unit").to_pandas()
        est = estimate_naive(
            frame,
            outcome="post_mean",
            treatment="arm",
            info=info,
            confidence=confidence,
            min_group_size=min_group_size,
        )
        record.update(
            path="people",
            why="A group is missing or too small; the in-memory checks say so.",
            people=len(frame),
            travelled=f"{len(frame):,} rows, one per person: the mean after the start.",
        )
        return dataclasses.replace(est, details={**est.details, "engine": record})
    by = groups.set_index("arm").astype(np.float64)
    # Each group's mean and variance of the after-means, centred on everyone's mean.
    mean = {a: by.loc[a, "sq"] / by.loc[a, "n"] for a in (0, 1)}
    var = {a: (by.loc[a, "sqq"] - by.loc[a, "sq"] * mean[a]) / (by.loc[a, "n"] - 1) for a in (0, 1)}
    estimate = float(mean[1] - mean[0])
    se = math.sqrt(float(var[1] / n1 + var[0] / n0))
    df = n1 + n0 - 2
    q = float(stats.t.ppf(1 - (1 - confidence) / 2, df))
    fit = NaiveFit(
        estimate=estimate,
        se=se,
        ci_low=estimate - q * se,
        ci_high=estimate + q * se,
        p_value=float(2 * stats.t.sf(abs(estimate / se), df)),
        baseline=m_post + float(mean[0]),
    )
    est = naive_result(fit, n_treated=n1, n_comparison=n0, info=info, confidence=confidence)
    record.update(
        path="aggregates",
        people=n,
        travelled=(
            "2 aggregate queries: the people's count and sums, then per group (participants, "
            "others) the count, sum and sum of squares of the mean after the start; no "
            "person's values."
        ),
    )
    return dataclasses.replace(est, details={**est.details, "engine": record})
