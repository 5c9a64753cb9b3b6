"""python -m gateway: serve the gateway with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from gateway.settings import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run("gateway.main:create_app", factory=True, host=settings.host, port=settings.port,
                log_config=None, access_log=False, proxy_headers=False)


if __name__ == "__main__":
    main()
