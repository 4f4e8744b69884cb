"""Who sees which part of the portfolio, decided here and nowhere else.

- L&D and administrators see everything and change the scoring inputs;
- executives see the whole portfolio, its symptoms, the 90-day plan and the council;
- managers see their own department's items (requests raised in it, programs answering them);
- employees see none of it.
"""

from __future__ import annotations

from lodestar.domain.roles import Actor
from lodestar.errors import PermissionDenied


def require_portfolio_reader(actor: Actor) -> None:
    if actor.role not in ("ld", "admin", "executive", "manager"):
        raise PermissionDenied(
            "The portfolio weighs the organisation's requests and programs and is for the L&D "
            "team, executives and managers. Ask your manager about the programs you take part in."
        )


def require_overview_reader(actor: Actor, what: str) -> None:
    """The department-wide views (symptoms, the 90-day plan): L&D and executives."""
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            f"{what} describes the whole L&D department and is for the L&D team and executives. "
            "The portfolio shows your own department's items."
        )


def require_scorer(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators set the portfolio's scoring inputs. Tell them "
            "the weight, effort or cost you have in mind."
        )


def department_scope(actor: Actor) -> int | None | bool:
    """``True`` for every department; a department id for a manager; ``None`` for a manager
    with no department (who then sees nothing)."""
    if actor.role == "manager":
        return actor.department_id
    return True
