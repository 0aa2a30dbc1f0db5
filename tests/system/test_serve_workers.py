"""`foia serve --workers N`: N processes answer on one port, so one host uses all its cores (issue 12)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.system.conftest import wait_for
from tests.unit.outbound.smtp import free_port


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_two_processes_share_the_port_answer_every_request_and_stop_together(tmp_path, database_url):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
    env.update({"FOIA_INSTANCE_PATH": str(tmp_path / "instance"), "FOIA_DATABASE_URL": database_url,
                "FOIA_SECRET_KEY": "system-test", "FOIA_LOG_LEVEL": "WARNING"})
    foia = str(Path(sys.executable).with_name("foia"))
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([foia, "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"

        def answers():
            try:
                return urllib.request.urlopen(base + "/login", timeout=2).status == 200
            except OSError:
                return False

        wait_for(answers, 60, "foia serve --workers 2 answering")
        workers = children_of(server.pid)
        assert len(workers) == 2, log_path.read_text()
        before = {pid: cpu_ticks(pid) for pid in workers}

        def fetch(_):
            with urllib.request.urlopen(base + "/login", timeout=30) as answer:
                return answer.status, b"csrf_token" in answer.read()

        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(fetch, range(300)))
        assert results == [(200, True)] * 300
        # Both processes did the work, not one of them.
        assert all(cpu_ticks(pid) > before[pid] for pid in workers), {pid: cpu_ticks(pid) - before[pid] for pid in workers}

        # One process dying takes the command down (for its supervisor to restart it), never half a server.
        os.kill(workers[0], signal.SIGKILL)
        assert server.wait(timeout=30) == 1
        wait_for(lambda: not alive(workers[1]), 10, "the other web process stopping")
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(30)


def serve_three(tmp_path, database_url: str, port: int) -> subprocess.Popen:
    """`foia serve --workers 3` on the port, quiet."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
    env.update({"FOIA_INSTANCE_PATH": str(tmp_path / "instance"), "FOIA_DATABASE_URL": database_url,
                "FOIA_SECRET_KEY": "system-test", "FOIA_LOG_LEVEL": "WARNING"})
    foia = str(Path(sys.executable).with_name("foia"))
    return subprocess.Popen([foia, "serve", "--port", str(port), "--workers", "3"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_stopping_the_command_stops_every_process(tmp_path, database_url):
    port = free_port()
    server = serve_three(tmp_path, database_url, port)
    try:
        wait_for(lambda: len(children_of(server.pid)) == 3, 60, "three web processes")
        workers = children_of(server.pid)
        server.terminate()
        assert server.wait(timeout=30) == 0
        assert not any(alive(pid) for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()


def test_a_stop_asked_for_while_the_processes_start_stops_them_all(tmp_path, database_url):
    port = free_port()
    server = serve_three(tmp_path, database_url, port)
    try:
        first = wait_for(lambda: children_of(server.pid), 60, "the first web process", every=0.0005)
        server.terminate()  # as soon as the first process is forked: before the others, the handlers, the follower
        assert server.wait(timeout=30) == 0
        assert not any(alive(pid) for pid in first)
        try:  # nothing is left answering on the port (every web process shares it)
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            answered = True
        except OSError:
            answered = False
        assert not answered
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
