"""Statements with attachments travel as ``multipart/mixed``: the statements as JSON first,
then one part per attachment, each naming its SHA-256 in ``X-Experience-API-Hash``. This
module reads such a body (every attachment a statement lists without a ``fileUrl`` must be
there, and nothing else), writes one for GET with ``attachments=true``, and checks signed
statements (a JWS in a signature attachment: RS256, RS384 or RS512, and a payload equal to
the statement it signs)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from lodestar.services.xapi.errors import XapiBadRequest
from lodestar.services.xapi.validation import SIGNATURE
from lodestar.services.xapi.writer import same_statement

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512")


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    body: bytes


def boundary_of(content_type: str) -> str:
    for piece in content_type.split(";")[1:]:
        name, _, value = piece.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"')
    raise XapiBadRequest("A multipart/mixed body needs a boundary in its Content-Type.")


def parse_parts(body: bytes, boundary: str) -> list[Part]:
    delimiter = b"--" + boundary.encode()
    pieces = body.split(delimiter)
    if len(pieces) < 3:
        raise XapiBadRequest("The multipart/mixed body has no parts between its boundaries.")
    parts = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        piece = piece[2:] if piece.startswith(b"\r\n") else piece.lstrip(b"\n")
        head, sep, content = piece.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = piece.partition(b"\n\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    return parts


def read_multipart(body: bytes, content_type: str) -> tuple[bytes, dict[str, tuple[str, bytes]]]:
    """(the statements' JSON, {sha2: (content type, content)}) of a multipart/mixed body."""
    parts = parse_parts(body, boundary_of(content_type))
    first, rest = parts[0], parts[1:]
    if first.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise XapiBadRequest(
            "The first part of a multipart/mixed body must be the statements, "
            "with Content-Type application/json."
        )
    attachments: dict[str, tuple[str, bytes]] = {}
    for part in rest:
        sha = part.headers.get("x-experience-api-hash")
        if not sha:
            raise XapiBadRequest(
                "Each attachment part needs an X-Experience-API-Hash header "
                "with the SHA-256 of its content."
            )
        if part.headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise XapiBadRequest("Attachment parts must use Content-Transfer-Encoding: binary.")
        attachments[sha] = (part.headers.get("content-type", "application/octet-stream"), part.body)
    return first.body, attachments


def check_attachments(
    statements: list[dict[str, Any]], attachments: dict[str, tuple[str, bytes]]
) -> None:
    """Every attachment without a fileUrl is sent, every part sent is listed, and every
    signature attachment signs its statement."""
    listed: set[str] = set()
    for s in statements:
        for a in s.get("attachments", []):
            listed.add(a["sha2"])
            if "fileUrl" not in a and a["sha2"] not in attachments:
                raise XapiBadRequest(
                    f"The attachment {a['sha2']} has no fileUrl and no part with that "
                    "X-Experience-API-Hash; send it as multipart/mixed or give its fileUrl."
                )
            if a["usageType"] == SIGNATURE and a["sha2"] in attachments:
                _check_signature(s, a, attachments[a["sha2"]])
    extra = sorted(set(attachments) - listed)
    if extra:
        raise XapiBadRequest(
            f"The part with hash {extra[0]} is not an attachment of any "
            "statement sent; list it in the statement's attachments."
        )


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_signature(
    statement: dict[str, Any], attachment: dict[str, Any], part: tuple[str, bytes]
) -> None:
    if attachment["contentType"] != "application/octet-stream":
        raise XapiBadRequest(
            "A signature attachment must have contentType application/octet-stream."
        )
    try:
        header_b64, payload_b64, signature_b64 = part[1].decode("ascii").strip().split(".")
        header = json.loads(_b64(header_b64))
        payload = json.loads(_b64(payload_b64))
        _b64(signature_b64)
    except (ValueError, UnicodeDecodeError):
        raise XapiBadRequest(
            "The signature is not a JSON Web Signature (JWS) in compact form "
            "whose payload is the statement as JSON."
        ) from None
    if not isinstance(header, dict) or header.get("alg") not in SIGNING_ALGORITHMS:
        raise XapiBadRequest("A statement signature must use RS256, RS384 or RS512.")
    if not isinstance(payload, dict) or not _signs(payload, statement):
        raise XapiBadRequest("The signature's payload is not the statement it is attached to.")


def _signs(payload: dict[str, Any], statement: dict[str, Any]) -> bool:
    def bare(s: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in s.items() if k != "attachments"}

    if "id" in payload and str(payload["id"]).lower() != str(statement.get("id", "")).lower():
        return False
    return same_statement(bare(payload), bare(statement))


def build_multipart(
    document: bytes, attachments: list[tuple[str, str, bytes]]
) -> tuple[bytes, str]:
    """(body, Content-Type) of a multipart/mixed answer: the JSON, then the attachments."""
    boundary = secrets.token_hex(16)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), document]
    for sha, ctype, content in attachments:
        chunks.append(
            f"\r\n--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary"
            f"\r\nX-Experience-API-Hash: {sha}\r\n\r\n".encode()
        )
        chunks.append(content)
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
