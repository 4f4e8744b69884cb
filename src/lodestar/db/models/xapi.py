"""The learning record store: credentials per source, what statements mention beyond their
actor and object, attachments, activity definitions, documents, and the pull jobs that read
other LRSs. The statements themselves are ``LearningStatement`` (``measurement``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId, UtcDateTime, utcnow


class XapiCredential(Base):
    """HTTP Basic credentials of one source (an LMS, a course player): the key is public, the
    secret is kept only as a hash. The credential is the authority of what it sends."""

    __tablename__ = "xapi_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class XapiStatementRef(Base):
    """An agent or activity a statement mentions besides its actor and object (context,
    instructor, team, authority, sub-statement, group members): what ``related_agents`` and
    ``related_activities`` search."""

    __tablename__ = "xapi_statement_refs"
    __table_args__ = (Index("ix_xapi_statement_refs_kind_key", "kind", "key", "statement_pk"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    statement_pk: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("learning_statements.id", ondelete="CASCADE"),
        index=True,
    )
    kind: Mapped[str] = mapped_column(String(10))  # agent or activity
    key: Mapped[str] = mapped_column(String(500))


class XapiAttachment(Base):
    """The content of an attachment, once per SHA-256 whatever the statements naming it."""

    __tablename__ = "xapi_attachments"

    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class XapiActivity(Base):
    """The canonical definition of an activity, as the Activities resource returns it."""

    __tablename__ = "xapi_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    iri_hash: Mapped[str] = mapped_column(String(64), unique=True)
    iri: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="{}")


class XapiDocument(Base):
    """A State, Activity Profile or Agent Profile document. ``key_hash`` is the SHA-256 of
    (kind, activity, agent, registration, document id), unique."""

    __tablename__ = "xapi_documents"
    __table_args__ = (Index("ix_xapi_documents_scope", "kind", "scope_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of (kind, activity, agent, registration): the documents listed together.
    scope_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # state, activity_profile, agent_profile
    document_id: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class XapiPullJob(Base):
    """Reading statements from another LRS: where it is, and how far this copy has read (the
    ``stored`` time of the last statement landed, and the ``more`` link of a page half-read)."""

    __tablename__ = "xapi_pull_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    endpoint: Mapped[str] = mapped_column(Text)
    cursor: Mapped[str | None] = mapped_column(String(40), nullable=True)
    more: Mapped[str | None] = mapped_column(Text, nullable=True)
    pulled: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")


class ProgramActivity(Base):
    """An xAPI activity IRI that belongs to a program: statements about it count in the
    program's operational tier."""

    __tablename__ = "program_activities"
    __table_args__ = (
        Index("ix_program_activities_program_iri", "program_id", "iri_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    iri_hash: Mapped[str] = mapped_column(String(64))
    iri: Mapped[str] = mapped_column(String(500))
