"""Small groups are a warning, not a wall: which groups are below ``min_units``, their weight.

The public API (:func:`~lodestar.analytics.estimate.estimate_effect`) analyses groups of any
size it can estimate (two per group for a variance; one treated unit for a panel) and then
calls :func:`flag_small_groups`, which adds to the result:

- a warning naming each start cohort (or the participant or comparison group) with fewer than
  ``min_units`` units, and the share of the headline estimate it carries — in the
  Callaway & Sant'Anna simple average a cohort ``g`` weighs ``n_g × (its post-start periods)``;
- a diagnostic ``small_groups``: failed (the evidence is graded weak) when small groups carry
  half the weight or more, or the comparison group is small; informative otherwise (any
  warning already keeps the grade below strong);
- a diagnostic ``few_treated`` (failed) and a sentence when the whole estimate rests on one or
  two treated units: then no standard error describes the uncertainty well (Conley & Taber
  2011; MacKinnon & Webb 2017), and a randomisation (placebo) test is the honest check.

The privacy rule of the app (aggregates over fewer than five people are hidden) is separate
and unchanged: the services still refuse small cohorts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from lodestar.analytics.nouns import count
from lodestar.analytics.results import Diagnostic, EffectEstimate

__all__ = ["FEW_TREATED", "MIN_UNITS", "cohort_weights", "flag_small_groups"]

MIN_UNITS = 5  # the default of the public option ``min_units``
FEW_TREATED = 2  # at most this many treated units: the estimate rests on them alone
HEAVY_SHARE = 0.5  # small groups carrying this share of the weight or more: weak evidence


def cohort_weights(details: Mapping[str, Any]) -> dict[float, float]:
    """Each start cohort's share of the simple (headline) average of group-time effects."""
    sizes = {float(k): int(v) for k, v in dict(details.get("cohort_sizes", {})).items()}
    post: dict[float, int] = {}
    for cell in details.get("group_time", []):
        g, t = float(cell["cohort"]), float(cell["period"])
        if t >= g:
            post[g] = post.get(g, 0) + 1
    raw = {g: n * post.get(g, 0) for g, n in sizes.items()}
    total = sum(raw.values())
    return {g: w / total for g, w in raw.items()} if total else {}


def _small_cohorts(est: EffectEstimate, min_units: int) -> tuple[list[str], float]:
    weights = cohort_weights(est.details)
    sizes = {float(k): int(v) for k, v in dict(est.details.get("cohort_sizes", {})).items()}
    small = {g: n for g, n in sizes.items() if n < min_units}
    listing = [
        f"period {g:g} ({count(n, est.population)}, {100 * weights.get(g, 0):.0f}% of the weight)"
        for g, n in sorted(small.items())
    ]
    return listing, sum(weights.get(g, 0.0) for g in small)


def flag_small_groups(est: EffectEstimate, *, min_units: int) -> EffectEstimate:
    """``est`` with the small-group and few-treated warnings and diagnostics that apply."""
    noun = est.population
    warnings: list[str] = []
    diagnostics: list[Diagnostic] = []
    share = 0.0
    if est.design == "staggered" and "cohort_sizes" in est.details:
        listing, share = _small_cohorts(est, min_units)
        if listing:
            warnings.append(
                f"Some start cohorts have fewer than {count(min_units, noun)} (min_units): "
                f"{'; '.join(listing)}. Their group-time effects rest on few {noun} and together "
                f"carry {100 * share:.0f}% of the headline average; read the cohort breakdown "
                "before relying on it."
            )
    elif 0 < est.n_treated < min_units:
        share = 1.0
        warnings.append(
            f"Only {count(est.n_treated, noun)} took part, fewer than min_units = {min_units}; "
            "the estimate rests entirely on them, so treat it as an indication."
        )
    small_comparison = 0 < est.n_comparison < min_units
    if small_comparison:
        warnings.append(
            f"The comparison group has only {count(est.n_comparison, noun)}, fewer than "
            f"min_units = {min_units}; what would have happened without the program is read "
            "from very few, so treat the estimate as an indication."
        )
    if warnings:
        heavy = share >= HEAVY_SHARE or small_comparison
        diagnostics.append(
            Diagnostic(
                name="small_groups",
                label="Small groups",
                passed=False if heavy else None,
                value=share,
                detail=" ".join(warnings),
                data={"min_units": min_units, "small_weight_share": share},
            )
        )
    already = any(d.name == "few_treated" for d in est.diagnostics)
    if (
        0 < est.n_treated <= FEW_TREATED
        and est.design in ("did", "staggered", "randomised")
        and not already
    ):
        diagnostics.append(
            Diagnostic(
                name="few_treated",
                label="Few treated units",
                passed=False,
                value=float(est.n_treated),
                detail=(
                    f"The estimate rests on {count(est.n_treated, 'treated ' + noun)}: its "
                    "standard error cannot describe how much one unit's own shocks move it."
                ),
            )
        )
        if "randomisation" not in est.details and "placebo" not in est.details:
            warnings.append(
                f"The estimate rests on {count(est.n_treated, 'treated ' + noun)}; its interval "
                "understates the uncertainty, because anything else that happened to "
                f"{'that unit' if est.n_treated == 1 else 'those units'} at the start looks "
                "like the program's effect."
            )
    if not warnings and not diagnostics:
        return est
    return dataclasses.replace(
        est,
        warnings=(*est.warnings, *warnings),
        diagnostics=(*est.diagnostics, *diagnostics),
    )
