"""A local HTTP server on 127.0.0.1 whose replies each test sets: no test touches the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep before answering (timeout tests)
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]


Route = Reply | Callable[[SeenRequest], Reply]


class LocalSite:
    """Routes by request path (query included); unknown paths answer 404."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def paths_requested(self) -> list[str]:
        return [request.path for request in self.requests]

    def reply_to(self, request: SeenRequest) -> Reply:
        self.requests.append(request)
        route = self.routes.get(request.path, Reply(status=404, body=b"not found"))
        return route(request) if callable(route) else route


def _handler_for(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reply = site.reply_to(
                SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            time.sleep(reply.delay_s)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.close_connection = True
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first: expected in timeout and size-cap tests

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    return Handler


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    site = LocalSite(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler_for(site)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
