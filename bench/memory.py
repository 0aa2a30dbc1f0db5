"""Memory of `foia`: `foia run` idle, extracting a 1,000-page PDF, importing a 500 MB mbox.

    .venv/bin/python bench/memory.py [--pages 1000] [--mbox-mb 500] [--skip-mbox]

Each is a whole process started as an operator would, on a fresh SQLite instance. Printed for each:
the peak resident memory of the largest single process (the kernel's own account, from wait4) and
the peak of the process and its children together (sampled every 20 ms from /proc); for `foia run`
the resident memory after it has answered and stayed idle for 10 s. The reference for the mbox is
its own size: an importer that reads it whole needs at least that much.

Goals (issue 12): `foia run` idle under 250 MB, extracting a 1,000-page PDF under 600 MB, importing
a 500 MB mbox without holding it in memory.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FOIA = str(Path(sys.executable).with_name("foia"))
MB = 1024 * 1024


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo += children.get(current, [])
    return total


def run_measured(args: list[str], env: dict) -> tuple[int, int, float, str]:
    """Run a command to its end: (peak RSS of its largest process, peak RSS of its tree, seconds, stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=env["HOME_DIR"])
    peak_tree = 0
    done = threading.Event()

    def sample():
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed")
    return usage.ru_maxrss * 1024, peak_tree, time.perf_counter() - started, output


def fresh_instance(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
    env.update({"FOIA_INSTANCE_PATH": str(folder / "instance"), "FOIA_SECRET_KEY": "bench", "HOME_DIR": str(folder)})
    subprocess.run([FOIA, "db", "upgrade"], env=env, check=True, capture_output=True)
    return env


def idle_run(folder: Path) -> tuple[int, int]:
    """`foia run` with the demo loaded: resident bytes of the process and of its tree after 10 s idle."""
    env = fresh_instance(folder)
    subprocess.run([FOIA, "demo", "--password", "a long bench password"], env=env, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([FOIA, "run", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=folder)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        for path in ("/login", "/healthz"):  # a page or two served, as after a visit
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
            except urllib.error.HTTPError:
                pass
        time.sleep(10)
        own = int(next(line.split()[1] for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
                       if line.startswith("VmRSS:"))) * 1024
        return own, tree_rss(process.pid)
    finally:
        process.terminate()
        process.wait(20)


def big_pdf(path: Path, pages: int) -> None:
    from bench.extract import WORDS
    from foia.demo.pdf_writer import text_pdf
    import random

    rng = random.Random(3)
    path.write_bytes(text_pdf(["\n".join(" ".join(rng.choice(WORDS) for _ in range(10)) for _ in range(45))
                               for _ in range(pages)]))


def main() -> None:
    from bench.agency_mail import Target, write_mbox

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--mbox-mb", type=int, default=500)
    parser.add_argument("--skip-mbox", action="store_true")
    parser.add_argument("--only", choices=["run", "extract", "mbox"], help="measure this one only")
    args = parser.parse_args()
    wanted = {args.only} if args.only else {"run", "extract"} | (set() if args.skip_mbox else {"mbox"})
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    print("| what | peak RSS, largest process | peak RSS, process tree | seconds | goal |")
    print("|---|--:|--:|--:|---|")
    with tempfile.TemporaryDirectory(prefix="foia-bench-memory-") as scratch:
        folder = Path(scratch)

        if "run" in wanted:
            own, tree = idle_run(folder / "run")
            print(f"| `foia run`, idle 10 s after serving (demo data) | {own / MB:.0f} MB | {tree / MB:.0f} MB | | "
                  f"< 250 MB: {'yes' if tree < 250 * MB else 'NO'} |", flush=True)

        if "extract" in wanted:
            extract_big_pdf(folder, args.pages)

        if "mbox" in wanted:
            env = fresh_instance(folder / "mbox")
            mbox = folder / "mbox" / "big.mbox"
            count = max(1, args.mbox_mb // 2)
            targets = [Target("FOIA-2026-00001", "someone@example.org", "records@agency.example", "Agency")]
            write_mbox(mbox, targets, count, pdf_share=1.0, unmatched_share=1.0, pdf_bytes=int(1.45 * MB))
            size = mbox.stat().st_size
            largest, tree, seconds, output = run_measured([FOIA, "import", str(mbox), "--json"], env)
            verdict = "yes" if tree < min(size / 2, 600 * MB) else "NO"
            print(f"| `foia import`, a {size / MB:.0f} MB mbox ({count} messages with a PDF) | {largest / MB:.0f} MB | "
                  f"{tree / MB:.0f} MB | {seconds:.1f} | not held in memory (tree < half the mbox, < 600 MB): {verdict} |")


def extract_big_pdf(folder: Path, pages: int) -> None:
    env = fresh_instance(folder / "extract")
    pdf = folder / "extract" / f"release-{pages}-pages.pdf"
    big_pdf(pdf, pages)
    subprocess.run([FOIA, "import", str(pdf)], env=env, check=True, capture_output=True)
    largest, tree, seconds, output = run_measured([FOIA, "extract", "--json"], env)
    print(f"| `foia extract`, one {pages}-page PDF ({pdf.stat().st_size / MB:.1f} MB) | {largest / MB:.0f} MB | "
          f"{tree / MB:.0f} MB | {seconds:.1f} | < 600 MB: {'yes' if tree < 600 * MB else 'NO'} |", flush=True)
    shutil.rmtree(folder / "extract")


if __name__ == "__main__":
    main()
