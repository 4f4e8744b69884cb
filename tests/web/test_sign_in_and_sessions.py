"""Signing in through the web: the cookie is a signed random token and nothing else; sign-out,
deactivation and a password change end sessions (copied cookies too); sign-in is throttled with
a 429; cookies are Secure behind HTTPS; demo sign-in only on a demo-made database."""

from __future__ import annotations

import hashlib

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from itsdangerous import Signer
from sqlalchemy.orm import Session
from tests.conftest import csrf_from
from tests.live_server import serving

from lodestar.config import SecuritySettings, Settings
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.errors import ConfigurationError
from lodestar.services import accounts
from lodestar.web.app import create_app
from lodestar.web.sessions import SESSION_COOKIE

SECRET = "sessions-test-secret-0123456789"
PASSWORD = "correct horse battery"
DEMO_SECRET = "lodestar-demo-mode-secret-not-for-production"


@pytest.fixture(scope="module")
def real_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with real accounts (not made by the demo)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'real.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        for name, role in (("admin", "admin"), ("lead", "ld"), ("emma", "employee"),
                           ("tina", "ld"), ("omar", "ld")):  # fmt: skip
            accounts.create_user(
                s, email=f"{name}@example.org", name=name.title(), role=role,
                password=PASSWORD, fast_hash=True,
            )  # fmt: skip
    engine.dispose()
    return url


def _client(url: str, **settings: object) -> TestClient:
    app = create_app(Settings(database_url=url, secret_key=SECRET, **settings))  # type: ignore[arg-type]
    return TestClient(app, follow_redirects=False)


def _sign_in(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    csrf = csrf_from(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf})


def _csrf(client: TestClient) -> str:
    return csrf_from(client.get("/account").text)


def test_the_cookie_is_a_signed_random_token_changed_at_sign_in(real_database):
    client = _client(real_database)
    client.get("/login")
    before = client.cookies.get(SESSION_COOKIE)
    assert _sign_in(client, "lead@example.org").status_code == 303
    after = client.cookies.get(SESSION_COOKIE)
    assert before and after and before != after
    token = Signer(SECRET, salt="lodestar.session").unsign(after).decode()
    assert len(token) >= 40 and "lead" not in after and "{" not in token
    assert client.get("/api/me").json()["email"] == "lead@example.org"


def test_a_copied_cookie_stops_working_at_sign_out(real_database):
    client = _client(real_database)
    _sign_in(client, "lead@example.org")
    thief = _client(real_database)
    thief.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
    assert thief.get("/api/me").status_code == 200
    csrf = _csrf(client)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert thief.get("/api/me").status_code == 401
    assert client.get("/account").headers["location"].startswith("/login")


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(real_database):
    client = _client(real_database)
    _sign_in(client, "emma@example.org")
    assert client.get("/api/me").status_code == 200
    engine = make_engine(real_database)
    with Session(engine) as s, s.begin():
        admin = accounts.actor_of(accounts.find_account(s, "admin@example.org"))
        accounts.deactivate_user(s, admin, "emma@example.org")
    assert client.get("/api/me").status_code == 401
    with Session(engine) as s, s.begin():
        accounts.reactivate_user(s, admin, "emma@example.org")
    engine.dispose()
    assert client.get("/api/me").status_code == 401
    assert _sign_in(client, "emma@example.org").status_code == 303


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(real_database):
    client = _client(real_database)
    _sign_in(client, "tina@example.org")
    other = _client(real_database)
    _sign_in(other, "tina@example.org")
    wrong = client.post(
        "/account/password",
        data={"current_password": "nope", "new_password": "x" * 12, "repeat_password": "x" * 12,
              "csrf_token": _csrf(client)},
    )  # fmt: skip
    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    done = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a new passphrase",
              "repeat_password": "a new passphrase", "csrf_token": _csrf(client)},
    )  # fmt: skip
    assert done.status_code == 303
    assert client.get("/api/me").status_code == 200
    assert other.get("/api/me").status_code == 401
    assert _sign_in(_client(real_database), "tina@example.org").status_code == 401


