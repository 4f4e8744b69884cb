"""What every xAPI request goes through before its resource sees it: the version header, HTTP
Basic credentials, and (in 1.0.3 only) the alternate request syntax that carries a PUT, GET
or DELETE, its headers and its content in an HTML form POSTed with ``?method=``."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.responses import Response

from lodestar.errors import LodestarError
from lodestar.services.xapi.errors import XapiBadRequest

VERSION_HEADER = "X-Experience-API-Version"
VERSIONS = re.compile(r"^(1\.0(\.[0-3])?|2\.0(\.0)?)$")
ALTERNATE_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
ALTERNATE_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")


@dataclass
class XapiRequest:
    """An xAPI request after the alternate syntax is unfolded: the real method, parameters,
    headers (lower-case names) and body."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    version: str = "1.0.3"
    prefix: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def two(self) -> bool:
        return self.version.startswith("2.")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def unfold_alternate(req: XapiRequest) -> None:
    """Turn a 1.0.3 alternate-syntax POST into the request it carries (2.0 refuses it)."""
    if "method" not in req.params:
        return
    if req.method != "POST":
        raise XapiBadRequest("The alternate request syntax (?method=) is only sent as a POST.")
    form_version = _form(req.body).get("X-Experience-API-Version", "")
    if req.headers.get("x-experience-api-version", form_version).startswith("2."):
        raise XapiBadRequest(
            "xAPI 2.0 has no alternate request syntax; send the request with "
            "its own method, headers and body."
        )
    if set(req.params) != {"method"}:
        raise XapiBadRequest(
            "With the alternate request syntax every parameter goes in the "
            "form body; the query string holds only method."
        )
    method = req.params["method"].upper()
    if method not in ALTERNATE_METHODS:
        raise XapiBadRequest(f"The alternate request syntax cannot carry a {method} request.")
    if req.content_type.split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise XapiBadRequest(
            "An alternate-syntax request's body must be a form (application/x-www-form-urlencoded)."
        )
    form = _form(req.body)
    content = form.pop("content", "")
    headers = {k: v for k, v in req.headers.items() if k not in ("content-type", "content-length")}
    params: dict[str, str] = {}
    for name, value in form.items():
        if name.lower() in ALTERNATE_HEADERS:
            headers[name.lower()] = value
        else:
            params[name] = value
    if method in ("PUT", "POST") and not content:
        raise XapiBadRequest("This alternate-syntax request carries no content.")
    headers.setdefault("content-type", "application/json")
    req.method, req.params, req.headers, req.body = method, params, headers, content.encode()


def _form(body: bytes) -> dict[str, str]:
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        raise XapiBadRequest("The form body is not UTF-8 text.") from None


def check_version(req: XapiRequest) -> None:
    value = req.headers.get("x-experience-api-version")
    if value is None:
        raise XapiBadRequest(
            f"Every xAPI request needs the {VERSION_HEADER} header (1.0.3 or 2.0.0)."
        )
    if not VERSIONS.match(value.strip()):
        raise XapiBadRequest(
            f"{VERSION_HEADER} {value} is not supported; Lodestar speaks 1.0.3 and 2.0.0."
        )
    req.version = "2.0.0" if value.startswith("2.") else "1.0.3"


def basic_credentials(req: XapiRequest) -> tuple[str, str] | None:
    header = req.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        key, sep, secret = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (key, secret) if sep else None


def xapi_response(
    status: int,
    body: bytes | dict | list | None = None,
    *,
    version: str = "1.0.3",
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    content = (
        body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
    )
    out = {VERSION_HEADER: version, **(headers or {})}
    return Response(
        content, status_code=status, media_type=media_type if content else None, headers=out
    )


def error_response(exc: LodestarError, version: str) -> Response:
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="Lodestar xAPI"'
    return xapi_response(
        exc.status, {"error": exc.code, "message": exc.message}, version=version, headers=headers
    )
