"""R9: power conventions (alpha 0.05 two-sided, power 0.8), computed with statsmodels.

Run: uv run python tests/reference/scripts/power_statsmodels.py
"""

from __future__ import annotations

from _common import done, reference, report
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize


def main() -> None:
    r9 = reference("R9")
    v, tol = r9["values"], r9["tolerance"]["rel"]
    n = TTestIndPower().solve_power(effect_size=0.2, alpha=0.05, power=0.8)
    report("R9 n per arm, d = 0.2", n, v["n_per_arm_d02"], tol, rel=True)
    d = TTestIndPower().solve_power(nobs1=40, ratio=1.0, alpha=0.05, power=0.8)
    report("R9 minimum detectable d, 40 vs 40", d, v["mde_d_40_vs_40"], tol, rel=True)
    h = proportion_effectsize(0.25, 0.20)
    n = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8)
    report("R9 n per arm, 20% -> 25%", n, v["n_per_arm_20_to_25"], tol, rel=True)
    done()


if __name__ == "__main__":
    main()
