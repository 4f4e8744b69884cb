"""GET /api/me: who the API thinks you are; /api/me/tokens: your API tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel

from lodestar.services import accounts
from lodestar.services.input_fields import RecordId
from lodestar.web.deps import CurrentActor, CurrentUser, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["account"], responses=PROBLEM_RESPONSES)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class MeRead(BaseModel):
    id: int
    email: str
    name: str
    role: str
    department_id: int | None


class TokenRead(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: UtcDatetime
    expires_at: UtcDatetime
    revoked_at: UtcDatetime | None
    state: str

    @classmethod
    def of(cls, info: accounts.TokenInfo) -> TokenRead:
        return cls(
            id=info.id,
            name=info.name,
            prefix=info.prefix,
            created_at=info.created_at,
            expires_at=info.expires_at,
            revoked_at=info.revoked_at,
            state=info.state,
        )


class TokenCreated(TokenRead):
    token: str


@router.get("/me", response_model=MeRead)
def me(user: CurrentUser) -> MeRead:
    return MeRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        department_id=user.department_id,
    )


@router.get("/me/tokens", response_model=list[TokenRead])
def list_tokens(db: SessionDep, user: CurrentUser, actor: CurrentActor) -> list[TokenRead]:
    """Your API tokens, newest first: active, expired and revoked."""
    return [TokenRead.of(t) for t in accounts.list_tokens(db, actor, user.id)]


@router.post("/me/tokens", response_model=TokenCreated, status_code=201)
def create_token(
    data: accounts.TokenInput, db: SessionDep, user: CurrentUser, actor: WritingActor
) -> TokenCreated:
    """A new token with a name and an expiry. The token is in this answer only."""
    new = accounts.create_token(db, actor, user.id, data)
    return TokenCreated(**TokenRead.of(new.info).model_dump(), token=new.token)


@router.post("/me/tokens/{token_id}/revoke", response_model=TokenRead)
def revoke_token(
    token_id: RecordId, db: SessionDep, user: CurrentUser, actor: WritingActor
) -> TokenRead:
    """Revoke one of your tokens: it stops working at once."""
    return TokenRead.of(accounts.revoke_token(db, actor, user.id, token_id))
