"""The action server: rasa-sdk's HTTP server with this project's actions, warmed up first.

    python -m actions.server --port 5055

The index, the embedding model and the glossary load before the server listens, so the first
parent does not wait for them; log records pass through the personal-data scrubber.
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import run
from rasa_sdk.executor import ActionExecutor


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")  # loopback unless a deployment says otherwise

    utils.configure_colored_logging(args.log_level)
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    from actions import actions
    from actions.scrub import install_log_scrubbing

    install_log_scrubbing()
    actions.warm_up()
    executor = ActionExecutor()
    executor.register_package("actions.actions")
    run(executor, port=args.port, cors_origins=[], endpoints="")


if __name__ == "__main__":
    main()
