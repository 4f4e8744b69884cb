"""Fixtures of the xAPI endpoint's tests (an app per module and a source's credentials)."""

from tests.web.xapi_client import xapi_client, xapi_source

__all__ = ["xapi_client", "xapi_source"]
