"""R6: doubly robust DiD on NSW treated vs CPS, recomputed with moderndid (a port of R DRDID).

Run: uv run python tests/reference/scripts/drdid_moderndid.py
"""

from __future__ import annotations

import moderndid
from _common import done, reference, report

COVARIATES = "~ age + educ + black + married + nodegree + hisp + re74"


def main() -> None:
    nsw = moderndid.load_nsw().to_pandas()
    common = dict(yname="re", tname="year", idname="id", treatname="experimental",
                  xformla=COVARIATES)  # fmt: skip
    r6 = reference("R6")
    fits = {
        "improved": moderndid.drdid(nsw, est_method="imp", **common),
        "traditional": moderndid.drdid(nsw, est_method="trad", **common),
        "or": moderndid.ordid(nsw, **common),
        "ipw": moderndid.ipwdid(nsw, est_method="ipw", **common),
        "std_ipw": moderndid.ipwdid(nsw, est_method="std_ipw", **common),
    }
    for name, fit in fits.items():
        report(f"R6 {name}", float(fit.att), r6["values"][name], r6["tolerance"]["abs"])
    done()


if __name__ == "__main__":
    main()
