"""Who may edit the strategy: decided here, not in templates."""

from __future__ import annotations

from lodestar.domain.roles import Actor
from lodestar.errors import PermissionDenied


def can_edit_strategy(actor: Actor) -> bool:
    """Whether the actor may create, edit and archive priorities, objectives and KPIs."""
    return actor.can_edit_strategy


def require_editor(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor edits the strategy (L&D and administrators)."""
    _require_editor(actor)


def _require_editor(actor: Actor) -> None:
    if not actor.can_edit_strategy:
        raise PermissionDenied(
            "Only the L&D team and administrators edit the strategy. You can read it."
        )
