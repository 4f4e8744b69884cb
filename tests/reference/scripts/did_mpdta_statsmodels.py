"""R10 and R11: difference-in-differences on mpdta subsets, recomputed with statsmodels.

R10 (2x2, cohort 2004 vs never treated, 2003 -> 2004): in a balanced two-period panel the
two-way fixed-effects estimate equals the first-difference regression dy ~ treated; its
county-clustered CR1 SE equals the HC1 SE of that regression up to pyfixest's small-sample
factor. The published value is the R did README's ATT(2004, 2004).

R11 (cohort 2006 vs never treated, 2003-2007): OLS with county and year dummies (statsmodels),
cluster-robust by county (CR1: G/(G-1) (N-1)/(N-K)). statsmodels counts every dummy in K;
pyfixest (which Lodestar uses) does not count the county effects, which are nested in the
clusters, so the statsmodels SE is multiplied by sqrt((N-K_all)/(N-K)) with K = 1 + the year
effects (intercept included). Event-study coefficients: one dummy per year relative to
2005 for treated counties, the same fixed effects.

Run: uv run python tests/reference/scripts/did_mpdta_statsmodels.py
"""

from __future__ import annotations

import math

import moderndid
import pandas as pd
import statsmodels.formula.api as smf
from _common import done, reference, report


def subset(mpdta: pd.DataFrame, cohort: int, years: list[int]) -> pd.DataFrame:
    d = mpdta[mpdta["first.treat"].isin([0, cohort]) & mpdta["year"].isin(years)].copy()
    d["trained"] = ((d["first.treat"] == cohort) & (d["year"] >= cohort)).astype(int)
    return d


def main() -> None:
    mpdta = moderndid.load_mpdta().to_pandas()

    r10 = reference("R10")
    d = subset(mpdta, 2004, [2003, 2004])
    wide = d.pivot(index="countyreal", columns="year", values="lemp")
    treated = (d.groupby("countyreal")["first.treat"].first() == 2004).astype(int)
    fd = pd.DataFrame({"dy": wide[2004] - wide[2003], "treated": treated})
    fit = smf.ols("dy ~ treated", data=fd).fit(cov_type="HC1")
    tol = r10["tolerance"]
    report("R10 2x2 estimate", fit.params["treated"], r10["values"]["estimate_independent"],
           tol["independent_abs"])  # fmt: skip
    report("R10 2x2 SE (HC1 of first differences)", fit.bse["treated"],
           r10["values"]["se_independent"], tol["independent_se_rel"], rel=True)  # fmt: skip
    report("R10 vs the R did README", fit.params["treated"], r10["values"]["estimate"], tol["abs"])

    r11 = reference("R11")
    years = [2003, 2004, 2005, 2006, 2007]
    d = subset(mpdta, 2006, years)
    groups = d["countyreal"]
    fit = smf.ols("lemp ~ trained + C(countyreal) + C(year)", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    n, k_all = len(d), len(fit.params)  # statsmodels' K: every dummy
    k = 1 + len(years)  # pyfixest's K: trained, intercept and the other year effects
    se = float(fit.bse["trained"]) * math.sqrt((n - k_all) / (n - k))
    tol = r11["tolerance"]
    report("R11 TWFE estimate", fit.params["trained"], r11["values"]["estimate"], tol["abs"])
    report("R11 TWFE SE (pyfixest's factor)", se, r11["values"]["se"], tol["se_rel"], rel=True)
    treated = d["first.treat"] == 2006
    terms = []
    for year in years:
        if year != 2005:
            name = f"ev_{year}"
            d[name] = (treated & (d["year"] == year)).astype(float)
            terms.append(name)
    ev = smf.ols(f"lemp ~ {' + '.join(terms)} + C(countyreal) + C(year)", data=d).fit()
    for e, att in zip(r11["values"]["event_time"], r11["values"]["event_att"], strict=True):
        report(f"R11 event time {e:+d}", ev.params[f"ev_{2006 + e}"], att, tol["event_abs"])
    done()


if __name__ == "__main__":
    main()
