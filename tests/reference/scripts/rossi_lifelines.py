"""R8: Rossi recidivism, Cox PH of arrest on financial aid and the standard covariates,
recomputed with lifelines' CoxPHFitter (Efron ties, as R's coxph).

Run: uv run python tests/reference/scripts/rossi_lifelines.py
"""

from __future__ import annotations

import math

from _common import done, reference, report
from lifelines import CoxPHFitter
from lifelines.datasets import load_rossi


def main() -> None:
    cox = CoxPHFitter().fit(load_rossi(), duration_col="week", event_col="arrest")
    r8 = reference("R8")
    tol = r8["tolerance"]["abs"]
    report("R8 log hazard ratio of fin", cox.params_["fin"], r8["values"]["log_hazard_ratio"], tol)
    report("R8 SE", cox.standard_errors_["fin"], r8["values"]["se"], tol)
    report("R8 hazard ratio", math.exp(cox.params_["fin"]), r8["values"]["hazard_ratio"], tol)
    done()


if __name__ == "__main__":
    main()
