"""R7: What If, Program 12.2 — IPW effect of quitting smoking on weight gain (NHEFS).

As in the book: a logistic model of qsmk on the covariates (education and exercise and active
as categories, squares of the continuous ones), unstabilised weights 1/P(A|L), then a weighted
regression of wt82_71 on qsmk fitted by GEE (independence) for a robust (sandwich) SE.

Run: uv run python tests/reference/scripts/nhefs_statsmodels.py
"""

from __future__ import annotations

import causaldata
import numpy as np
import statsmodels.api as sm
import statsmodels.formula.api as smf
from _common import done, reference, report


def main() -> None:
    nhefs = causaldata.nhefs_complete.load_pandas().data.copy()
    nhefs["seqn"] = np.arange(len(nhefs))
    propensity = smf.logit(
        "qsmk ~ sex + race + age + I(age**2) + C(education) + smokeintensity"
        " + I(smokeintensity**2) + smokeyrs + I(smokeyrs**2) + C(exercise) + C(active)"
        " + wt71 + I(wt71**2)",
        data=nhefs,
    ).fit(disp=0)
    p = propensity.predict(nhefs)
    weight = np.where(nhefs["qsmk"] == 1, 1 / p, 1 / (1 - p))
    gee = smf.gee("wt82_71 ~ qsmk", groups="seqn", data=nhefs, weights=weight,
                  cov_struct=sm.cov_struct.Independence()).fit()  # fmt: skip
    low, high = gee.conf_int().loc["qsmk"]
    r7 = reference("R7")
    tol = r7["tolerance"]["abs"]
    report("R7 IPW estimate", gee.params["qsmk"], r7["values"]["estimate"], tol)
    report("R7 95% CI low", low, r7["values"]["ci_low"], tol)
    report("R7 95% CI high", high, r7["values"]["ci_high"], tol)
    done()


if __name__ == "__main__":
    main()
