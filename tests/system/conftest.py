"""The product as people run it: `foia run` started as a process on a free loopback port, with a real
SMTP server (aiosmtpd) and, where asked, the suite's dovecot; tests act only over HTTP and mail."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import dovecot, smtp  # noqa: F401  (fixtures)
from tests.unit.outbound.smtp import free_port

#: Every periodic job runs twenty times as often as in production: the outbox every 1.5 s, reminders
#: every 45 s, the mailbox every 15 s, the search index every second — the same code, on its interval.
INTERVAL_SCALE = "0.05"


@dataclass
class FoiaServer:
    """A running `foia run` process."""

    process: subprocess.Popen
    url: str
    log_path: Path
    env: dict = field(repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def health(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for(condition, timeout: float, what: str, server: FoiaServer | None = None, every: float = 0.25):
    """Poll `condition()` until it returns something truthy; fail saying what did not happen (with the log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if server is not None and server.process.poll() is not None:
            pytest.fail(f"foia run exited ({server.process.returncode}) while waiting for {what}:\n{server.log()}")
        time.sleep(every)
    pytest.fail(f"{what} did not happen within {timeout:.0f} s" + (f"\n--- foia run log ---\n{server.log()}" if server else ""))


@pytest.fixture
def start_foia(tmp_path, database_url):
    """Start `foia run` with FOIA_* settings (on the test's database) and wait until it answers HTTP."""
    servers: list[FoiaServer] = []

    def start(**settings) -> FoiaServer:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
        env.update({"FOIA_INSTANCE_PATH": str(tmp_path / "instance"), "FOIA_DATABASE_URL": database_url,
                    "FOIA_MAIL_FROM": "requests@foia.test", "FOIA_SECRET_KEY": "system-test",
                    "FOIA_JOB_INTERVAL_SCALE": INTERVAL_SCALE, "FOIA_OUTBOX_RETRY_SECONDS": "1",
                    "FOIA_LOG_LEVEL": "INFO"})
        env.update({f"FOIA_{key}": str(value) for key, value in settings.items()})
        log_path = tmp_path / f"foia-run-{len(servers)}.log"
        foia = str(Path(sys.executable).with_name("foia"))
        with open(log_path, "wb") as log:
            process = subprocess.Popen([foia, "run", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
        server = FoiaServer(process, f"http://127.0.0.1:{port}", log_path, env)
        servers.append(server)

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_for(answers, 60, "foia run answering on its port", server)
        return server

    yield start
    for server in servers:
        server.stop()


def job_succeeded(server: FoiaServer, name: str):
    """The job's last success as /healthz reports it, or None."""
    _, body = server.health()
    return (body.get("jobs") or {}).get(name, {}).get("last_success")
