"""Reading statements from another LRS: `lodestar xapi pull NAME`.

A stored job per source (``XapiPullJob``) remembers where the copy stands: the ``stored`` time
of the newest statement landed (the cursor) and, while a run is under way, the ``more`` link of
the next page. A run asks for ``statements?since=<cursor − overlap>&ascending=true`` and follows
``more`` until the source has no more; each page is written by the one statement writer and the
job moves on in the same transaction, so a run killed at any moment resumes at the page after
the last one landed, and nothing is stored twice: the overlap and any page read again are
recognised by statement id (same content: skipped). Voiding statements void their targets as
they land. The source's credentials come from the settings (``LODESTAR_XAPI__SOURCES__…``) and
are never printed or stored.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lodestar.config import PullSource
from lodestar.db.base import utcnow
from lodestar.db.models import XapiPullJob
from lodestar.errors import ConfigurationError, LodestarError
from lodestar.services.xapi.values import StatementInvalid, parse_timestamp
from lodestar.services.xapi.writer import checked_statement, sort_out, write_statements

PULL_HOME = "urn:lodestar:xapi:pull"
TIMEOUT_SECONDS = 60


class PullFailed(LodestarError):
    code = "xapi-pull-failed"
    status = 502
    title = "The other LRS did not answer as expected"


@dataclass
class PullOutcome:
    pages: int = 0
    added: int = 0
    already: int = 0
    skipped: int = 0  # invalid statements, or ids another copy holds with other content
    cursor: str | None = None


Fetch = Callable[[str, dict[str, str]], dict[str, Any]]


def http_fetch(url: str, headers: dict[str, str]) -> dict[str, Any]:
    """GET ``url`` and read its JSON (the standard library's HTTP client)."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            data: Any = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        raise PullFailed(
            f"The LRS answered {exc.code} to {urllib.parse.urlsplit(url).path}. Check the "
            "endpoint and the key and secret in LODESTAR_XAPI__SOURCES, then run the pull again."
        ) from None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise PullFailed(
            f"The LRS could not be read ({exc}). Check that it is reachable, then run the pull "
            "again: it resumes where it stopped."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("statements"), list):
        raise PullFailed("The LRS did not answer with a StatementResult; is the endpoint right?")
    return data


def source_settings(sources: dict[str, PullSource], name: str) -> PullSource:
    found = sources.get(name.lower())
    if found is None:
        raise ConfigurationError(
            f"No LRS named “{name}” is configured. Set LODESTAR_XAPI__SOURCES__"
            f"{name.upper()}__ENDPOINT, …__KEY and …__SECRET, then run the pull again."
        )
    return found


def pull(
    sessions: sessionmaker[Session],
    name: str,
    source: PullSource,
    *,
    page_size: int = 500,
    overlap_seconds: int = 60,
    fetch: Fetch = http_fetch,
    on_page: Callable[[PullOutcome], None] = lambda _: None,
) -> PullOutcome:
    """Copy what the LRS ``source`` holds and this copy does not, page by page."""
    endpoint = source.endpoint.rstrip("/") + "/"
    headers = {"X-Experience-API-Version": "1.0.3", "Accept": "application/json"}
    if source.key or source.secret:
        token = base64.b64encode(f"{source.key}:{source.secret}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    authority = {
        "objectType": "Agent",
        "name": f"pulled from {name}",
        "account": {"homePage": PULL_HOME, "name": name},
    }
    outcome = PullOutcome()
    with sessions() as session:
        job = _job(session, name, endpoint)
        url: str | None = job.more or _first_url(endpoint, job.cursor, page_size, overlap_seconds)
        session.commit()
    while url:
        page = fetch(url, headers)
        more = page.get("more") or ""
        next_url = urllib.parse.urljoin(endpoint, more) if more else None
        with sessions() as session:
            job = _job(session, name, endpoint)
            added_before = outcome.added
            newest = _land(session, page["statements"], authority, outcome)
            if newest is not None and (job.cursor is None or newest > job.cursor):
                job.cursor = newest
            job.more = next_url
            job.pulled = job.pulled + outcome.added - added_before
            job.updated_at = utcnow()
            job.last_error = ""
            session.commit()
            outcome.cursor = job.cursor
        outcome.pages += 1
        on_page(outcome)
        url = next_url
    return outcome


def _job(session: Session, name: str, endpoint: str) -> XapiPullJob:
    job = session.scalar(select(XapiPullJob).where(XapiPullJob.name == name))
    if job is None:
        job = XapiPullJob(name=name, endpoint=endpoint, pulled=0, last_error="")
        session.add(job)
        session.flush()
    elif job.endpoint != endpoint:
        job.endpoint, job.more = endpoint, None  # a new address: its more links mean nothing
    return job


def _first_url(endpoint: str, cursor: str | None, page_size: int, overlap: int) -> str:
    params = {"ascending": "true", "limit": str(page_size)}
    if cursor:
        since = datetime.fromisoformat(cursor) - timedelta(seconds=overlap)
        params["since"] = since.isoformat().replace("+00:00", "Z")
    return urllib.parse.urljoin(endpoint, "statements") + "?" + urllib.parse.urlencode(params)


def _land(
    session: Session, items: list[Any], authority: dict[str, Any], outcome: PullOutcome
) -> str | None:
    """Write one page; returns the newest ``stored`` time on it (ISO, UTC)."""
    valid = []
    newest: datetime | None = None
    for item in items:
        try:
            stamp = (
                parse_timestamp(item.get("stored"), "stored") if isinstance(item, dict) else None
            )
            valid.append(checked_statement(item, version=str(item.get("version", "1.0.3"))))
        except StatementInvalid:
            outcome.skipped += 1
            continue
        if stamp is not None and (newest is None or stamp > newest):
            newest = stamp
    batch = sort_out(session, valid)
    outcome.already += batch.unchanged
    outcome.skipped += len(batch.conflicts)
    if batch.new:
        outcome.added += write_statements(session, batch.new, authority=authority).added
    return newest.isoformat() if newest is not None else None
