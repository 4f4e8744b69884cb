"""The administrators' accounts page, the web counterpart of `lodestar users`: every account with
its role, department, whether it can sign in and when it last did; deactivate and reactivate,
a new password, a department, API tokens listed and revoked. Each change ends what it must
(sessions, tokens), is recorded in the audit trail, and answers with a redirect and a message."""

from __future__ import annotations

import html
import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from, make_app_client

from lodestar.db.models import AuditEvent, Department, User
from lodestar.db.session import make_engine
from lodestar.services import accounts

PASSWORD = "an old passphrase"


def _new_account(web_database: str, role: str = "manager") -> tuple[int, str]:
    email = f"acct-{uuid.uuid4().hex[:8]}@example.org"
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        user = accounts.create_user(s, email=email, name="Rosa Admin-Test", role=role,
                                    password=PASSWORD, fast_hash=True)  # fmt: skip
        user_id = user.id
        accounts.mark_demo_workspace(s)  # the other tests still sign in as demo personas
    engine.dispose()
    return user_id, email


def _signed_in(web_database: str, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client = make_app_client(web_database)
    csrf = csrf_from(client.get("/login").text)
    resp = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf})
    return client, resp


def _post(client, url: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Post like a browser, with the CSRF token from the account's page; follow to the page."""
    page = re.sub(r"/(deactivate|reactivate|password|department|tokens/\d+/revoke)$", "", url)
    resp = client.post(url, data={**(data or {}), "csrf_token": csrf_from(client.get(page).text)})
    assert resp.status_code == 303 and resp.headers["location"] == page, resp.text
    return client.get(page)


def _audited(web_database: str, action: str, user_id: int) -> list[AuditEvent]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        events = list(
            s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == action, AuditEvent.object_id == user_id
                )
            )
        )
    engine.dispose()
    return events


def test_the_list_shows_role_department_state_and_last_sign_in(client_as, web_database):
    user_id, email = _new_account(web_database)
    admin = client_as("admin")
    listing = admin.get("/admin/accounts")
    assert listing.status_code == 200
    row = re.search(rf'<tr data-account-id="{user_id}".*?</tr>', listing.text, re.S)
    assert row and email in row.group(0) and "Manager" in row.group(0)
    assert "Never" in row.group(0)  # has not signed in yet
    _signed_in(web_database, email)
    row = re.search(rf'<tr data-account-id="{user_id}".*?</tr>', admin.get("/admin/accounts").text,
                    re.S)  # fmt: skip
    assert row and "Never" not in row.group(0) and "UTC" in row.group(0)
    assert 'href="/admin/accounts"' in admin.get("/").text  # in the admin's menu
    assert 'href="/admin/accounts"' not in client_as("ld").get("/").text


def test_deactivating_signs_out_and_reactivating_lets_in_again(client_as, web_database):
    user_id, email = _new_account(web_database)
    them, _ = _signed_in(web_database, email)
    assert them.get("/api/me").status_code == 200
    admin = client_as("admin")
    page = _post(admin, f"/admin/accounts/{user_id}/deactivate")
    assert "is deactivated" in page.text and "No, deactivated" in page.text
    assert them.get("/api/me").status_code == 401  # their session ended
    assert _signed_in(web_database, email)[1].status_code == 401
    page = _post(admin, f"/admin/accounts/{user_id}/reactivate")
    assert "can sign in again" in page.text
    assert _signed_in(web_database, email)[1].status_code == 303
    assert len(_audited(web_database, "user.deactivate", user_id)) == 1
    assert len(_audited(web_database, "user.reactivate", user_id)) == 1


def test_the_last_active_administrator_cannot_be_deactivated(client_as, web_database):
    engine = make_engine(web_database)
    with Session(engine) as s:
        admins = list(s.scalars(select(User.id).where(User.role == "admin", User.is_active)))
    engine.dispose()
    assert len(admins) == 1, "the demo has one administrator"
    page = _post(client_as("admin"), f"/admin/accounts/{admins[0]}/deactivate")
    assert "last active administrator" in page.text
    assert "No, deactivated" not in page.text


