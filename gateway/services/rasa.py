"""The Rasa REST channel, seen from the gateway: one turn in, the assistant's messages out.

Rasa returns each `utter_message(text, buttons, json_message)` as two entries, `{text,
buttons}` then `{custom}`; the gateway merges them back into one message each.
"""

from __future__ import annotations

import httpx


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
    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """A pooled client, opened again if a server shutdown closed it."""
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout_s, connect=2.0),
                                             limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
        return self._client

    async def turn(self, session_id: str, message: str) -> list[dict]:
        try:
            response = await self.client.post(f"{self.base_url}/webhooks/rest/webhook",
                                              json={"sender": session_id, "message": message})
            response.raise_for_status()
            return merge_messages(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc

    async def ready(self) -> bool:
        try:
            return (await self.client.get(f"{self.base_url}/status", timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            return False

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
