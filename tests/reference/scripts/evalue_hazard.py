"""R16: E-values for hazard ratios, from the formulas of VanderWeele & Ding (2017, Table 2) as the
EValue R package's own tests state them (tests/testthat, "Common HR" and "Rare HR"), typed out
here independently of Lodestar's code.

Run: uv run python tests/reference/scripts/evalue_hazard.py
"""

from __future__ import annotations

from math import sqrt

from _common import done, reference, report


def rr_common(hr: float) -> float:
    return (1 - 0.5 ** sqrt(hr)) / (1 - 0.5 ** sqrt(1 / hr))


def e(rr: float) -> float:
    rr = rr if rr >= 1 else 1 / rr
    return rr + sqrt(rr * (rr - 1))


def main() -> None:
    r16 = reference("R16")
    v, tol = r16["values"], r16["tolerance"]["abs"]
    report("R16 common HR 1.3: risk ratio", rr_common(1.3), v["common_rr"], tol)
    report("R16 common HR 1.3: E-value", e(rr_common(1.3)), v["common_e"], tol)
    report("R16 common HR 1.3 (1.2-1.4): E-value, CI", e(rr_common(1.2)), v["common_e_ci"], tol)
    report("R16 rare HR 0.3: E-value", e(0.3), v["rare_e"], tol)
    report("R16 rare HR 0.3 (0.2-0.5): E-value, CI", e(0.5), v["rare_e_ci"], tol)
    done()


if __name__ == "__main__":
    main()
