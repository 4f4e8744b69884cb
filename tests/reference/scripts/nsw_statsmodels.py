"""R1 and R2: the NSW experimental sample, recomputed with statsmodels OLS.

Run: uv run python tests/reference/scripts/nsw_statsmodels.py
"""

from __future__ import annotations

import causaldata
import numpy as np
import statsmodels.formula.api as smf
from _common import done, reference, report


def main() -> None:
    nsw = causaldata.nsw_mixtape.load_pandas().data.drop(columns=["data_id"]).astype(np.float64)
    nsw["age_sq"] = nsw["age"] ** 2
    r1, r2 = reference("R1"), reference("R2")
    plain = smf.ols("re78 ~ treat", data=nsw).fit()  # classical SE = pooled-variance t-test
    report("R1 difference in means", plain.params["treat"], r1["values"]["estimate"],
           r1["tolerance"]["abs"])  # fmt: skip
    report("R1 classical SE", plain.bse["treat"], r1["values"]["se"], r1["tolerance"]["abs"])
    formula = "re78 ~ treat + age + age_sq + educ + nodegree + black + hisp + re74 + re75"
    adjusted = smf.ols(formula, data=nsw).fit()
    robust = smf.ols(formula, data=nsw).fit(cov_type="HC2")
    tol = r2["tolerance"]["abs"]
    report("R2 adjusted estimate", adjusted.params["treat"], r2["values"]["estimate"], tol)
    report("R2 classical SE", adjusted.bse["treat"], r2["values"]["se"], tol)
    report("R2 HC2 SE", robust.bse["treat"], r2["values"]["se_hc2"], tol)
    done()


if __name__ == "__main__":
    main()
