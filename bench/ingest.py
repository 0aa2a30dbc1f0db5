"""Messages per second of `foia import` on an mbox of agency replies, against the stdlib floor, same run.

    .venv/bin/python bench/ingest.py [--messages 2000] [--keep FOLDER]
    FOIA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_ingest .venv/bin/python bench/ingest.py  # empty, its own

The mbox (bench/agency_mail.py) holds realistic replies to 100 filed requests of a fresh instance:
acknowledgements, fee letters, clarifications, denials and auto-replies, half of them releases with
a one-page PDF attached, a tenth matching no request. The app imports it as an operator would: the
installed `foia import FILE.mbox --json`, a whole process, timed from outside (start-up included).

The floor is what any importer must do, in Python's standard library: split the mbox
(`mailbox.mbox`), parse every message and decode every part (`email`, default policy), hash the raw
bytes and write them to a file of their own. Goal (issue 12): >= 200 messages/s.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import json
import mailbox
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FOIA = str(Path(sys.executable).with_name("foia"))


def stdlib_floor(mbox_path: Path, store: Path) -> tuple[float, float, int, int]:
    """Parse every part of every message and write each raw message to its own file: seconds, CPU, messages, parts."""
    store.mkdir()
    cpu = time.process_time()
    started = time.perf_counter()
    messages = parts = 0
    box = mailbox.mbox(str(mbox_path), create=False)
    for key in box.iterkeys():
        raw = box.get_bytes(key)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for part in message.walk():
            if not part.is_multipart():
                part.get_content()
                parts += 1
        digest = hashlib.sha256(raw).hexdigest()
        (store / digest).write_bytes(raw)
        messages += 1
    box.close()
    return time.perf_counter() - started, time.process_time() - cpu, messages, parts


def foia_import(mbox_path: Path, instance: Path) -> tuple[float, float, dict]:
    """`foia import FILE --json` as a process: seconds, CPU seconds (with its children), its summary."""
    env = {**os.environ, "FOIA_INSTANCE_PATH": str(instance), "FOIA_SECRET_KEY": "bench"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([FOIA, "import", str(mbox_path), "--json"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"foia import failed ({result.returncode}): {result.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, json.loads(result.stdout)


def main() -> None:
    from bench.agency_mail import make_instance, write_mbox

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="keep the instance and the mbox in this folder (made if missing)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="foia-bench-ingest-"))
    work = args.keep or scratch
    work.mkdir(parents=True, exist_ok=True)
    try:
        instance = work / "instance"
        if instance.exists():
            shutil.rmtree(instance)
        made = time.perf_counter()
        targets = make_instance(instance)
        mbox_path = work / f"agency-replies-{args.messages}.mbox"
        mix = write_mbox(mbox_path, targets, args.messages)
        size = mbox_path.stat().st_size
        print(f"{mix['messages']} messages ({mix['with_pdf']} with a one-page PDF, {mix['unmatched']} matching no "
              f"request), {size / 1e6:.1f} MB; instance with {len(targets)} filed requests "
              f"({'PostgreSQL' if os.environ.get('FOIA_DATABASE_URL') else 'SQLite'}); "
              f"made in {time.perf_counter() - made:.1f} s; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}")

        floor_s, floor_cpu, floor_messages, parts = stdlib_floor(mbox_path, scratch / "floor-store")
        app_s, app_cpu, summary = foia_import(mbox_path, instance)
        again_s, _, again = foia_import(mbox_path, instance)

        app_rate, floor_rate = args.messages / app_s, floor_messages / floor_s
        print("\n| what | messages/s | seconds | CPU seconds |")
        print("|---|--:|--:|--:|")
        print(f"| `foia import` (whole process) | {app_rate:.0f} | {app_s:.2f} | {app_cpu:.2f} |")
        print(f"| stdlib floor: split, parse {parts} parts, hash, write raw | {floor_rate:.0f} | {floor_s:.2f} | "
              f"{floor_cpu:.2f} |")
        print(f"| `foia import` again (all duplicates) | {args.messages / again_s:.0f} | {again_s:.2f} | |")
        print(f"\nratio app / floor: {app_rate / floor_rate:.2f}   goal >= 200 messages/s: "
              f"{'yes' if app_rate >= 200 else 'NO'}")
        print("summary: " + json.dumps({k: (len(v) if isinstance(v, list) else v) for k, v in summary.items()}))
        print("again:   " + json.dumps({k: (len(v) if isinstance(v, list) else v) for k, v in again.items()}))
        if summary["messages"] != args.messages or summary["errors"]:
            print("WARNING: the import did not take every message", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
