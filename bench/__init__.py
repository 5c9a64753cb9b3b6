"""Benchmarks: one script per figure, each printing one JSON object (and writing it with --out).

Timings live here rather than in the tests: a pass/fail threshold on wall time fails at random
on a shared 2-core machine, whereas a printed figure can be compared and rerun.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Self, TypeVar

T = TypeVar("T")
QUIET_CORES = 0.25  # other processes' CPU below which a measurement counts as undisturbed


def machine() -> dict:
    """What the figures were measured on, including how busy it was (others share the cores)."""
    import faiss
    import torch

    return {
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "faiss_omp_threads": faiss.omp_get_max_threads(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def code() -> dict:
    """The commit measured, and the files that differed from it (others edit the same tree)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    modified = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "modified_files": modified}


class OtherLoad:
    """CPU used by other processes while a measurement ran, in cores (0.0 = the machine was ours).

    The load average lags by minutes; this reads /proc/stat and /proc/self/stat around the
    measurement itself, so a figure taken while someone else used a core can be recognised.
    """

    def __enter__(self) -> Self:
        self._start = (_busy_ticks(), _own_ticks(), time.monotonic())
        self.cores = float("nan")
        return self

    def __exit__(self, *exc: object) -> None:
        busy, own, started = self._start
        elapsed = (time.monotonic() - started) * os.sysconf("SC_CLK_TCK")
        if elapsed > 0:
            self.cores = round(max(0.0, (_busy_ticks() - busy) - (_own_ticks() - own)) / elapsed, 2)


def wait_until_quiet(max_wait_s: float, threshold_cores: float = QUIET_CORES, probe_s: float = 2.0) -> float:
    """Wait (at most `max_wait_s`) until other processes use less than `threshold_cores`.

    Returns the last probe's figure; the caller reports it rather than trusting it.
    """
    deadline = time.monotonic() + max_wait_s
    while True:
        with OtherLoad() as other:
            time.sleep(probe_s)
        if other.cores < threshold_cores or time.monotonic() >= deadline:
            return other.cores


@dataclass
class Measured(Generic[T]):
    value: T
    seconds: float
    other_load_cores: float
    attempts: int

    def figures(self) -> dict:
        return {"seconds": round(self.seconds, 2), "other_load_cores": self.other_load_cores,
                "attempts": self.attempts}


def measure_quietly(action: Callable[[], T], attempts: int = 1, quiet_wait_s: float = 0.0) -> Measured[T]:
    """Time `action`, again (up to `attempts` times) while others used the CPU meanwhile.

    On a shared machine a run disturbed by someone else's job is not a figure for this code;
    the least disturbed attempt is kept, with its `other_load_cores` so the reader can judge.
    """
    best: Measured[T] | None = None
    for attempt in range(1, max(1, attempts) + 1):
        if quiet_wait_s:
            wait_until_quiet(quiet_wait_s)
        gc.collect()
        with OtherLoad() as other:
            started = time.perf_counter()
            value = action()
            seconds = time.perf_counter() - started
        if best is None or other.cores < best.other_load_cores:
            best = Measured(value, seconds, other.cores, attempt)
        best.attempts = attempt
        if other.cores < QUIET_CORES:
            break
    assert best is not None
    return best


def _busy_ticks() -> int:
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]  # guest time is already in user
    return sum(values) - values[3] - values[4]  # everything but idle and iowait


def _own_ticks() -> int:
    with open("/proc/self/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime of all this process's threads


def rss_mb() -> float:
    """Resident memory of this process now (Linux), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def percentiles_ms(seconds: list[float]) -> dict:
    """p50/p95/p99/mean/max in milliseconds (nearest-rank percentiles: no interpolation)."""
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    return {
        "n": len(ordered),
        "p50_ms": round(rank(50) * 1000, 2),
        "p95_ms": round(rank(95) * 1000, 2),
        "p99_ms": round(rank(99) * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def emit(result: dict, out: Path | None) -> None:
    """Print the figures; also write them to `out` when given (make bench keeps var/bench/)."""
    text = json.dumps(result, indent=2)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    print(text)
