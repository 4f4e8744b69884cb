"""Small-group suppression for skills tables, through the product's one rule
(``services.privacy.groups.GroupRule``).

A skills table shows disjoint groups of people (teams, job titles, departments) per skill,
under a total per skill that another page or filter shows too (the heat map's column total,
the company figure). So within each skill the groups are suppressed *complementarily*: every
group under the minimum, then the next-smallest, until the hidden groups together hold at
least the minimum, so that the total minus the shown groups never isolates fewer people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lodestar.services.privacy.groups import GroupRule


def hidden_mask(
    table: pd.DataFrame, group: str, size: str, within: str, rule: GroupRule
) -> np.ndarray:
    """True where the row's figures must be hidden: complementary suppression of the
    ``group`` rows inside each ``within`` value, by the people counted in ``size``."""
    hidden = np.zeros(len(table), dtype=bool)
    if table.empty:
        return hidden
    positions = pd.Series(np.arange(len(table)), index=table.index)
    for _, rows in table.groupby(within, sort=False):
        sizes = {key: int(n) for key, n in zip(rows[group], rows[size], strict=True)}
        gone = rule.hidden_groups(sizes)
        if gone:
            hide = rows[group].isin(gone).to_numpy()
            hidden[positions.loc[rows.index].to_numpy()[hide]] = True
    return hidden


__all__ = ["hidden_mask"]