def test_an_idle_browser_is_signed_out_and_a_busy_one_is_not(real_database):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select, update

    from lodestar.db.models import UserSession

    client = _client(real_database, security=SecuritySettings(session_idle_seconds=300))
    assert _sign_in(client, "emma@example.org").status_code == 303
    engine = make_engine(real_database)
    token = Signer(SECRET, salt="lodestar.session").unsign(client.cookies[SESSION_COOKIE])
    mine = (
        select(UserSession.id)
        .where(UserSession.token_hash == hashlib.sha256(token).hexdigest())
        .scalar_subquery()
    )
    with Session(engine) as s:
        ends = s.scalars(select(UserSession.expires_at).where(UserSession.id == mine)).one()
    ends = ends if ends.tzinfo else ends.replace(tzinfo=UTC)
    assert timedelta(minutes=4) < ends - datetime.now(UTC) <= timedelta(minutes=5)
    with Session(engine) as s, s.begin():  # four minutes without a request
        s.execute(update(UserSession).where(UserSession.id == mine)
                  .values(expires_at=datetime.now(UTC) + timedelta(minutes=1)))  # fmt: skip
    assert client.get("/api/me").status_code == 200  # moves the end five minutes on
    with Session(engine) as s:
        moved = s.scalars(select(UserSession.expires_at).where(UserSession.id == mine)).one()
    moved = moved if moved.tzinfo else moved.replace(tzinfo=UTC)
    assert moved - datetime.now(UTC) > timedelta(minutes=4)
    with Session(engine) as s, s.begin():  # five minutes without a request
        s.execute(update(UserSession).where(UserSession.id == mine)
                  .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))  # fmt: skip
    engine.dispose()
    assert client.get("/api/me").status_code == 401
    assert client.get("/account").headers["location"].startswith("/login")


def test_sign_in_is_throttled_with_a_429_that_says_when(real_database):
    client = _client(real_database)
    for _ in range(SecuritySettings().sign_in_failures_per_account):
        resp = _sign_in(client, "omar@example.org", "wrong")
        assert resp.status_code == 401
        assert "email or password is not right" in resp.text
    resp = _sign_in(client, "omar@example.org")  # the right password
    assert resp.status_code == 429
    assert "Try again after" in resp.text
    assert int(resp.headers["retry-after"]) > 0
    unknown = _sign_in(client, "never@example.org", "wrong")
    assert unknown.status_code == 401 and "email or password is not right" in unknown.text


def test_api_tokens_from_the_api_and_the_account_page(real_database):
    client = _client(real_database)
    _sign_in(client, "lead@example.org")
    headers = {"X-CSRF-Token": _csrf(client)}
    made = client.post("/api/me/tokens", json={"name": "Nightly upload", "expires_in_days": 7},
                       headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    bearer = TestClient(client.app)
    bearer.headers["Authorization"] = f"Bearer {token}"
    assert bearer.get("/api/me").json()["email"] == "lead@example.org"
    listed = client.get("/api/me/tokens").json()
    assert any(t["name"] == "Nightly upload" and t["state"] == "active" for t in listed)
    assert all("token" not in t for t in listed)
    page = client.get("/account")
    assert "Nightly upload" in page.text and token not in page.text

    revoked = client.post(f"/api/me/tokens/{made.json()['id']}/revoke", headers=headers)
    assert revoked.json()["state"] == "revoked"
    refused = bearer.get("/api/me")
    assert refused.status_code == 401
    assert "'Nightly upload' was revoked on" in refused.json()["detail"]

    form = client.post(
        "/account/tokens",
        data={"name": "From the page", "expires_in_days": "30", "csrf_token": _csrf(client)},
    )
    assert form.status_code == 200 and "not shown again" in form.text
    bad = client.post(
        "/account/tokens",
        data={"name": "Too long", "expires_in_days": "9999", "csrf_token": _csrf(client)},
    )
    assert bad.status_code == 422 and "366" in bad.text


def test_cookies_are_secure_over_https_or_a_trusted_proxy(real_database):
    https = TestClient(
        create_app(Settings(database_url=real_database, secret_key=SECRET)),
        base_url="https://testserver",
    )
    assert "Secure" in https.get("/login").headers["set-cookie"]
    plain = _client(real_database)
    assert "Secure" not in plain.get("/login").headers["set-cookie"]
    forced = _client(real_database, security=SecuritySettings(cookie_secure=True))
    assert "Secure" in forced.get("/login").headers["set-cookie"]

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.20"}
    trusted = SecuritySettings(trusted_proxies=["127.0.0.1"])
    app = create_app(Settings(database_url=real_database, secret_key=SECRET, security=trusted))
    with serving(app) as base, httpx.Client(base_url=base) as c:
        resp = c.get("/login", headers=forwarded)
        assert "Secure" in resp.headers["set-cookie"]
        assert "Strict-Transport-Security" in resp.headers
    untrusting = create_app(Settings(database_url=real_database, secret_key=SECRET))
    with serving(untrusting) as base, httpx.Client(base_url=base) as c:
        assert "Secure" not in c.get("/login", headers=forwarded).headers["set-cookie"]


def test_demo_mode_on_a_real_database_offers_no_persona_and_refuses_the_public_secret(
    real_database,
):
    with pytest.raises(ConfigurationError, match="not created by the demo"):
        create_app(Settings(database_url=real_database, demo=True))
    client = _client(real_database, demo=True)
    page = client.get("/login")
    assert "data-persona" not in page.text
    refused = client.post("/login/persona/1", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    assert "only for a database the demo created" in refused.text
    # A cookie signed with the demo's public secret is not a session here.
    forged = Signer(DEMO_SECRET, salt="lodestar.session").sign("anything").decode()
    client.cookies.set(SESSION_COOKIE, forged)
    assert client.get("/api/me").status_code == 401
