"""The action server: rasa-sdk's HTTP app with this project's actions, warmed up first.

    python -m actions.server --port 5055

One process, no worker manager: the index, the embedding model and the glossary load before
the server listens (so the first parent does not wait for them), and are loaded once. Several
action servers behind a load balancer scale it out (docs/deploy.md). Log records pass through
the personal-data scrubber. Listens on loopback unless ACTION_SERVER_HOST says otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor

KEEP_ALIVE_TIMEOUT_S = 120
RETRY_INTERVAL_S = float(os.environ.get("REFERRAL_RETRY_SECONDS", "60"))
OUTBOX_RETENTION_DAYS = int(os.environ.get("REFERRAL_OUTBOX_RETENTION_DAYS", "30"))
DAY_S = 86_400


def retry_undelivered_referrals(stop: threading.Event) -> None:
    """Every minute, post the referrals the service has not yet acknowledged (ADR 0007)."""
    from actions import actions

    log = logging.getLogger("actions.referrals")
    last_purge = 0.0
    while not stop.wait(RETRY_INTERVAL_S):
        try:
            delivered = actions.referral_client().deliver_pending()
            if delivered:
                log.info("delivered %d pending referral(s)", delivered)
            if time.monotonic() - last_purge > DAY_S:  # retention: delivered ones leave the local copy
                removed = actions.referral_client().outbox.delete_older_than(OUTBOX_RETENTION_DAYS)
                last_purge = time.monotonic()
                if removed:
                    log.info("removed %d delivered referral(s) from the local outbox", removed)
        except Exception:  # keep retrying; the outbox keeps them safe meanwhile
            log.exception("retrying pending referrals failed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)

    from actions.settings import Settings, production_mode

    if production_mode() and (problems := Settings.from_env().production_problems()):
        sys.exit("The action server will not start in production mode: " + "; ".join(problems) + ".")
    utils.configure_colored_logging(args.log_level)
    # One thread for the query encoder: on a small machine shared with Rasa, torch's thread pool
    # waits for a busy core and a 11 ms search becomes 500 ms (docs/benchmarks.md, "Dialogue").
    import torch

    torch.set_num_threads(int(os.environ.get("ACTION_TORCH_THREADS", "1")))
    from actions import actions
    from actions.scrub import install_log_scrubbing

    install_log_scrubbing()
    from knowledge_base.index_io import IndexUnavailable

    try:
        actions.warm_up()
    except IndexUnavailable as exc:  # one line naming the problem and the command that fixes it
        sys.exit(f"The action server cannot start: {exc}")
    executor = ActionExecutor()
    executor.register_package("actions.actions")
    app = create_app(executor, cors_origins=[])
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_TIMEOUT_S
    logging.getLogger("actions").info("action server listening on %s:%d", args.host, args.port)
    stop = threading.Event()
    threading.Thread(target=retry_undelivered_referrals, args=(stop,), daemon=True, name="referral-retry").start()
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
