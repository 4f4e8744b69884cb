"""The HonestDiD README's Medicaid event study, recomputed from moderndid's copy of ehec_data
(TWFE ``dins ~ i(year, D, ref = 2013) | stfips + year``, clustered by state; years before 2016,
without the 2015 cohort): 5 pre-start and 2 post-start coefficients."""

from __future__ import annotations

from functools import cache

import numpy as np

from lodestar.analytics.sensitivity.honest_did import EventStudy


@cache
def medicaid_event_study() -> EventStudy:
    import moderndid
    import pyfixest as pf

    df = moderndid.load_ehec().to_pandas()
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))].copy()
    df["D"] = (df["yexp2"] == 2014).astype(int)
    fit = pf.feols("dins ~ i(year, D, ref=2013) | stfips + year", data=df, vcov={"CRV1": "stfips"})
    return EventStudy((-6, -5, -4, -3, -2, 0, 1), fit.coef().to_numpy(), np.asarray(fit._vcov))
