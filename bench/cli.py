"""Wall time of every `foia` command against `flask --help` in the same virtualenv, same run.

    .venv/bin/python bench/cli.py [--runs N]

Each command is a whole process started from outside, as a person types it, in a fresh instance
that holds the demo data (made first with `foia db upgrade` and `foia demo`). The commands and the
reference run in turn (reference, command, reference, command, ...) and each ratio is taken pair by
pair, so a machine that speeds up or slows down during the run moves both sides alike. Printed per
command: median wall and CPU (user + system) seconds, the median ratio of wall times, and the ratio
of the median CPU times (which a machine loaded by others disturbs less than the wall time).

Goals (issue 12): `foia --help` within 1.5x of `flask --help`, `foia deadline` and `foia documents`
within 2x, no command slower than 0.8 s. Long-running commands (run, serve, scheduler, worker) are
timed as `--help`, and `foia serve` also from its start to its first answer on /healthz.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FOIA, FLASK = str(BIN / "foia"), str(BIN / "flask")
REFERENCE = [FLASK, "--help"]

#: (label, arguments after `foia`, goal as a ratio to `flask --help` or None, absolute goal in seconds)
COMMANDS = [
    ("foia --help", ["--help"], 1.5),
    ("foia deadline", ["deadline", "--jurisdiction", "wa", "--received", "2026-03-02"], 2.0),
    ("foia deadline --json", ["deadline", "--jurisdiction", "federal", "--received", "2026-03-02", "--json"], 2.0),
    ("foia documents", ["documents"], 2.0),
    ("foia documents --json", ["documents", "--json"], 2.0),
    ("foia text 1", ["text", "1"], None),
    ("foia search rekognition", ["search", "rekognition"], None),
    ("foia agencies list", ["agencies", "list"], None),
    ("foia send-reminders --dry-run", ["send-reminders", "--dry-run"], None),
    ("foia extract (empty queue)", ["extract"], None),
    ("foia import (one .eml)", ["import", "{eml}"], None),
    ("foia reindex", ["reindex"], None),
    ("foia db upgrade (up to date)", ["db", "upgrade"], None),
    ("foia demo (already loaded)", ["demo"], None),
    ("foia create-user (bad address)", ["create-user", "not-an-address", "--password", "x"], None),
    ("foia backup NEW_FOLDER", ["backup", "{backup}"], None),
    ("foia fetch-mail (no IMAP)", ["fetch-mail"], None),
    *[(f"foia {name} --help", [*name.split(), "--help"], None)
      for name in ("run", "serve", "scheduler", "worker", "agencies import", "import", "search", "create-user")],
]
LIMIT_SECONDS = 0.8

EML = b"""From: Records Officer <records@orlando-police.example>
To: someone@example.org
Subject: Your public records request
Message-ID: <bench-cli-{n}@orlando-police.example>
Date: Mon, 02 Mar 2026 10:00:00 -0500

Your request has been received.
"""


def timed(args: list[str], env: dict, cwd: str) -> tuple[float, float, int]:
    """Wall and CPU seconds of one whole process, and its exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def prepare(folder: Path) -> dict:
    """A fresh instance with the demo data; returns the environment the commands run in."""
    # A person's install has its .pyc files: a shell that forbids writing them would time compiling our
    # sources (0.1-0.2 s a command) instead of running them.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"FOIA_INSTANCE_PATH": str(folder / "instance"), "FOIA_SECRET_KEY": "bench"})
    for args in (["db", "upgrade"], ["demo", "--password", "a long bench password"]):
        subprocess.run([FOIA, *args], env=env, cwd=folder, check=True, capture_output=True)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_until_it_answers(env: dict, cwd: str) -> float:
    """Seconds from starting `foia serve` to its first 200 or 503 from /healthz."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([FOIA, "serve", "--port", str(port)], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 30:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                return time.perf_counter() - started
            except urllib.error.HTTPError:
                return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("foia serve did not answer within 30 s")
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (and as many of the reference)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="foia-bench-cli-") as scratch:
        folder = Path(scratch)
        env = prepare(folder)
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the run; "
              f"{args.runs} runs each, reference and command in turn\n")
        print("| command | wall p50 (s) | CPU p50 (s) | flask --help wall p50 (s) | ratio (paired p50) "
              "| CPU ratio | goal |")
        print("|---|--:|--:|--:|--:|--:|---|")
        failures = []
        counter = 0
        for label, template, goal in COMMANDS:
            walls, cpus, reference_walls, reference_cpus, ratios, codes = [], [], [], [], [], set()
            timed([FOIA, *template], env, scratch)  # warm-up: the page cache, .pyc files
            for _ in range(args.runs):
                counter += 1
                eml = folder / f"reply-{counter}.eml"
                eml.write_bytes(EML.replace(b"{n}", str(counter).encode()))
                command = [FOIA, *[part.format(eml=eml, backup=folder / f"backup-{counter}") for part in template]]
                reference_wall, reference_cpu, _ = timed(REFERENCE, env, scratch)
                wall, cpu, code = timed(command, env, scratch)
                walls.append(wall)
                cpus.append(cpu)
                reference_walls.append(reference_wall)
                reference_cpus.append(reference_cpu)
                ratios.append(wall / reference_wall)
                codes.add(code)
            wall, ratio = statistics.median(walls), statistics.median(ratios)
            verdicts = []
            if goal is not None:
                verdicts.append(f"<= {goal}x: {'yes' if ratio <= goal else 'NO'}")
            verdicts.append(f"<= {LIMIT_SECONDS} s: {'yes' if wall <= LIMIT_SECONDS else 'NO'}")
            if (goal is not None and ratio > goal) or wall > LIMIT_SECONDS:
                failures.append(label)
            exit_codes = "" if codes == {0} else f" (exit {','.join(map(str, sorted(codes)))})"
            print(f"| `{label}`{exit_codes} | {wall:.3f} | {statistics.median(cpus):.3f} | "
                  f"{statistics.median(reference_walls):.3f} | {ratio:.2f}x | "
                  f"{statistics.median(cpus) / statistics.median(reference_cpus):.2f}x | {'; '.join(verdicts)} |")
        shutil.rmtree(folder / "instance" / "search", ignore_errors=True)
        starts = [serve_until_it_answers(env, scratch) for _ in range(3)]
        print(f"\n`foia serve`, start to first answer on /healthz: {statistics.median(starts):.2f} s (median of 3)")
        print(f"load average after the run: {os.getloadavg()[0]:.1f}")
        print("goals missed: " + (", ".join(failures) if failures else "none"))


if __name__ == "__main__":
    main()
