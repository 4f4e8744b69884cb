"""Who may see and change what about stakeholders, decided here and nowhere else.

- the register and the influence x interest grid: L&D, administrators and executives;
- relationship notes and the interview log: L&D and administrators only, never anyone else;
- the council (agenda and decisions): L&D and administrators change it, executives read it;
- stakeholder updates per program: L&D and administrators.
"""

from __future__ import annotations

from lodestar.domain.roles import Actor
from lodestar.errors import PermissionDenied


def sees_notes(actor: Actor) -> bool:
    """Relationship notes never leave the L&D team."""
    return actor.is_ld


def require_ld(actor: Actor, what: str) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            f"{what} is kept by the L&D team and administrators only. Ask them for what you "
            "need from it."
        )


def require_map_reader(actor: Actor) -> None:
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            "The stakeholder map is for the L&D team and executives. Ask the L&D team who "
            "your contact for a topic is."
        )


def require_council_reader(actor: Actor) -> None:
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            "The stakeholder council's agenda and decisions are for the L&D team and "
            "executives. Ask the L&D team about decisions that concern your department."
        )
