"""L&D revokes a badge on the awarded-badges page; its public page then says so and fails, and
the public revocation list holds it; `lodestar badges revoke` does the same from the CLI."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from
from tests.services.learning.test_badges import issuer

from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.services import badges


def _award(url: str, role: str) -> str:
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        user = s.scalars(
            select(User).where(User.role == role, User.employee_id.is_not(None)).order_by(User.id)
        ).first()
        assert user is not None and user.employee_id is not None
        achievement = badges.define_proficiency_badge(
            s, code=f"walk-{user.id}", name="Careful walker", skill_code="BW-DATA", min_level=2,
            description="Walks the pages carefully.",
        )  # fmt: skip
        public_id = badges.award(s, issuer(), achievement, user.employee_id).public_id
    engine.dispose()
    return public_id


def test_ld_revokes_a_badge_and_its_public_page_says_so(client_as, web_database) -> None:  # type: ignore[no-untyped-def]
    public_id = _award(web_database, "employee")
    ld = client_as("ld")
    page = ld.get("/badges/awarded?q=Careful")
    assert page.status_code == 200 and f'data-badge="{public_id}"' in page.text
    missing = ld.post(f"/badges/{public_id}/revoke", data={"csrf_token": csrf_from(page.text)})
    assert missing.status_code == 422 and "Choose why the badge is revoked" in missing.text
    form = {"csrf_token": csrf_from(page.text), "reason": "criteria_not_met", "note": "Re-checked."}
    sent = ld.post(f"/badges/{public_id}/revoke", data=form)
    assert sent.status_code == 303
    assert "Revoked on" in ld.get("/badges/awarded?q=Careful").text
    stranger = client_as(None)
    public = stranger.get(f"/badges/{public_id}")
    assert public.status_code == 200 and 'id="revoked"' in public.text
    assert "its criteria were not met" in public.text and "Re-checked" not in public.text
    assert "Not verified" in public.text and "Verified: this badge" not in public.text
    listed = stranger.get("/badges/revocations").json()["revokedCredentials"]
    assert any(r["id"].endswith(public_id) for r in listed)
    assert client_as("employee").get("/badges/awarded").status_code == 403
