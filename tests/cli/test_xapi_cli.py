"""`lodestar xapi credentials`: create prints the key and secret once, list never shows a
secret, revoke stops the key from working; only administrators manage them."""

from __future__ import annotations

import re

from tests.web.xapi_client import Xapi, app_client, statement


def test_create_list_and_revoke_a_credential(demo_cli):
    made = demo_cli("xapi", "credentials", "create", "moodle")
    assert made.exit_code == 0, made.output
    key = re.search(r"^key: (\S+)$", made.output, re.M).group(1)
    secret = re.search(r"^secret: (\S+)$", made.output, re.M).group(1)
    listed = demo_cli("xapi", "credentials", "list")
    assert "moodle" in listed.output and key in listed.output and secret not in listed.output
    with app_client(demo_cli.url) as client:
        source = Xapi(client, key, secret)
        assert source.post(statement()).status_code == 200
        assert demo_cli("xapi", "credentials", "revoke", "moodle").exit_code == 0
        assert source.post(statement()).status_code == 401
    assert "revoked" in demo_cli("xapi", "credentials", "list").output


def test_names_are_checked_and_only_administrators_manage_credentials(demo_cli):
    twice = demo_cli("xapi", "credentials", "create", "lms")
    assert twice.exit_code == 0
    again = demo_cli("xapi", "credentials", "create", "lms")
    assert again.exit_code == 1 and "exists already" in again.output
    bad = demo_cli("xapi", "credentials", "create", "no/slashes")
    assert bad.exit_code == 1 and "Name the source" in bad.output
    missing = demo_cli("xapi", "credentials", "revoke", "never-made")
    assert missing.exit_code == 1 and "No xAPI credential" in missing.output
    ld = demo_cli("xapi", "credentials", "list", "--as", "priya@brightwater.example")
    assert ld.exit_code == 1 and "administrator" in ld.output
