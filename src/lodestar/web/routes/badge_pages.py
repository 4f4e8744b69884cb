"""A badge's public pages: the verification page (no sign-in), the credential to download for
a backpack or wallet (JSON, and the signed VC-JWT), the issuer profile, its public keys and
its revocation list; and L&D's list of awarded badges, where a badge is revoked."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from lodestar.domain.open_badges import REVOCATION_SENTENCES
from lodestar.errors import LodestarError, NotFound
from lodestar.services import badges
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FieldErrors, FormDep, form_text, handle_form
from lodestar.web.learning_contexts import AwardedBadgesPage, BadgePage
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)


def _issuer(request: Request) -> badges.Issuer:
    return badges.Issuer.of(request.app.state.settings)


@router.get("/badges/issuer")
def issuer_profile(request: Request) -> JSONResponse:
    issuer = _issuer(request)
    return JSONResponse(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": f"{issuer.base_url}/badges/issuer",
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.base_url,
        }
    )  # fmt: skip


@router.get("/badges/keys/{key_id}")
def issuer_key(db: SessionDep, key_id: str) -> JSONResponse:
    jwk = badges.public_jwk(db, key_id)
    if jwk is None:
        raise NotFound("This issuer has no key with that id.")
    return JSONResponse(jwk, media_type="application/jwk+json")


@router.get("/badges/revocations")
def revocations(request: Request, db: SessionDep) -> JSONResponse:
    """The credentials this issuer revoked (every credential's ``credentialStatus`` names it)."""
    return JSONResponse(badges.revocation_list(db, _issuer(request).base_url))


def _awarded(
    request: Request, db: SessionDep, actor: CurrentActor, q: str = "", error: str = "",
    status: int = 200,
) -> Response:  # fmt: skip
    page = AwardedBadgesPage(
        awards=badges.awarded_badges(db, actor, search=q[:100]),
        search=q[:100],
        reasons=REVOCATION_SENTENCES,
        error=error,
    )
    return render(request, "badges/awarded.html", page, status_code=status)


@router.get("/badges/awarded")
def awarded_page(request: Request, db: SessionDep, actor: CurrentActor, q: str = "") -> Response:
    return _awarded(request, db, actor, q)


@router.post("/badges/{public_id}/revoke")
def revoke(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, public_id: str
) -> Response:
    def act(errors: FieldErrors) -> str:
        done = badges.revoke_badge(
            db, actor, public_id, form_text(form, "reason"), form_text(form, "note")
        )
        return f"“{done.name}” of {done.recipient} is revoked; its public page says so."

    def refused(exc: LodestarError) -> Response:
        return _awarded(request, db, actor, error=exc.message, status=exc.status)

    return handle_form(request, db, act, refused=refused, done="/badges/awarded")


@router.get("/badges/{public_id}/credential.json")
def credential_json(db: SessionDep, public_id: str) -> Response:
    text = badges.json_text(badges.credential_document(db, public_id))
    return Response(text, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="badge-{public_id}.json"'})  # fmt: skip


@router.get("/badges/{public_id}/credential.jwt")
def credential_jwt(db: SessionDep, public_id: str) -> Response:
    return Response(badges.credential_token(db, public_id), media_type="application/vc+jwt",
                    headers={"Content-Disposition":
                             f'attachment; filename="badge-{public_id}.jwt"'})  # fmt: skip


@router.get("/badges/{public_id}")
def badge_page(request: Request, db: SessionDep, public_id: str) -> Response:
    result = badges.verify_badge(db, public_id, _issuer(request).base_url)
    return render(request, "badges/public.html", BadgePage(result))
