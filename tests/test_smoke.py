"""The skeleton holds together: the app starts on a seeded database and answers."""

from lodestar.domain.intake import FIELD_NAMES


def test_login_page_lists_demo_personas(client_as):
    client = client_as(None)
    page = client.get("/login")
    assert page.status_code == 200
    assert "Sign in as Priya" in page.text


def test_signed_in_home_shows_priorities(client_as):
    client = client_as("ld")
    page = client.get("/")
    assert page.status_code == 200
    assert "Win more of the deals" in page.text


def test_anonymous_is_sent_to_login(client_as):
    client = client_as(None)
    resp = client.get("/")
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/login")


def test_five_intake_fields():
    assert len(FIELD_NAMES) == 5
