"""R12 and R13: time to a threshold, recomputed with lifelines on the original columns.

Lodestar's estimate_time_to_productivity takes weekly KPI rows and finds the first week each
person meets the threshold. Each subject of a public survival data set becomes weekly rows
1..T with value 1 in week T when the event was observed (0 otherwise), so "reaching" value 1
is the event at T and everyone else is censored at T. Lodestar counts days as 7 x weeks: the
Kaplan-Meier medians are 7 x those of (T, E); the Cox hazard ratio and the Weibull time ratio
do not depend on the time unit. This script fits lifelines directly to (T, E, group).

Run: uv run python tests/reference/scripts/ramp_lifelines.py
"""

from __future__ import annotations

import math

import pandas as pd
from _common import done, reference, report
from lifelines import CoxPHFitter, KaplanMeierFitter, WeibullAFTFitter
from lifelines.datasets import load_rossi, load_waltons


def main() -> None:
    r12 = reference("R12")
    w = load_waltons()
    w["treated"] = (w["group"] == "miR-137").astype(float)
    medians = {
        str(g): 7 * float(KaplanMeierFitter().fit(part["T"], part["E"]).median_survival_time_)
        for g, part in w.groupby("group")
    }
    v, tol = r12["values"], r12["tolerance"]
    report("R12 KM median days, control", medians["control"], v["median_days_control"],
           tol["median_abs"])  # fmt: skip
    report("R12 KM median days, miR-137", medians["miR-137"], v["median_days_treated"],
           tol["median_abs"])  # fmt: skip
    cox = CoxPHFitter().fit(w[["T", "E", "treated"]], duration_col="T", event_col="E")
    report("R12 Cox hazard ratio", math.exp(cox.params_["treated"]), v["hazard_ratio"],
           tol["rel"], rel=True)  # fmt: skip
    report("R12 Cox SE of the log hazard ratio", cox.standard_errors_["treated"],
           v["log_hazard_ratio_se"], tol["rel"], rel=True)  # fmt: skip
    aft = WeibullAFTFitter().fit(w[["T", "E", "treated"]], duration_col="T", event_col="E")
    report("R12 Weibull time ratio", math.exp(aft.params_[("lambda_", "treated")]),
           v["time_ratio"], tol["rel"], rel=True)  # fmt: skip

    r13 = reference("R13")
    rossi: pd.DataFrame = load_rossi()
    cox = CoxPHFitter().fit(rossi[["week", "arrest", "fin"]], duration_col="week",
                            event_col="arrest")  # fmt: skip
    v, tol = r13["values"], r13["tolerance"]
    report("R13 Cox log hazard ratio of fin", cox.params_["fin"], v["log_hazard_ratio"], tol["abs"])
    report("R13 Cox SE", cox.standard_errors_["fin"], v["se"], tol["abs"])
    done()


if __name__ == "__main__":
    main()
