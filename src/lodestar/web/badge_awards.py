"""Proficiency badges follow an assessment that shows a level (a manager's, or a manager's
review of a self-rating): the adapter knows the settings the issuer is built from."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from lodestar.services import badges


def award_shown_proficiency(request: Request, db: Session, employee_id: int) -> None:
    """Award the proficiency badges the person's levels now earn, in the same transaction."""
    badges.refresh_proficiency_badges(db, badges.Issuer.of(request.app.state.settings), employee_id)
