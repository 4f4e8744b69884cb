"""GET /api/me: who the API thinks you are."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from lodestar.web.deps import CurrentUser
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["account"], responses=PROBLEM_RESPONSES)


class MeRead(BaseModel):
    id: int
    email: str
    name: str
    role: str
    department_id: int | None


@router.get("/me", response_model=MeRead)
def me(user: CurrentUser) -> MeRead:
    return MeRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        department_id=user.department_id,
    )
