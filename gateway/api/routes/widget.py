"""The embeddable widget (`/widget.js`, `/widget.css`), its configuration, and the demo council
site that embeds it (`/` and `/demo/...`). All files come from `web_widget/`; nothing is loaded
from anywhere else."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel

from gateway.deps import SettingsDep
from gateway.settings import REPO_ROOT

router = APIRouter(tags=["widget"])
WIDGET_DIR = REPO_ROOT / "web_widget"
DEMO_DIR = WIDGET_DIR / "demo"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
# Short caching: a council's pages pick up a new widget within five minutes of a release.
WIDGET_CACHE = "public, max-age=300"


def _file(path: Path, cache: str = WIDGET_CACHE) -> FileResponse:
    return FileResponse(path, media_type=TYPES[path.suffix], headers={"Cache-Control": cache})


@router.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
async def widget_js():
    return _file(WIDGET_DIR / "widget.js")


@router.api_route("/widget.css", methods=["GET", "HEAD"], include_in_schema=False)
async def widget_css():
    return _file(WIDGET_DIR / "widget.css")


@lru_cache(maxsize=1)
def _demo_pages():
    """The demo council site: Jinja templates sharing one layout (autoescaped)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(DEMO_DIR), autoescape=select_autoescape(["html"]))
    names = {p.stem for p in DEMO_DIR.glob("*.html") if p.name != "layout.html"}
    return env, names


def _page(name: str) -> HTMLResponse:
    env, names = _demo_pages()
    if name not in names:
        raise HTTPException(status_code=404, detail="There is no such page on the demo site.")
    html = env.get_template(f"{name}.html").render(page=name)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


@router.get("/", include_in_schema=False)
async def demo_home():
    return _page("index")


@router.get("/demo/demo.css", include_in_schema=False)
async def demo_css():
    return _file(DEMO_DIR / "demo.css", "no-cache")


@router.get("/demo/{name}.html", include_in_schema=False)
async def demo_page(name: str):
    return _page(name)


class Contact(BaseModel):
    name: str
    phone: str | None
    email: str | None
    hours: str | None = None
    url: str | None = None


class WidgetConfig(BaseModel):
    council_id: str
    council_name: str
    local_offer_url: str | None
    spa: Contact
    sendiass: Contact
    emergency: str


@router.get("/api/widget-config", response_model=WidgetConfig)
async def widget_config(request: Request, settings: SettingsDep):
    """What the widget shows when the assistant cannot answer: the council, its SPA and SENDIASS."""
    council = request.app.state.council_info()
    keep = ("name", "phone", "email", "hours", "url")
    return JSONResponse(headers={"Cache-Control": "public, max-age=300"}, content={
        "council_id": council.id,
        "council_name": council.name,
        "local_offer_url": council.local_offer_url,
        "spa": {k: v for k, v in council.spa.to_json().items() if k in keep},
        "sendiass": {k: v for k, v in council.sendiass.to_json().items() if k in keep},
        "emergency": "If a child is in danger now, call 999.",
    })
