"""Names people type: American spellings accepted, near misses answered with "Did you mean …?".

The engine's words are British (``randomised``, ``randomisation``); the American spellings are
accepted everywhere a design, an option value or an option name is read. A name that is neither
known nor an accepted spelling is refused with the closest known name, if one is close
(:func:`difflib.get_close_matches`, similarity at least 0.6).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from lodestar.errors import InvalidInput

__all__ = ["british", "check_name", "did_you_mean"]

#: American (or otherwise common) spellings and the engine's word for them.
SPELLINGS: dict[str, str] = {
    "randomized": "randomised",
    "randomization": "randomisation",
    "randomized_controlled_trial": "randomised",
    "rct": "randomised",
    "diff_in_diff": "did",
    "difference_in_differences": "did",
    "staggered_adoption": "staggered",
    "observational": "selection_on_observables",
    "min_group_size": "min_units",
}


def british(name: str) -> str:
    """The engine's spelling of ``name`` (``randomized`` → ``randomised``); others unchanged."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in SPELLINGS:
        return SPELLINGS[key]
    return key.replace("randomiz", "randomis") if "randomiz" in key else name


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest known name, or an empty string."""
    close = difflib.get_close_matches(british(name), list(known), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_name(what: str, value: str, allowed: Sequence[str]) -> str:
    """``value`` in the engine's spelling if it is one of ``allowed``; otherwise refuse it,
    listing the allowed values and the closest one."""
    if value in allowed:
        return value
    spelled = british(value) if isinstance(value, str) else value
    if spelled in allowed:
        return spelled
    listed = ", ".join(repr(a) for a in allowed)
    hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
    raise InvalidInput(
        f"The {what} {value!r} is not known.{hint} Choose one of {listed}.",
        details={"field": what, "allowed": list(allowed)},
    )
