"""Who joins the pilot: a seeded, stratified lottery, by person or by whole team.

Within each stratum (e.g. region × tenure band) the units — people, or teams when ``cluster`` is
given — are shuffled and the first ``round(share × k)`` join the pilot; when ``share × k`` is not
a whole number the odd unit joins with the fractional probability, so the expected share is exact
and each stratum is balanced to within one unit (complete randomisation within blocks:
Imbens & Rubin 2015, *Causal Inference*, ch. 9). The same ``seed`` gives the same lottery.

Analyse the pilot with the same ``cluster`` and ``strata`` (``estimate_randomised``) so that the
analysis matches the lottery.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lodestar.analytics.checks import require_columns
from lodestar.errors import InvalidInput

__all__ = ["TREATED", "assign"]

TREATED = "treated"


def assign(
    people: pd.DataFrame,
    *,
    id: str,
    strata: Sequence[str] = (),
    cluster: str | None = None,
    share: float = 0.5,
    seed: int,
) -> pd.DataFrame:
    """Assign people (or whole ``cluster`` teams) to the pilot, balanced within ``strata``.

    Returns one row per person, in the input order: ``id``, ``cluster``, the strata columns and
    ``treated`` (1 = pilot, 0 = comparison). ``table.attrs`` records seed, share and unit.
    """
    if isinstance(strata, str):
        strata = (strata,)
    strata = tuple(strata)
    require_columns(people, [id, cluster, *strata])
    if not 0.0 < share < 1.0:
        raise InvalidInput(f"The pilot share must lie strictly between 0 and 1; got {share}.")
    if people[id].duplicated().any():
        raise InvalidInput(f"Each person must appear once in column {id!r}; remove duplicates.")
    key_cols = [c for c in (cluster, *strata) if c]
    if people[key_cols].isna().any().any():
        raise InvalidInput("Some people have no team or stratum; fill those columns in first.")
    unit = cluster or id
    units = people[[unit, *strata]].drop_duplicates()
    if units[unit].duplicated().any():
        raise InvalidInput(
            f"Some {unit!r} teams span several strata; strata must describe whole teams when "
            "teams are assigned. Use team-level strata (e.g. the team's region)."
        )
    rng = np.random.default_rng(seed)
    groups = units.groupby(list(strata), sort=True) if strata else [((), units)]
    chosen: list[object] = []
    for _, block in groups:
        k = len(block)
        target = share * k
        n_treat = int(np.floor(target)) + int(rng.random() < target - np.floor(target))
        order = rng.permutation(k)
        chosen.extend(block[unit].to_numpy()[order[:n_treat]].tolist())
    table = people[[id, *([cluster] if cluster else []), *strata]].copy()
    table[TREATED] = table[unit].isin(set(chosen)).astype(int)
    table.attrs.update({"seed": seed, "share": share, "unit": unit, "strata": list(strata)})
    return table
