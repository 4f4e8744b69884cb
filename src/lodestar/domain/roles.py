"""Who may do what. Services ask these questions; templates never decide access."""

from __future__ import annotations

from dataclasses import dataclass

from lodestar.domain.options import Role


@dataclass(frozen=True)
class Actor:
    """The person acting: every service call carries one."""

    user_id: int
    name: str
    role: Role
    department_id: int | None = None

    @property
    def is_ld(self) -> bool:
        return self.role in ("ld", "admin")

    @property
    def can_edit_strategy(self) -> bool:
        return self.role in ("ld", "admin")

    @property
    def can_read_portfolio(self) -> bool:
        return self.role in ("ld", "admin", "executive")

    @property
    def can_submit_requests(self) -> bool:
        return self.role in ("manager", "ld", "admin")

    @property
    def can_diagnose(self) -> bool:
        return self.role in ("ld", "admin")


def can_see_request(
    actor: Actor, *, requester_id: int, department_id: int | None, state: str = "submitted"
) -> bool:
    """A draft is its requester's alone. Otherwise L&D, admins and executives see every
    request, managers their own and their department's, everyone else only their own."""
    if requester_id == actor.user_id:
        return True
    if state == "draft":
        return False
    if actor.role in ("ld", "admin", "executive"):
        return True
    if actor.role == "manager":
        return requester_id == actor.user_id or (
            department_id is not None and department_id == actor.department_id
        )
    return requester_id == actor.user_id


def can_edit_request(actor: Actor, *, requester_id: int, state: str) -> bool:
    """The requester edits while the request is theirs to complete; L&D may always edit."""
    if actor.is_ld:
        return True
    if actor.role == "executive":
        return False
    return requester_id == actor.user_id and state in ("draft", "needs_information", "submitted")
