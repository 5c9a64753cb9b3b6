"""The gateway: the product's one front door (FastAPI).

    python -m gateway            # or: uvicorn gateway.main:create_app --factory

Parents' widget: POST /api/chat, GET /api/search, /api/glossary. The action server: POST
/api/referrals. SPA staff: /spa/. Operations: /healthz, /readyz, /metrics.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from contextlib import asynccontextmanager
from functools import lru_cache

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.api.routes import chat, health, lookup, widget
from gateway.api.routes.referrals import REFERRAL_MAX_BODY_BYTES
from gateway.observability import REJECTED, configure_logging, request_id_var
from gateway.services.rasa import RasaClient
from gateway.services.ratelimit import RateLimiter
from gateway.settings import Settings, get_settings
from knowledge_base.index_io import IndexUnavailable

log = logging.getLogger("gateway")


def _security_headers(settings: Settings) -> dict[str, str]:
    ancestors = " ".join(settings.frame_ancestors)
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


DATABASE_RETRY_AFTER_S = 30


def _database_unavailable(request: Request) -> Response:
    """The records database cannot be reached: 503 with Retry-After; an HTML page for staff.

    The action server keeps an undelivered referral in its own outbox and posts it again, so a
    503 here loses nothing (ADR 0007)."""
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER_S)}
    if request.url.path.startswith("/spa"):
        from gateway.spa.routes import error_page

        page = error_page(request, 503, "The referral records are not available just now",
                          "The database cannot be reached. Nothing has been lost. Please try again in a minute; "
                          "if this goes on, tell the system's support team.")
        page.headers.update(headers)
        return page
    return JSONResponse(status_code=503, headers=headers, content={
        "detail": "Our records system is not available just now. Please try again in a minute."})


def _readable_validation_error(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "Please check what was sent. " + "; ".join(parts)


def create_app(settings: Settings | None = None) -> FastAPI:
    explicit = settings is not None
    settings = settings or get_settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from starlette.concurrency import run_in_threadpool

        from gateway.db import upgrade_to_head
        from gateway.services.mailer import start_delivery_thread
        from gateway.services.retention import run_retention_loop

        stop = threading.Event()
        try:  # open the index now: a missing or corrupt one is named at start-up, with its fix
            retriever = await run_in_threadpool(app.state.retriever)
            log.info("query encoder: %s", await run_in_threadpool(lambda: retriever.embedder.query_backend))
        except IndexUnavailable as exc:
            log.error("the index cannot be opened, so search and /readyz will fail until it is fixed: %s", exc)
        if settings.migrate_on_start:
            await run_in_threadpool(upgrade_to_head, settings.database_url)
        if settings.background_jobs:
            start_delivery_thread(settings, stop)  # e-mails referrals, retries failures (the outbox)
            threading.Thread(target=run_retention_loop, args=(settings, stop), name="retention", daemon=True).start()
        yield
        stop.set()
        await app.state.rasa.aclose()

    # No /docs or /redoc: those pages load scripts from a CDN (a third-party call, and blocked by
    # our CSP); the schema itself is published at /openapi.json.
    app = FastAPI(title="Local offer assistant gateway", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="The front door of the local offer assistant: chat, lookup, referrals, SPA pages.")
    app.state.settings = settings
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
    app.state.rate_limiter = RateLimiter(settings.redis_url)
    app.state.last_questions = chat.LastQuestions()
    council = _council_info(settings)  # read once: the widget's config and every fallback message
    app.state.council_info = lambda: council
    app.state.spa_contact = {"name": council.spa.name, "phone": council.spa.phone, "email": council.spa.email}
    app.state.retriever = lru_cache(maxsize=1)(lambda: _open_retriever(settings))
    app.state.glossary = _glossary
    app.state.record_gap = lambda kind, question, reason: _record_gap(settings, kind, question, reason)

    app.add_middleware(GZipMiddleware, minimum_size=1000)  # the widget's files, search results
    app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], allow_credentials=False, max_age=600)
    headers = _security_headers(settings)

    @app.middleware("http")
    async def front_door(request: Request, call_next):
        request_id = request.headers.get("X-Request-ID", "")[:64] or secrets.token_hex(8)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            length = request.headers.get("content-length")
            # a referral carries its transcript: its route enforces its own, larger limit
            limit = REFERRAL_MAX_BODY_BYTES if request.url.path == "/api/referrals" else settings.max_body_bytes
            if length and (not length.isdigit() or int(length) > limit):
                REJECTED.labels("body_too_large").inc()
                response = JSONResponse(status_code=413, content={
                    "detail": "That request is too large. Please send a shorter message."})
            else:
                try:
                    response = await call_next(request)
                except DBAPIError:  # the database is away: say so (503), never a bare 500
                    log.exception("database unavailable")
                    response = _database_unavailable(request)
                except Exception:
                    log.exception("unhandled error")
                    response = JSONResponse(status_code=500, content={
                        "detail": "Sorry, something went wrong on our side. Please try again."})
            for name, value in headers.items():  # a route's own stricter policy (the SPA pages) wins
                response.headers.setdefault(name, value)
            response.headers["X-Request-ID"] = request_id
            log.info("request", extra={"method": request.method, "path": request.url.path,
                                       "status": response.status_code,
                                       "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
            return response
        finally:
            request_id_var.reset(token)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        REJECTED.labels("invalid").inc()
        return JSONResponse(status_code=422, content={"detail": _readable_validation_error(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "That request could not be handled."
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    from gateway.api.routes import referrals
    from gateway.spa.routes import router as spa_router


    if explicit:  # every route sees the settings the app was made with
        from gateway.deps import settings_dep

        app.dependency_overrides[settings_dep] = lambda: settings
    app.include_router(chat.router)
    app.include_router(lookup.router)
    app.include_router(referrals.router)
    app.include_router(spa_router)
    app.include_router(health.router)
    app.include_router(widget.router)
    return app


def _council_info(settings: Settings):
    from actions.council import load_council

    return load_council(settings.contacts_path)


def _open_retriever(settings: Settings):
    from knowledge_base.retriever import Retriever

    return Retriever.open(settings.index_path)


@lru_cache(maxsize=1)
def _glossary():
    from actions.glossary import Glossary

    return Glossary.load()


def _record_gap(settings: Settings, kind: str, question: str, reason: str | None) -> None:
    """Store a content gap for the council's report; scrubbed, never blocking the parent's turn."""
    from actions.scrub import scrub
    from gateway.db import session_scope
    from gateway.models import ContentGap

    try:
        with session_scope(settings.database_url) as session:
            session.add(ContentGap(council=settings.council, kind=kind, question=scrub(question)[:1000],
                                   reason=(reason or "")[:120] or None))
    except Exception:
        log.exception("could not record a content gap")
