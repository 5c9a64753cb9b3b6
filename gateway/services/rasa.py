"""The Rasa REST channel, seen from the gateway: one turn in, the assistant's messages out.

Rasa returns each `utter_message(text, buttons, json_message)` as two entries, `{text,
buttons}` then `{custom}`; the gateway merges them back into one message each.
"""

from __future__ import annotations

import asyncio
import itertools

import httpx

from gateway.observability import UPSTREAM_TURNS


class RasaUnavailable(Exception):
    pass


def merge_messages(entries: list[dict]) -> list[dict]:
    messages: list[dict] = []
    for entry in entries:
        if "custom" in entry and messages and messages[-1]["custom"] is None and "text" not in entry:
            messages[-1]["custom"] = entry["custom"]
            continue
        messages.append({
            "text": entry.get("text"),
            "buttons": entry.get("buttons") or [],
            "custom": entry.get("custom"),
        })
    return messages


class RasaClient:
    """One or more Rasa replicas (`GATEWAY_RASA_URL`, comma-separated). Turns go round-robin:
    the replicas share the tracker store and the lock store, so any replica can take any turn of
    any conversation. A replica that cannot be reached is skipped for that turn (failover)."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.base_urls = [u.strip().rstrip("/") for u in base_url.split(",") if u.strip()]
        if not self.base_urls:
            raise ValueError("GATEWAY_RASA_URL names no Rasa server")
        self.base_url = self.base_urls[0]
        self.timeout_s = timeout_s
        self._next = itertools.count()
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """A pooled client, opened again if a server shutdown closed it."""
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout_s, connect=2.0),
                                             limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
        return self._client

    def _order(self) -> list[str]:
        start = next(self._next) % len(self.base_urls)
        return self.base_urls[start:] + self.base_urls[:start]

    async def turn(self, session_id: str, message: str) -> list[dict]:
        last: Exception | None = None
        for base in self._order():
            try:
                response = await self.client.post(f"{base}/webhooks/rest/webhook",
                                                  json={"sender": session_id, "message": message})
                response.raise_for_status()
                messages = merge_messages(response.json())
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached this replica: the turn is safe to retry
                last = exc
                continue
            except (httpx.HTTPError, ValueError) as exc:  # it may have run: never send it twice
                raise RasaUnavailable(type(exc).__name__) from exc
            UPSTREAM_TURNS.labels(base).inc()
            return messages
        raise RasaUnavailable(type(last).__name__ if last else "no replica")

    async def replicas_ready(self) -> dict[str, bool]:
        async def one(base: str) -> bool:
            try:
                return (await self.client.get(f"{base}/status", timeout=2.0)).status_code == 200
            except httpx.HTTPError:
                return False

        results = await asyncio.gather(*(one(b) for b in self.base_urls))
        return dict(zip(self.base_urls, results, strict=True))

    async def ready(self) -> bool:
        """Ready when at least one replica answers (the others are reported by /readyz)."""
        return any((await self.replicas_ready()).values())

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
