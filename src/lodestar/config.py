"""Settings, read from the environment with the ``LODESTAR_`` prefix.

Zero configuration works: the database is a SQLite file in the working folder.
Nested settings use ``__`` (for example ``LODESTAR_SECURITY__MIN_GROUP_SIZE``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lodestar.errors import ConfigurationError

PLACEHOLDER_SECRET = "change-me"


class SecuritySettings(BaseModel):
    min_group_size: int = Field(5, ge=1, description="Aggregates over fewer people are hidden.")
    session_max_age_seconds: int = Field(
        8 * 3600, ge=60, description="A sign-in ends this long after it began, however busy."
    )
    session_idle_seconds: int = Field(
        30 * 60, ge=120, description="A sign-in ends after this long without a request."
    )
    cookie_secure: bool = Field(False, description="Send the session cookie over HTTPS only.")
    # Accounts (issue 9): proxies, sign-in throttling.
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed.",
    )
    sign_in_failures_per_account: int = Field(5, ge=1)
    sign_in_failures_per_address: int = Field(30, ge=1)
    sign_in_window_seconds: int = Field(15 * 60, ge=1)
    password_checks_at_once: int | None = Field(
        None,
        ge=1,
        description="Most password checks (argon2) running at once; unset: half the CPU cores.",
    )
    password_check_wait_seconds: float = Field(
        2.0, ge=0, le=60, description="How long a sign-in waits for a free check before a 503."
    )


class PrivacySettings(BaseModel):
    """How long personal data is kept; applied by `lodestar privacy apply-retention` (0 = keep)."""

    audit_retention_days: int = Field(
        730, ge=0, description="Audit events older than this are deleted (0 = kept forever)."
    )
    raw_statement_retention_days: int = Field(
        0,
        ge=0,
        description="Raw xAPI JSON older than this is dropped; parsed fields stay (0 = kept).",
    )
    pseudonymise_leavers_after_years: int = Field(
        0, ge=0, description="People who left longer ago than this are pseudonymised (0 = never)."
    )


class ImportSettings(BaseModel):
    """Limits on what one import may be (docs/imports.md says what happens at each)."""

    max_upload_mb: int = Field(
        512, ge=1, description="Largest file accepted, in MiB; larger uploads are refused."
    )
    max_rows: int = Field(20_000_000, ge=1, description="Most data rows in one file.")
    max_columns: int = Field(50, ge=1, description="Most columns in a tabular file's header.")
    max_header_kb: int = Field(
        64, ge=1, description="Longest CSV header line, in KiB (the first line of the file)."
    )
    xlsx_max_uncompressed_mb: int = Field(
        512, ge=1, description="Most an XLSX workbook may expand to when unzipped, in MiB."
    )
    xlsx_max_ratio: int = Field(
        200, ge=1, description="Highest compression ratio of any part of an XLSX workbook."
    )
    max_problems_stored: int = Field(
        1000, ge=1, description="Rejected rows kept in an import's report (the rest counted)."
    )
    lock_wait_seconds: int = Field(
        600, ge=1, description="How long an import waits for another of its kind to finish."
    )
    stale_after_seconds: int = Field(
        300, ge=10, description="A running import silent this long is marked interrupted."
    )

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


class ServerSettings(BaseModel):
    """How `lodestar serve` shares out the machine (docs/performance.md says how to size it)."""

    workers: int = Field(0, ge=0, description="Server processes; 0 = one per CPU core, at most 4.")
    threads: int = Field(
        16, ge=1, le=256, description="Requests one process works on at once (its thread pool)."
    )
    db_wait_seconds: float = Field(
        5.0,
        gt=0,
        le=300,
        description="How long a request waits for a database connection or SQLite's write lock "
        "before it is answered 503 with Retry-After.",
    )
    queue_seconds: float = Field(
        30.0,
        gt=0,
        le=600,
        description="How long a request waits for one of a process's threads before it is "
        "answered 503 with Retry-After.",
    )
    warm_up: bool = Field(
        False,
        description="At start, draw a chart and load the estimators in the background "
        "(`lodestar serve` turns it on).",
    )
    retry_after_seconds: int = Field(
        2, ge=1, description="The Retry-After of a 503 answered when the database is saturated."
    )

    @property
    def pool_size(self) -> int:
        """Database connections per process: one per request thread, two for import jobs."""
        return self.threads + 2

    def worker_count(self, cpus: int | None) -> int:
        """``workers``, or one per CPU core (1 to 4: with PostgreSQL, 4 processes of 16
        threads keep under its default 100 connections) when it is 0."""
        return self.workers or max(1, min(4, cpus or 1))


class PullSource(BaseModel):
    """Another LRS that `lodestar xapi pull NAME` reads statements from."""

    endpoint: str = Field(description="Its xAPI endpoint, e.g. https://lrs.example.com/xapi/.")
    key: str = Field("", description="The HTTP Basic user name (key) Lodestar signs in with.")
    secret: str = Field("", description="The HTTP Basic password (secret); never printed.")


class SourceConnection(BaseModel):
    """A warehouse or lakehouse that KPI sources name (docs/external-sources.md). The address
    may carry a user and password: it is read from here or the environment and never stored
    in the database nor shown."""

    url: str = Field(
        description="postgresql://user:password@host:5432/db, duckdb:///path/file.duckdb, or "
        "spark://host:7077 / local[4] / sc://host:15002 (Spark Connect) for a Spark table."
    )


class SourceSettings(BaseModel):
    """External KPI sources (docs/external-sources.md)."""

    connections: dict[str, SourceConnection] = Field(
        default_factory=dict,
        description="Connections that KPI sources name: "
        "LODESTAR_SOURCES__CONNECTIONS__<NAME>__URL.",
    )


class XapiSettings(BaseModel):
    """The xAPI endpoint at /xapi and the pull connector (docs/xapi.md)."""

    version_without_header: Literal["1.0.3", "2.0.0"] = Field(
        "2.0.0",
        description="The X-Experience-API-Version answered to a request that sent none (it is "
        "refused with 400 either way): the newest version by default, 1.0.3 for an "
        "installation whose sources all speak 1.0.3.",
    )
    pull_page_size: int = Field(
        500, ge=1, le=500, description="Statements asked for per page when pulling from an LRS."
    )
    pull_overlap_seconds: int = Field(
        60,
        ge=0,
        description="How far before the last stored time a new pull starts again "
        "(statements already copied are recognised by id and skipped).",
    )
    sources: dict[str, PullSource] = Field(
        default_factory=dict,
        description="The LRSs to pull from, by name: LODESTAR_XAPI__SOURCES__<NAME>__ENDPOINT, "
        "…__KEY and …__SECRET.",
    )


class NudgeSettings(BaseModel):
    """How nudges reach people (docs/nudges.md): the mail server, the chat webhooks, the
    default working calendar, and how `lodestar nudges send-due` retries."""

    smtp_host: str = Field("", description="Mail server for e-mail nudges; empty: e-mail is off.")
    smtp_port: int = Field(25, ge=1, le=65535, description="The mail server's port.")
    smtp_security: Literal["none", "starttls", "ssl"] = Field(
        "starttls", description="none, starttls (upgrade the connection) or ssl (from the start)."
    )
    smtp_username: str = Field("", description="Sign in to the mail server as; empty: no sign-in.")
    smtp_password: str = Field("", description="The mail server password (never printed).")
    mail_from: str = Field("", description="The sender address of e-mail nudges.")
    slack_webhook_url: str = Field("", description="Slack incoming-webhook or workflow URL.")
    teams_webhook_url: str = Field("", description="Microsoft Teams workflow webhook URL.")
    timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="How long one delivery waits for the server."
    )
    default_time_zone: str = Field(
        "UTC", description="Time zone of people without a work pattern of their own."
    )
    default_working_days: str = Field(
        "mon-fri", description="Working days of people without a work pattern of their own."
    )
    max_attempts: int = Field(5, ge=1, le=50, description="Tries before a delivery has failed.")
    retry_base_seconds: int = Field(
        300, ge=1, description="Wait after the first failure; it doubles after each one."
    )
    retry_max_seconds: int = Field(6 * 3600, ge=1, description="Longest wait between tries.")
    max_lateness_hours: float = Field(
        12.0, gt=0, description="An occurrence this late is not sent any more (expired)."
    )
    claim_timeout_seconds: int = Field(
        900, ge=30, description="A claimed delivery left unsent this long is tried again."
    )
    batch_size: int = Field(25, ge=1, le=1000, description="Deliveries one run claims at once.")


class BadgeSettings(BaseModel):
    """How badges are issued as Open Badges 3.0 credentials (docs/quizzes-and-badges.md)."""

    signing_key: str = Field(
        "",
        description="The issuer's private signing key as a JWK (JSON, RSA, 2048 bits or more); "
        "never printed. Empty: a key is made on first use and kept in the database.",
    )
    issuer_name: str = Field(
        "", description="The issuer named on badges; empty: the organisation name."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LODESTAR_", env_nested_delimiter="__")

    database_url: str = Field(
        "sqlite:///lodestar.db",
        description="Any SQLAlchemy URL; a SQLite file in the working folder by default.",
    )
    secret_key: str = Field(
        PLACEHOLDER_SECRET, description="Signs session cookies; required outside demo mode."
    )
    demo: bool = Field(False, description="Demo mode: one-click sign-in as each demo persona.")
    organisation_name: str = Field("Lodestar", description="Shown in the page header.")
    public_url: str = Field(
        "",
        description="The address people open Lodestar at (e.g. https://lodestar.example.com); "
        "links in downloaded briefs point there. Empty: the address of the request, or "
        "http://localhost:8000 for briefs made on the command line.",
    )
    security: SecuritySettings = Field(default_factory=SecuritySettings)  # type: ignore[arg-type]
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)  # type: ignore[arg-type]
    imports: ImportSettings = Field(default_factory=ImportSettings)  # type: ignore[arg-type]
    server: ServerSettings = Field(default_factory=ServerSettings)  # type: ignore[arg-type]
    xapi: XapiSettings = Field(default_factory=XapiSettings)  # type: ignore[arg-type]

    nudges: NudgeSettings = Field(default_factory=NudgeSettings)  # type: ignore[arg-type]
    badges: BadgeSettings = Field(default_factory=BadgeSettings)  # type: ignore[arg-type]
    sources: SourceSettings = Field(default_factory=SourceSettings)  # type: ignore[arg-type]

    def checked_secret(self, *, demo_database: bool = True) -> str:
        """The signing secret, refusing the placeholder outside demo mode, and in demo mode on
        a database the demo did not create (``demo_database=False``)."""
        if self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 16:
            if self.demo and not demo_database:
                raise ConfigurationError(
                    "Demo mode is on, but this database was not created by the demo (it holds "
                    "real accounts), so the demo's public secret cannot sign its cookies. Set "
                    "LODESTAR_SECRET_KEY to a long random value, or point LODESTAR_DATABASE_URL "
                    "at a new database to try the demo."
                )
            if self.demo:
                return "lodestar-demo-mode-secret-not-for-production"
            raise ConfigurationError(
                "The secret key is missing or still the placeholder. Set LODESTAR_SECRET_KEY to a "
                'long random value (for example the output of `python -c "import secrets; '
                'print(secrets.token_urlsafe(32))"`), or start with --demo to try Lodestar.'
            )
        return self.secret_key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
