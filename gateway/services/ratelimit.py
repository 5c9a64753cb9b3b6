"""Fixed-window rate limits per chat session and per client address.

In memory for one gateway process; with REDIS_URL the counters live in Redis so that several
gateways behind a load balancer share them (INCR + EXPIRE, one round trip per check).
"""

from __future__ import annotations

import threading
import time

WINDOW_S = 60


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5)

    def hit(self, key: str, limit: int) -> int | None:
        """Count one request; the seconds to wait when over `limit`, else None."""
        window = int(time.time() // WINDOW_S)
        retry_after = WINDOW_S - int(time.time() % WINDOW_S)
        if self._redis is not None:
            name = f"rl:{key}:{window}"
            try:
                pipe = self._redis.pipeline()
                pipe.incr(name)
                pipe.expire(name, WINDOW_S * 2)
                count = int(pipe.execute()[0])
            except Exception:  # Redis down: fall back to this process's own counts
                count = self._local(key, window)
        else:
            count = self._local(key, window)
        return retry_after if count > limit else None

    def _local(self, key: str, window: int) -> int:
        with self._lock:
            seen_window, count = self._counts.get(key, (window, 0))
            count = count + 1 if seen_window == window else 1
            self._counts[key] = (window, count)
            if len(self._counts) > 50_000:  # forget old windows
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            return count
