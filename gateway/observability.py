"""Structured JSON logs (request ids, timings, no personal data) and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar

from prometheus_client import CollectorRegistry, Counter, Histogram

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

REGISTRY = CollectorRegistry(auto_describe=True)
TURNS = Counter("assistant_turns_total", "Chat turns answered, by status", ["status"], registry=REGISTRY)
TURN_LATENCY = Histogram(
    "assistant_turn_seconds", "Chat turn latency through the gateway", registry=REGISTRY,
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20),
)
HANDOFFS = Counter("assistant_handoffs_total", "Safeguarding handoffs, by tier", ["tier"], registry=REGISTRY)
REFERRALS_CREATED = Counter("referrals_created_total", "Referrals stored by the referral service", registry=REGISTRY)
REFERRAL_DELIVERY_FAILURES = Counter(
    "referral_delivery_failures_total", "Failed e-mail deliveries of referrals to the SPA mailbox", registry=REGISTRY
)
UPSTREAM_ERRORS = Counter("gateway_upstream_errors_total", "Rasa or action server failures", ["upstream"],
                          registry=REGISTRY)
UPSTREAM_TURNS = Counter("gateway_rasa_turns_total", "Turns answered, by Rasa replica", ["replica"],
                         registry=REGISTRY)
REJECTED = Counter("gateway_rejected_total", "Requests refused, by reason", ["reason"], registry=REGISTRY)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the message has already passed the personal-data scrubber."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": request_id_var.get(),
            "message": record.getMessage(),
        }
        for key in ("method", "path", "status", "duration_ms", "client", "turn_status"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "error"
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    from actions.scrub import install_log_scrubbing

    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        # replaces plain console handlers (basicConfig's, uvicorn's defaults); keeps any other
        # handler someone attached on purpose (a file, a test's log capture)
        root.handlers = [h for h in root.handlers if type(h) is not logging.StreamHandler] + [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our middleware logs each request once
    install_log_scrubbing(("", "gateway", "uvicorn", "uvicorn.error"))
