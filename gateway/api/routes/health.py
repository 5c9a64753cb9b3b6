"""/healthz (alive) and /readyz (index, Rasa, action server and database all answering)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from gateway.db import engine_for
from gateway.deps import SettingsDep
from gateway.observability import REGISTRY

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


def _database_ok(url: str) -> bool:
    try:
        with engine_for(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 (any failure means not ready)
        return False


def _index_ok(request: Request) -> bool:
    try:
        return bool(request.app.state.retriever().chunks)
    except Exception:  # noqa: BLE001 (any failure means not ready)
        return False


@router.get("/readyz")
async def readyz(request: Request, settings: SettingsDep):
    replicas = await request.app.state.rasa.replicas_ready()
    checks = {
        "index": await run_in_threadpool(_index_ok, request),
        "rasa": any(replicas.values()),
        "action_server": await _action_server_ok(settings.action_server_url),
        "database": await run_in_threadpool(_database_ok, settings.database_url),
    }
    ready = all(checks.values())
    return JSONResponse(status_code=200 if ready else 503,
                        content={"ready": ready, "checks": checks, "rasa_replicas": replicas})


async def _action_server_ok(urls: str) -> bool:
    """At least one of the action servers (comma-separated) answers."""
    async with httpx.AsyncClient(timeout=2.0) as client:
        for url in (u.strip() for u in urls.split(",") if u.strip()):
            try:
                if (await client.get(f"{url.rstrip('/')}/health")).status_code == 200:
                    return True
            except httpx.HTTPError:
                continue
    return False


@router.get("/metrics", include_in_schema=False)
async def metrics():
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
