"""The chat rate limiter, in memory and on a real Redis, driven by a fake clock."""

from __future__ import annotations

import uuid

import pytest

from gateway.services.ratelimit import WINDOW_S, RateLimiter


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def limiter_and_clock(request: pytest.FixtureRequest):
    clock = Clock(1_000 * WINDOW_S + 0.5)
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return RateLimiter(url, clock=clock), clock


def test_allows_the_limit_then_refuses_with_a_wait(limiter_and_clock):
    limiter, _ = limiter_and_clock
    key = f"s:{uuid.uuid4().hex}"
    assert [limiter.hit(key, 5) for _ in range(5)] == [None] * 5
    wait = limiter.hit(key, 5)
    assert wait is not None and 1 <= wait <= WINDOW_S
    assert limiter.hit(f"s:{uuid.uuid4().hex}", 5) is None  # other keys are counted apart


def test_a_burst_across_the_turn_of_a_minute_is_still_one_burst(limiter_and_clock):
    limiter, clock = limiter_and_clock
    key = f"s:{uuid.uuid4().hex}"
    clock.now = 1_001 * WINDOW_S - 0.2  # the last moment of one minute
    first = [limiter.hit(key, 10) for _ in range(8)]
    clock.now = 1_001 * WINDOW_S + 0.2  # the first moment of the next
    second = [limiter.hit(key, 10) for _ in range(8)]
    assert first == [None] * 8
    assert second[:2] == [None, None] and all(w is not None for w in second[3:])


def test_the_allowance_comes_back_as_time_passes(limiter_and_clock):
    limiter, clock = limiter_and_clock
    key = f"s:{uuid.uuid4().hex}"
    clock.now = 1_002 * WINDOW_S + 30
    for _ in range(10):
        limiter.hit(key, 10)
    assert limiter.hit(key, 10) is not None
    clock.now = 1_003 * WINDOW_S + 40  # 70 s later: the last minute's share is a third
    assert limiter.hit(key, 10) is None
    clock.now = 1_005 * WINDOW_S  # two minutes later: nothing left
    assert [limiter.hit(key, 3) for _ in range(3)] == [None] * 3


def test_redis_down_falls_back_to_counting_in_this_process():
    clock = Clock(1_000 * WINDOW_S)
    limiter = RateLimiter("redis://127.0.0.1:1/0", clock=clock)  # nothing listens on port 1
    assert [limiter.hit("s:x", 2) for _ in range(2)] == [None, None]
    assert limiter.hit("s:x", 2) is not None
