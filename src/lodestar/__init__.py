"""Lodestar: strategy-led Learning & Development.

The public Python API for notebooks and scripts. Heavy modules load on first use::

    import lodestar
    ws = lodestar.open_workspace("sqlite:///lodestar.db")
    with ws.acting_as("priya@brightwater.example") as (session, actor):
        ...

    result = lodestar.estimate_effect(frame, outcome="repeat_rate", treatment="took_part")
    print(result.summary())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "EffectEstimate",
    "LodestarError",
    "OutcomeInfo",
    "Workspace",
    "__version__",
    "estimate_effect",
    "open_workspace",
]

if TYPE_CHECKING:
    from lodestar.analytics.estimate import estimate_effect
    from lodestar.analytics.results import EffectEstimate, OutcomeInfo
    from lodestar.errors import LodestarError
    from lodestar.services.library import Workspace, open_workspace


def __getattr__(name: str) -> Any:
    if name == "LodestarError":
        from lodestar.errors import LodestarError

        return LodestarError
    if name == "estimate_effect":
        from lodestar.analytics.estimate import estimate_effect

        return estimate_effect
    if name in ("EffectEstimate", "OutcomeInfo"):
        from lodestar.analytics import results

        return getattr(results, name)
    if name in ("Workspace", "open_workspace"):
        from lodestar.services import library

        return getattr(library, name)
    raise AttributeError(f"module 'lodestar' has no attribute {name!r}")
