"""How one estimate is printed on the program page: ratios as ratios, evidence with its reason."""

from __future__ import annotations

from lodestar.analytics.results import Diagnostic, EffectEstimate
from lodestar.reports.effect_view import effect_view, evidence_reasons


def estimate(**fields: object) -> EffectEstimate:
    base: dict[str, object] = dict(
        estimate=2.0, se=0.5, ci_low=1.0, ci_high=3.0, estimand="ATT", method="m",
        method_label="M", citation="C", design="staggered", causal=True, n_treated=50,
        n_comparison=80, outcome="deals", unit="deals",
    )  # fmt: skip
    base.update(fields)
    return EffectEstimate(**base)  # type: ignore[arg-type]


def test_a_hazard_ratio_reads_as_a_ratio_not_as_a_signed_amount() -> None:
    view = effect_view(
        estimate(estimate=0.62, ci_low=0.42, ci_high=0.92, estimand="hazard_ratio", unit="days")
    )
    assert view.estimate == "0.62× (38% lower)"
    assert view.interval == "0.42× to 0.92×"
    assert "+" not in view.estimate and "days" not in view.estimate
    assert view.percent_of_baseline is None


def test_an_amount_keeps_its_sign_and_unit() -> None:
    view = effect_view(estimate())
    assert view.estimate.startswith("+2") and view.estimate.endswith("deals")


def test_evidence_reason_names_what_weakened_it() -> None:
    failed = Diagnostic(name="pre_trends", label="Pre-trend joint test", passed=False, detail="")
    weak = estimate(diagnostics=(failed,))
    assert evidence_reasons(weak) == "Failed check: Pre-trend joint test."
    spans = estimate(ci_low=-1.0, ci_high=3.0)
    assert evidence_reasons(spans) == "The interval includes no effect."
    ratio = estimate(estimate=0.9, ci_low=0.7, ci_high=1.1, estimand="hazard_ratio")
    assert evidence_reasons(ratio) == "The interval includes no effect."
    clean = estimate(diagnostics=(Diagnostic(name="x", label="X", passed=True, detail=""),))
    assert evidence_reasons(clean)  # falls back to the grade's general explanation
