"""Finding the one person a privacy request is about, and who may act on personal data."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied


def require_admin(actor: Actor, what: str = "This") -> None:
    """Raise PermissionDenied unless the actor is an administrator."""
    if actor.role != "admin":
        raise PermissionDenied(
            f"{what} is for administrators only, because it shows or changes personal data "
            "across the whole organisation. Ask your Lodestar administrator."
        )


def find_person(session: Session, ref: str | int) -> Employee:
    """The employee ``ref`` names: an HR number (external id), an email, or ``#id``/an id."""
    text = str(ref).strip()
    if not text:
        raise NotFound("Name the person by their HR number, email or Lodestar id.")
    conditions = [Employee.external_id == text, func.lower(Employee.email) == text.lower()]
    number = text.removeprefix("#")
    if number.isdigit() and len(number) < 12:
        conditions.append(Employee.id == int(number))
    found = list(session.scalars(select(Employee).where(or_(*conditions)).limit(3)))
    exact = [e for e in found if e.external_id == text] or found
    if not exact:
        raise NotFound(
            f"Nobody in the HR records has the HR number, email or id '{text}'. Check it "
            "against the HRIS export, or search the people list on the privacy page."
        )
    return exact[0]


def search_people(session: Session, actor: Actor, text: str, limit: int = 20) -> list[Employee]:
    """People whose name, email or HR number contains ``text`` (administrators only)."""
    require_admin(actor, "Looking people up")
    like = f"%{text.strip().lower()}%"
    return list(
        session.scalars(
            select(Employee)
            .where(
                or_(
                    func.lower(Employee.name).like(like),
                    func.lower(Employee.email).like(like),
                    func.lower(Employee.external_id).like(like),
                )
            )
            .order_by(Employee.name)
            .limit(limit)
        )
    )
