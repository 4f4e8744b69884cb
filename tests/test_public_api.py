"""`import lodestar` gives a small, pinned public API."""

import lodestar
from lodestar.services import intake


def test_public_names_are_pinned():
    assert sorted(lodestar.__all__) == [
        "EffectEstimate",
        "LodestarError",
        "OutcomeInfo",
        "Workspace",
        "__version__",
        "estimate_effect",
        "open_workspace",
    ]
    for name in lodestar.__all__:
        assert getattr(lodestar, name) is not None


def test_workspace_seeds_and_acts(tmp_path):
    ws = lodestar.open_workspace(f"sqlite:///{tmp_path / 'ws.db'}")
    summary = ws.seed_demo(employees=80, seed=1)
    assert summary.employees >= 80
    with ws.acting_as("priya@brightwater.example") as (session, actor):
        assert actor.role == "ld"
        assert intake.triage_board(session, actor).total >= 1
    ws.close()


def test_the_documented_example_runs_and_recovers_the_pilot_effect():
    import runpy
    from pathlib import Path

    example = Path(__file__).parents[1] / "docs" / "examples" / "estimate_effect.py"
    namespace = runpy.run_path(str(example), run_name="example")
    result = namespace["result"]
    assert result.ci_low <= -1.8 <= result.ci_high
    assert result.summary().startswith("Repeat-contact rate fell")
