"""sessions, api tokens and sign-in throttling

Browser sessions move server-side (``user_sessions``), API tokens get names, expiry and
revocation (``api_tokens``; the one unnamed token a user could hold is carried over, named and
given the default expiry), and failed sign-ins are counted per e-mail and address.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import lodestar.db.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CARRIED_OVER_NAME = "Token from before named tokens"
CARRIED_OVER_DAYS = 90
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    create_user_sessions()
    create_api_tokens()
    create_sign_in_failures()
    carry_over_unnamed_tokens()


# One function per table, so 0010 can make exactly what a database that passed through the
# empty placeholder of this revision lacks.


def create_user_sessions() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("expires_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_index(op.f("ix_user_sessions_expires_at"), "user_sessions", ["expires_at"])


def create_api_tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("expires_at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("revoked_at", lodestar.db.base.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])


def create_sign_in_failures() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", lodestar.db.base.UtcDateTime(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index("ix_sign_in_failures_email_at", "sign_in_failures", ["email", "at"])
    op.create_index("ix_sign_in_failures_address_at", "sign_in_failures", ["address", "at"])


def carry_over_unnamed_tokens() -> None:
    """The unnamed token a user could hold keeps working, now with a name and an expiry; the
    column that held it goes."""
    when = lodestar.db.base.UtcDateTime()
    tokens = sa.table(
        "api_tokens",
        sa.column("user_id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("token_hash", sa.String()),
        sa.column("prefix", sa.String()),
        sa.column("created_at", when),
        sa.column("expires_at", when),
        sa.column("revoked_at", when),
    )
    users = sa.table(
        "users",
        sa.column("id", sa.Integer()),
        sa.column("api_token_hash", sa.String()),
    )
    conn = op.get_bind()
    now = datetime.now(UTC)
    carried = [
        {
            "user_id": user_id,
            "name": CARRIED_OVER_NAME,
            "token_hash": token_hash,
            "prefix": "lsk_",
            "created_at": now,
            "expires_at": now + timedelta(days=CARRIED_OVER_DAYS),
            "revoked_at": None,
        }
        for user_id, token_hash in conn.execute(
            sa.select(users.c.id, users.c.api_token_hash).where(users.c.api_token_hash.is_not(None))
        )
    ]
    if carried:
        op.bulk_insert(tokens, carried)
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_api_token_hash"), type_="unique")
        batch.drop_column("api_token_hash")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("api_token_hash", sa.String(length=128), nullable=True))
        batch.create_unique_constraint(op.f("uq_users_api_token_hash"), ["api_token_hash"])
    op.drop_index("ix_sign_in_failures_address_at", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_email_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_user_sessions_expires_at"), table_name="user_sessions")
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
