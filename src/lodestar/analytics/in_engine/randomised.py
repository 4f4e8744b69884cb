"""A randomised pilot's effect (ANCOVA on each person's before and after means) computed where
the rows live: only aggregates travel to Python.

:func:`estimate_randomised_table` gives what :func:`lodestar.analytics.estimators.randomised.
estimate_randomised` gives on one row per person (``post_mean`` on assignment and
``pre_mean``, HC2 standard error, or CR1 by team when whole teams were drawn), to rounding,
from three aggregate queries written once as Ibis expressions:

1. per person (in the engine): the mean of the values before the first start and after it;
   people without both are left out, as ``person_level`` leaves them out. Over those people:
   their number and the sums of both means (one row): the centre of the next pass.
2. per arm (or per team and arm): the count, sums, sums of squares and the sum of products of
   the centred means: X'X and X'y of the regression (OLS with a constant is unchanged by
   centring, which keeps the sums well conditioned).
3. HC2 only: each person's leverage and residual from the fitted coefficients (sent to the
   engine as numbers), and per arm the sums of residual² / (1 - leverage) times 1, the
   centred before-mean and its square: the robust "meat". CR1 needs no third pass: each
   team's score is its X'y - X'X b.

When the lottery needs randomisation inference (fewer than 30 people or teams), when an arm is
too small or missing, when everyone's before-mean is the same, or when participation varies
within a team, each person's two means (one row per person, never the period rows) are read
and the in-memory estimator decides, with its own wording; ``details["engine"]`` says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy import stats

from lodestar.analytics.estimators.randomised import (
    AnalyticFit,
    attrition_diagnostic,
    balance_diagnostic,
    estimate_randomised,
    randomised_result,
)
from lodestar.analytics.evidence import FEW_CLUSTERS
from lodestar.analytics.in_engine.queries import finite_rows
from lodestar.analytics.panels import MIN_GROUP_SIZE
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput


@dataclass(frozen=True)
class PilotColumns:
    """Which column holds what: the person, the period, the KPI value, the arm (1 in the
    pilot group, 0 in the comparison group) and, when whole teams were drawn, the team."""

    unit: str
    time: str
    outcome: str
    treated: str
    cluster: str | None = None


def person_means(rows: ir.Table, c: PilotColumns, split: object) -> ir.Table:
    """One row per person observed both before ``split`` (periods ``< split``) and from it
    on: unit, arm, team (when clustered), pre_mean and post_mean. NaN and infinite values
    are no observation (:func:`.queries.finite_rows`)."""
    rows = finite_rows(rows, c.outcome)
    seen = rows.filter(rows[c.outcome].notnull())
    before = seen[c.time] < split
    y = seen[c.outcome].cast("float64")
    keys = [seen[c.unit].name("unit"), seen[c.treated].cast("int64").name("arm")]
    if c.cluster:
        keys.append(seen[c.cluster].name("team"))
    per = seen.group_by(keys).aggregate(
        n_pre=ibis.ifelse(before, 1, 0).sum(),
        s_pre=ibis.ifelse(before, y, 0.0).sum(),
        n_post=ibis.ifelse(before, 0, 1).sum(),
        s_post=ibis.ifelse(before, 0.0, y).sum(),
    )
    per = per.filter((per.n_pre > 0) & (per.n_post > 0))
    return per.select(
        *(["unit", "arm"] + (["team"] if c.cluster else [])),
        pre_mean=per.s_pre / per.n_pre,
        post_mean=per.s_post / per.n_post,
    )


def centre(people: ir.Table) -> ir.Table:
    """Pass 1: how many people, the sums of both means, the lowest and highest before-mean."""
    return people.aggregate(
        n=people.count(),
        s_pre=people.pre_mean.sum(),
        s_post=people.post_mean.sum(),
        low=people.pre_mean.min(),
        high=people.pre_mean.max(),
    )


def arm_moments(people: ir.Table, m_pre: float, m_post: float, clustered: bool) -> ir.Table:
    """Pass 2: per arm (and team) the count, sums, squares and products of the centred means."""
    p = people.pre_mean - m_pre
    q = people.post_mean - m_post
    keys = ["arm", "team"] if clustered else ["arm"]
    return people.group_by(keys).aggregate(
        n=people.count(),
        sp=p.sum(),
        sq=q.sum(),
        spp=(p * p).sum(),
        sqq=(q * q).sum(),
        spq=(p * q).sum(),
    )


def hc2_meat(
    people: ir.Table, m_pre: float, m_post: float, b: np.ndarray, inverse: np.ndarray
) -> ir.Table:
    """Pass 3: per arm the sums of w, w p and w p² with w = residual² / (1 - leverage), for
    the regressors (arm, 1, p) with coefficients ``b`` and (X'X)^-1 ``inverse``."""
    p = people.pre_mean - m_pre
    q = people.post_mean - m_post
    t = people.arm.cast("float64")
    a = [[float(v) for v in row] for row in inverse]
    leverage = (
        (a[0][0] + 2 * a[0][1]) * t
        + 2 * a[0][2] * t * p
        + a[1][1]
        + 2 * a[1][2] * p
        + a[2][2] * p * p
    )
    residual = q - float(b[0]) * t - float(b[1]) - float(b[2]) * p
    w = residual * residual / (1.0 - leverage)
    return people.group_by("arm").aggregate(
        n=people.count(), w=w.sum(), wp=(w * p).sum(), wpp=(w * p * p).sum()
    )


def estimate_randomised_table(
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
    """The pilot's effect on the KPI in ``table`` (person-period rows of the pilot and
    comparison groups), with periods before ``split`` as the baseline, computed where the
    table lives. ``engine`` and ``source`` name the engine and the table for the record."""
    info = info or OutcomeInfo(name=columns.outcome)
    if not 0.5 < confidence < 1:
        raise InvalidInput(f"The confidence level must lie between 0.5 and 1; got {confidence}.")
    record: dict[str, Any] = {"engine": engine, "source": source}
    people = person_means(table, columns, split)
    centre_row = centre(people).to_pandas().iloc[0]
    n = int(centre_row["n"])
    clustered = columns.cluster is not None

    def per_person(why: str) -> EffectEstimate:
        return _per_person(people, columns, info, confidence, min_group_size, record, why)

    if n == 0:
        raise InvalidInput(
            f"Nobody in the pilot or comparison group has values of {info.name} both before "
            "and after the program's first start. Check the start dates against the KPI's "
            "history, then try again."
        )
    if float(centre_row["low"]) == float(centre_row["high"]):
        return per_person("Everyone's mean before the start is the same, so it adjusts nothing.")
    m_pre, m_post = float(centre_row["s_pre"]) / n, float(centre_row["s_post"]) / n
    groups = arm_moments(people, m_pre, m_post, clustered).to_pandas()
    arm = groups["arm"].to_numpy(dtype=np.float64)
    n1 = int(groups.loc[arm == 1, "n"].sum())
    n0 = int(groups.loc[arm == 0, "n"].sum())
    if not set(np.unique(arm)) <= {0.0, 1.0} or min(n1, n0) < min_group_size:
        return per_person("An arm is missing or too small; the in-memory checks say so.")
    n_units = n
    if clustered:
        n_units = int(groups["team"].nunique())
        if n_units < len(groups):
            return per_person(
                "Participation varies within some teams; the in-memory checks say so."
            )
    if n_units < FEW_CLUSTERS:
        return per_person(
            f"With fewer than {FEW_CLUSTERS} people or teams drawn, the interval comes from "
            "re-drawing the lottery, which needs each person's means."
        )
    xtx = np.zeros((3, 3))
    xty = np.zeros(3)
    blocks = []
    for row in groups.itertuples(index=False):
        t, cnt, sp, sq, spp, spq = (
            float(row.arm),
            float(row.n),
            float(row.sp),
            float(row.sq),
            float(row.spp),
            float(row.spq),
        )
        a = np.array([[t * cnt, t * cnt, t * sp], [t * cnt, cnt, sp], [t * sp, sp, spp]])
        v = np.array([t * sq, sq, spq])
        xtx += a
        xty += v
        blocks.append((a, v))
    inverse = np.linalg.inv(xtx)
    b = inverse @ xty
    k = 3
    if clustered:
        meat = np.zeros((3, 3))
        for a, v in blocks:
            score = v - a @ b
            meat += np.outer(score, score)
        cov = inverse @ meat @ inverse
        cov *= n_units / (n_units - 1.0) * (n - 1.0) / (n - k)
        df = n_units - 1
        passes = 2
    else:
        sums = hc2_meat(people, m_pre, m_post, b, inverse).to_pandas()
        meat = np.zeros((3, 3))
        for row in sums.itertuples(index=False):
            t, w, wp, wpp = float(row.arm), float(row.w), float(row.wp), float(row.wpp)
            meat += np.array([[t * w, t * w, t * wp], [t * w, w, wp], [t * wp, wp, wpp]])
        cov = inverse @ meat @ inverse
        df = n - k
        passes = 3
    estimate, se = float(b[0]), float(np.sqrt(cov[0, 0]))
    q = float(stats.t.ppf(1 - (1 - confidence) / 2, df))
    ci_low, ci_high = estimate - q * se, estimate + q * se
    p_value = float(2 * stats.t.sf(abs(estimate / se), df))
    by_arm = groups.groupby("arm")[["n", "sp", "spp"]].sum()
    moments = {
        int(a): (
            m_pre + float(r.sp) / float(r.n),
            (float(r.spp) - float(r.sp) ** 2 / float(r.n)) / (float(r.n) - 1.0),
        )
        for a, r in by_arm.iterrows()
    }
    balance = balance_diagnostic(
        [("pre_mean", moments[1][0], moments[0][0], moments[1][1], moments[0][1])]
    )
    est = randomised_result(
        AnalyticFit(estimate, se, ci_low, ci_high, p_value),
        method="ancova",
        n_treated=n1,
        n_comparison=n0,
        n_units=n_units,
        clustered=clustered,
        baseline=moments[1][0],
        diagnostics=[attrition_diagnostic(0.0, 0.0), balance],
        details={
            "se_type": "CR1" if clustered else "HC2",
            "analytic_ci": (ci_low, ci_high),
            "analytic_p_value": p_value,
            "rows_dropped": 0,
            "adjusted_for": ["pre_mean"],
        },
        ri=None,
        confidence=confidence,
        info=info,
    )
    record.update(
        path="aggregates",
        people=n,
        travelled=(
            f"{passes} aggregate queries: the people's count and sums, then per "
            + ("team and arm" if clustered else "arm")
            + f" the sums of squares and products ({len(groups):,} rows)"
            + ("" if clustered else ", then per arm the robust sums of the residuals")
            + "; no person's values."
        ),
    )
    return dataclasses.replace(est, details={**est.details, "engine": record})


def _per_person(
    people: ir.Table,
    c: PilotColumns,
    info: OutcomeInfo,
    confidence: float,
    min_group_size: int,
    record: dict[str, Any],
    why: str,
) -> EffectEstimate:
    """The in-memory estimator on each person's two means (one row per person)."""
    frame: pd.DataFrame = people.order_by("unit").to_pandas()
    est = estimate_randomised(
        frame,
        outcome="post_mean",
        treatment="arm",
        pre_outcome="pre_mean",
        cluster="team" if c.cluster else None,
        info=info,
        confidence=confidence,
        min_group_size=min_group_size,
    )
    record = {
        **record,
        "path": "people",
        "why": why,
        "people": len(frame),
        "travelled": f"{len(frame):,} rows, one per person: the means before and after the start.",
    }
    return dataclasses.replace(est, details={**est.details, "engine": record})
