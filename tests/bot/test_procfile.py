"""`make run`'s supervisor: honcho starts the Procfile's processes, the watcher prints the demo
page's address once /readyz answers, and Ctrl-C (SIGINT) stops every process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.stack import free_port
from tests.conftest import REPO_ROOT
from tests.stack_fixtures import require_model

HONCHO = Path(sys.executable).parent / "honcho"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_honcho_runs_the_procfile_and_ctrl_c_stops_everything(sample_index, tmp_path):
    require_model()
    ports = {"ACTION_PORT": free_port(), "RASA_PORT": free_port(), "GATEWAY_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1", "RASA_TELEMETRY_ENABLED": "false",
           "LOCAL_OFFER_INDEX": str(sample_index), "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.sqlite3'}",
           "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
           "REFERRAL_OUTBOX": str(tmp_path / "outbox.sqlite3"), "GATEWAY_SMTP_PORT": "1"}
    log = tmp_path / "honcho.log"
    with log.open("w") as out:
        honcho = subprocess.Popen([str(HONCHO), "--procfile", "Procfile", "--no-prefix", "start"], cwd=REPO_ROOT,
                                  env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 420
        while "Ready. Demo council site" not in log.read_text() and time.monotonic() < deadline:
            assert honcho.poll() is None, log.read_text()[-3000:]
            time.sleep(1)
        text = log.read_text()
        url = f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
        assert f"Ready. Demo council site with the widget: {url}/" in text, text[-3000:]
        page = httpx.get(url + "/", timeout=10)
        assert page.status_code == 200 and 'src="/widget.js"' in page.text
        turn = httpx.post(url + "/api/chat", json={"message": "what is sen support"}, timeout=60).json()
        assert turn["messages"][0]["custom"]["status"] == "answered"
    finally:
        os.killpg(honcho.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        honcho.wait(timeout=60)
    time.sleep(1)
    still = [name for name, port in ports.items() if _listening(port)]
    assert still == [], f"still listening after Ctrl-C: {still}"
