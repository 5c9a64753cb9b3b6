"""Sliding-window rate limits per chat session and per client address.

The count is the usual sliding-window estimate: this minute's requests plus last minute's,
weighted by how much of last minute still lies inside the past 60 seconds. Unlike a fixed
window, a burst that straddles the turn of a minute is still counted as one burst.

In memory for one gateway process; with REDIS_URL the counters live in Redis so that several
gateways behind a load balancer share them (INCR + EXPIRE + GET, one round trip per check).
"""

from __future__ import annotations

import math
import threading
import time

import redis

WINDOW_S = 60


class RateLimiter:
    def __init__(self, redis_url: str | None = None, clock=time.time) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], int] = {}
        self._clock = clock
        self._redis = None
        if redis_url:
            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5)

    def hit(self, key: str, limit: int) -> int | None:
        """Count one request; the whole seconds to wait when over `limit`, else None."""
        now = self._clock()
        window = int(now // WINDOW_S)
        elapsed = now - window * WINDOW_S
        current, previous = self._count(key, window)
        estimate = previous * (1 - elapsed / WINDOW_S) + current
        if estimate <= limit:
            return None
        if current > limit:  # over on this minute alone: wait for the next
            return max(1, math.ceil(WINDOW_S - elapsed))
        # over because of last minute's share, which shrinks by previous/WINDOW_S a second
        return max(1, math.ceil((estimate - limit) * WINDOW_S / max(previous, 1)))

    def _count(self, key: str, window: int) -> tuple[int, int]:
        if self._redis is not None:
            name = f"rl:{key}:"
            try:
                pipe = self._redis.pipeline()
                pipe.incr(f"{name}{window}")
                pipe.expire(f"{name}{window}", WINDOW_S * 2)
                pipe.get(f"{name}{window - 1}")
                current, _, previous = pipe.execute()
                return int(current), int(previous or 0)
            except redis.RedisError:  # Redis down: fall back to this process's own counts
                pass
        with self._lock:
            current = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = current
            if len(self._counts) > 50_000:  # forget windows older than the last one
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window - 1}
            return current, self._counts.get((key, window - 1), 0)
