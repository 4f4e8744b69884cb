"""/admin/xapi: an administrator makes a source's credentials (the secret shown once, and it
works against /xapi) and revokes them; nobody else may."""

from __future__ import annotations

import re

from tests.web.xapi_client import Xapi, statement


def test_an_administrator_makes_and_revokes_a_source(client_as):
    admin = client_as("admin")
    page = admin.post("/admin/xapi/credentials", data={"name": "course-player"})
    assert page.status_code == 200 and 'data-testid="new-credential"' in page.text
    key = re.search(r'data-testid="key">([^<]+)<', page.text).group(1)
    secret = re.search(r'data-testid="secret">([^<]+)<', page.text).group(1)
    source = Xapi(admin, key, secret)
    assert source.post(statement()).status_code == 200
    listing = admin.get("/admin/xapi")
    assert "course-player" in listing.text and secret not in listing.text
    done = admin.post("/admin/xapi/credentials/course-player/revoke")
    assert done.status_code == 303
    assert source.post(statement()).status_code == 401
    refused = admin.post("/admin/xapi/credentials", data={"name": "course-player"})
    assert refused.status_code == 409 and "exists already" in refused.text


def test_only_administrators_see_the_page(client_as):
    assert client_as("ld").get("/admin/xapi").status_code == 403
    assert (
        client_as("employee").post("/admin/xapi/credentials", data={"name": "x"}).status_code == 403
    )
