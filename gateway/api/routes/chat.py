"""POST /api/chat: the parent's turn, forwarded to Rasa's REST channel (never exposed itself)."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections import OrderedDict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import SettingsDep
from gateway.observability import HANDOFFS, REJECTED, TURN_LATENCY, TURNS, UPSTREAM_ERRORS
from gateway.services.rasa import RasaUnavailable

router = APIRouter(tags=["chat"])
log = logging.getLogger("gateway.chat")
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
LAST_QUESTIONS_KEPT = 10_000


class ChatRequest(BaseModel):
    session_id: str | None = Field(default=None, description="Issued by the gateway; omit to start a conversation")
    message: str = Field(min_length=1, description="What the parent typed, or a button's payload")


class Message(BaseModel):
    text: str | None = None
    buttons: list[dict] = []
    custom: dict | None = None


class ChatResponse(BaseModel):
    session_id: str
    messages: list[Message]


def unavailable_messages(request: Request, status: str) -> list[dict]:
    contacts = request.app.state.spa_contact
    return [{
        "text": ("Sorry, the assistant isn't available just now. Please try again in a minute, or contact "
                 f"{contacts['name']}: phone {contacts['phone']}, email {contacts['email']}. "
                 "If a child is in danger, call 999."),
        "buttons": [],
        "custom": {"status": status, "sources": [], "contacts": [contacts]},
    }]


class LastQuestions:
    """The last question asked in each session, so "not helpful" feedback can say about what."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()

    def put(self, session_id: str, question: str) -> None:
        self._items[session_id] = question
        self._items.move_to_end(session_id)
        while len(self._items) > LAST_QUESTIONS_KEPT:
            self._items.popitem(last=False)

    def get(self, session_id: str) -> str | None:
        return self._items.get(session_id)

    def forget(self, session_id: str) -> None:
        self._items.pop(session_id, None)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/api/chat", response_model=ChatResponse,
             responses={413: {"description": "Message too long"}, 429: {"description": "Too many messages"},
                        503: {"description": "The assistant is unavailable"}})
async def chat(body: ChatRequest, request: Request, settings: SettingsDep):
    if len(body.message) > settings.max_message_chars:
        REJECTED.labels("message_too_long").inc()
        return JSONResponse(status_code=413, content={
            "detail": f"That message is too long. Please keep it under {settings.max_message_chars} characters."})
    session_id = body.session_id if body.session_id and SESSION_ID.match(body.session_id) else secrets.token_urlsafe(18)
    limiter = request.app.state.rate_limiter
    for key, limit in ((f"s:{session_id}", settings.rate_limit_per_minute_session),
                       (f"c:{client_address(request)}", settings.rate_limit_per_minute_client)):
        retry_after = limiter.hit(key, limit)
        if retry_after is not None:
            REJECTED.labels("rate_limited").inc()
            return JSONResponse(status_code=429, headers={"Retry-After": str(retry_after)}, content={
                "detail": "You're sending messages very quickly. Please wait a moment and try again."})
    message = body.message.replace("\x00", "").strip() or body.message
    started = time.perf_counter()
    try:
        messages = await request.app.state.rasa.turn(session_id, message)
    except RasaUnavailable as exc:
        UPSTREAM_ERRORS.labels("rasa").inc()
        log.warning("rasa unavailable (%s)", exc)
        TURNS.labels("unavailable").inc()
        return JSONResponse(status_code=503, content={
            "session_id": session_id, "detail": "The assistant is not available just now.",
            "messages": unavailable_messages(request, "unavailable")})
    if not any(m.get("custom") for m in messages):
        # Rasa answered without the action server's messages: it is down or failed
        UPSTREAM_ERRORS.labels("action_server").inc()
        messages = unavailable_messages(request, "error")
    elapsed = time.perf_counter() - started
    status = next((m["custom"].get("status") for m in messages if m.get("custom")), "none")
    TURNS.labels(status).inc()
    TURN_LATENCY.observe(elapsed)
    await record_turn(request, session_id, message, messages, status)
    log.info("turn", extra={"turn_status": status, "duration_ms": round(elapsed * 1000, 1)})
    return {"session_id": session_id, "messages": messages}


async def record_turn(request: Request, session_id: str, message: str, messages: list[dict], status: str) -> None:
    """Metrics and the content-gaps report; questions are scrubbed before they are stored."""
    state = request.app.state
    first = next((m["custom"] for m in messages if m.get("custom")), {})
    from starlette.concurrency import run_in_threadpool

    if status == "handed_off":
        HANDOFFS.labels((first.get("handoff") or {}).get("tier", "unknown")).inc()
        return  # a risky message is never stored for the report
    if status == "conversation_deleted":
        from gateway.services.conversations import delete_conversation

        state.last_questions.forget(session_id)
        await run_in_threadpool(delete_conversation, state.settings.tracker_database_url, session_id)
        return
    if status == "not_in_documents":
        # a database write: off the event loop, so other parents' turns are not held up
        await run_in_threadpool(state.record_gap, "not_in_documents", message, first.get("reason"))
    elif status == "feedback" and first.get("helpful") is False:
        previous = state.last_questions.get(session_id)
        if previous:
            await run_in_threadpool(state.record_gap, "not_helpful", previous, None)
    if not message.startswith("/") and status in ("answered", "answered_offer_referral", "not_in_documents",
                                                   "glossary", "service_list"):
        state.last_questions.put(session_id, message)