def test_a_new_password_ends_their_sessions_and_is_never_shown(client_as, web_database):
    user_id, email = _new_account(web_database)
    them, _ = _signed_in(web_database, email)
    admin = client_as("admin")
    fresh = "a fresh passphrase"
    page = _post(admin, f"/admin/accounts/{user_id}/password",
                 {"new_password": fresh, "repeat_password": "not the same one"})  # fmt: skip
    assert "differ, so nothing was changed" in page.text
    assert them.get("/api/me").status_code == 200
    short = _post(admin, f"/admin/accounts/{user_id}/password",
                  {"new_password": "short", "repeat_password": "short"})  # fmt: skip
    assert "too short" in short.text
    page = _post(admin, f"/admin/accounts/{user_id}/password",
                 {"new_password": fresh, "repeat_password": fresh})  # fmt: skip
    assert "is changed and they are signed out everywhere" in page.text
    assert "a fresh passphrase" not in page.text
    assert them.get("/api/me").status_code == 401
    assert _signed_in(web_database, email)[1].status_code == 401
    assert _signed_in(web_database, email, "a fresh passphrase")[1].status_code == 303
    assert len(_audited(web_database, "user.reset_password", user_id)) == 1


def test_setting_the_department(client_as, web_database):
    user_id, email = _new_account(web_database)
    engine = make_engine(web_database)
    with Session(engine) as s:
        dept_id, dept_name = s.execute(
            select(Department.id, Department.name).order_by(Department.id.desc())
        ).first()  # type: ignore[misc]
    engine.dispose()
    admin = client_as("admin")
    page = _post(admin, f"/admin/accounts/{user_id}/department", {"department_id": ""})
    assert "Choose a department from the list" in page.text
    page = _post(admin, f"/admin/accounts/{user_id}/department", {"department_id": str(dept_id)})
    assert f"now belongs to {html.escape(dept_name)}" in page.text
    assert f'<option value="{dept_id}" selected>' in page.text
    events = _audited(web_database, "user.set_department", user_id)
    assert [e.detail for e in events] == [dept_name]


def test_an_administrator_lists_and_revokes_someone_elses_token(client_as, web_database):
    user_id, email = _new_account(web_database)
    them, _ = _signed_in(web_database, email)
    csrf = csrf_from(them.get("/account").text)
    created = them.post("/account/tokens", data={"name": "Quarterly upload", "csrf_token": csrf})
    token = re.search(r'<code class="token">(lsk_[^<]+)</code>', created.text)
    assert token
    bearer = {"Authorization": f"Bearer {token.group(1)}"}
    assert make_app_client(web_database).get("/api/me", headers=bearer).status_code == 200
    admin = client_as("admin")
    page = admin.get(f"/admin/accounts/{user_id}")
    listed = re.search(r'<tr data-token-id="(\d+)" data-state="active">\s*<td>Quarterly upload',
                       page.text)  # fmt: skip
    assert listed and token.group(1) not in page.text  # listed by name, the secret never shown
    page = _post(admin, f"/admin/accounts/{user_id}/tokens/{listed.group(1)}/revoke")
    assert "“Quarterly upload” of" in page.text and "is revoked" in page.text
    assert make_app_client(web_database).get("/api/me", headers=bearer).status_code == 401
    engine = make_engine(web_database)
    with Session(engine) as s:
        revoked = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "token.revoke", AuditEvent.object_id == int(listed.group(1))
            )
        ).all()
    engine.dispose()
    assert len(revoked) == 1


def test_only_administrators_and_only_with_the_csrf_token(client_as, web_database):
    user_id, _ = _new_account(web_database)
    ld = client_as("ld")
    assert ld.get("/admin/accounts").status_code == 403
    assert ld.post(f"/admin/accounts/{user_id}/deactivate").status_code == 403
    admin = client_as("admin")
    admin.headers.pop("X-CSRF-Token")
    assert admin.post(f"/admin/accounts/{user_id}/deactivate").status_code == 403
    assert admin.get(f"/admin/accounts/{user_id}").text.count("No, deactivated") == 0
    assert admin.get("/admin/accounts/999999").status_code == 404
