"""POST /api/referrals: the referral service the action server delivers confirmed referrals to.

Authentication: `Authorization: Bearer <REFERRAL_SERVICE_SECRET>`, compared in constant time,
checked before the body is even read. The reference the action server generated is the
idempotency key: a repeated reference answers 409 with the stored record's reference, which
the action server counts as delivered (ADR 0007). The referral and its audit entry are written
in one transaction; the e-mail to the SPA mailbox goes later, from the table itself
(`gateway.services.mailer.deliver_pending`).

Every answer is JSON `{"detail": "..."}`: 401 (secret), 413 (body over 1 MB), 422 (what is wrong
with the body, field by field, never echoing what was sent), 409 (already received).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.deps import DbSession, settings_dep
from gateway.models import AuditEntry, Referral, utcnow
from gateway.observability import REFERRALS_CREATED
from gateway.schemas import ReferralCreate, ReferralPublic
from gateway.settings import Settings

log = logging.getLogger("gateway.referrals")

# 60 transcript lines of up to 2,000 characters (4 bytes each in UTF-8 at worst) fit with room.
REFERRAL_MAX_BODY_BYTES = 1_000_000
UNAUTHORISED = "A valid referral service secret is required (Authorization: Bearer <secret>)."
ALREADY_RECEIVED = "This referral has already been received."
_MAX_ERRORS_SHOWN = 8


def _settings_for(request: Request) -> Settings:
    """The settings the route's dependencies would get (honouring app.dependency_overrides)."""
    overrides = getattr(request.app, "dependency_overrides", None) or {}
    return overrides.get(settings_dep, settings_dep)()


def is_authorised(authorization: str | None, secret: str) -> bool:
    """`Bearer <secret>`, compared in constant time; an empty configured secret admits nobody."""
    if not secret or not authorization:
        return False
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode("utf-8"), secret.encode("utf-8"))


def _unauthorised() -> JSONResponse:
    return JSONResponse(status_code=401, content={"detail": UNAUTHORISED},
                        headers={"WWW-Authenticate": "Bearer"})


def readable_errors(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """Pydantic's errors as one sentence and a list of {field, message}; the input is never echoed."""
    items: list[dict[str, str]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        kind = error.get("type", "")
        if kind == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            items.append({"field": "", "message": f"The body is not valid JSON ({reason})." if reason
                          else "The body is not valid JSON."})
            continue
        if not loc and kind == "missing":
            items.append({"field": "", "message": "The body is missing: send the referral as JSON."})
            continue
        if not loc and kind in ("model_attributes_type", "dict_type", "model_type"):
            items.append({"field": "", "message": "The body must be a JSON object "
                                                  "(Content-Type: application/json)."})
            continue
        message = str(error.get("msg", "is not valid"))
        message = message.removeprefix("Value error, ")
        items.append({"field": ".".join(loc), "message": message})
    shown = [f"{i['field']}: {i['message']}" if i["field"] else i["message"] for i in items[:_MAX_ERRORS_SHOWN]]
    more = len(items) - _MAX_ERRORS_SHOWN
    sentence = "The referral was not accepted. " + "; ".join(shown) + (f"; and {more} more." if more > 0 else "")
    return sentence, items


def _too_large() -> JSONResponse:
    return JSONResponse(status_code=413, content={
        "detail": f"The referral is too large (over {REFERRAL_MAX_BODY_BYTES:,} bytes)."})


async def _read_body_within_limit(request: Request) -> JSONResponse | None:
    """Reads the body (at most the limit) so a huge one is never held; a 413 when it is over."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > REFERRAL_MAX_BODY_BYTES:
            return _too_large()
        return None  # the server delivers no more than Content-Length
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > REFERRAL_MAX_BODY_BYTES:
            return _too_large()
    request._body = bytes(body)  # Starlette's cache: the handler's request.body() returns it
    return None


class ReferralRoute(APIRoute):
    """Checks the secret before the body is read, caps the body, and answers validation errors readably.

    These live here rather than in app-wide handlers so the route behaves the same in any app
    that includes the router (an unauthenticated caller learns nothing about the body).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            settings = _settings_for(request)
            if not is_authorised(request.headers.get("authorization"), settings.referral_secret):
                log.warning("referral rejected: missing or wrong secret")
                return _unauthorised()
            too_large = await _read_body_within_limit(request)
            if too_large is not None:
                return too_large
            try:
                return await handler(request)
            except RequestValidationError as exc:
                sentence, items = readable_errors(list(exc.errors()))
                log.info("referral rejected: invalid body (%s)", ", ".join(i["field"] or "body" for i in items))
                return JSONResponse(status_code=422, content={"detail": sentence, "errors": items})

        return guarded


router = APIRouter(tags=["referrals"], route_class=ReferralRoute)
# Documents the scheme in OpenAPI; the check itself is ReferralRoute's (before the body is read).
_bearer = HTTPBearer(auto_error=False, description="The referral service secret (REFERRAL_SERVICE_SECRET)")


def _conflict(existing: Referral) -> JSONResponse:
    public = ReferralPublic.model_validate(existing)
    return JSONResponse(status_code=409, content={"detail": ALREADY_RECEIVED,
                                                  **public.model_dump(mode="json")})


def _existing(session: Session, reference: str) -> Referral | None:
    return session.scalar(select(Referral).where(Referral.reference == reference))


@router.post(
    "/api/referrals",
    status_code=201,
    response_model=ReferralPublic,
    dependencies=[Security(_bearer)],
    summary="Receive a referral confirmed by a parent (action server only)",
    responses={
        401: {"description": "Missing or wrong secret"},
        409: {"description": "A referral with this reference is already stored (counts as delivered)"},
        413: {"description": "Body over 1 MB"},
        422: {"description": "The body is not a valid referral; `detail` says what is wrong"},
    },
)
def create_referral(payload: ReferralCreate, session: DbSession) -> Any:
    existing = _existing(session, payload.reference)
    if existing is not None:
        log.info("referral %s received again: already stored", payload.reference)
        return _conflict(existing)

    now = utcnow()
    consent = payload.consent.model_dump(mode="json")
    referral = Referral(
        reference=payload.reference,
        created_at=payload.created_at,
        received_at=now,
        updated_at=now,
        council=payload.council,
        consent=consent,
        parent_name=payload.parent_name,
        contact_method=payload.contact_method,
        contact_value=payload.contact_value,
        child_age=payload.child_age,
        school_setting=payload.school_setting,
        concern_summary=payload.concern_summary,
        urgency=payload.urgency,
        # the conversation is shared only with the parent's consent
        transcript=[line.model_dump() for line in payload.transcript] if payload.consent.given else None,
        source=payload.source,
        status="new",
        email_attempts=0,
    )
    try:
        session.add(referral)
        session.flush()  # the id, for the audit entry; a duplicate reference fails here
        session.add(AuditEntry(actor="assistant", action="referral_received", referral_id=referral.id,
                               created_at=now,
                               detail={"reference": referral.reference, "urgency": referral.urgency,
                                       "transcript_stored": referral.transcript is not None}))
        session.commit()
    except IntegrityError:
        session.rollback()  # the same reference arrived at the same moment: that one won
        existing = _existing(session, payload.reference)
        if existing is None:
            raise
        log.info("referral %s received twice at once: already stored", payload.reference)
        return _conflict(existing)
    REFERRALS_CREATED.inc()
    log.info("referral %s stored (urgency %s)", referral.reference, referral.urgency)
    return ReferralPublic.model_validate(referral)
