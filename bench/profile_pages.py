"""Where a page's time goes: each page of bench/web.py's data, profiled in-process with pyinstrument.

    .venv/bin/pip install -e '.[bench]'          # pyinstrument
    .venv/bin/python bench/profile_pages.py --keep /tmp/foia-bench-data/web-sqlite [--page dashboard] [--runs 5]

Uses the instance `bench/web.py --keep FOLDER` generated (SQLite, or the PostgreSQL database named
in FOLDER/generated.json). Each page is requested through Flask's test client as the same reporter,
once to warm up, then `--runs` times under the profiler. Printed per page: the mean time, the SQL
statements per request (and how many distinct ones, so a statement repeated per row stands out) and
the profile with library frames folded.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    import sqlalchemy as sa
    from pyinstrument import Profiler

    from bench.web import PASSWORD, page_paths
    from foia import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, required=True, help="the folder bench/web.py --keep filled")
    parser.add_argument("--page", action="append", help="only these pages (names as bench/web.py prints them)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    made = json.loads((args.keep / "generated.json").read_text())
    database_url = None if made["database"] == "sqlite" else made["database"]
    instance = args.keep / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "DATABASE_URL": database_url,
                      "SCHEDULER_ENABLED": False, "WORKER_ENABLED": False})
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
    client.post("/login", data={"csrf_token": token, "email": "reporter1@newsroom.example", "password": PASSWORD})
    engine = app.extensions["foia"].engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    for name, paths in page_paths(database_url, instance).items():
        if args.page and name not in args.page:
            continue
        path = paths[len(paths) // 2]
        assert client.get(path).status_code == 200, path
        statements.clear()
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(args.runs):
                client.get(path)
        mean = (time.perf_counter() - started) / args.runs
        per_request = len(statements) / args.runs
        repeated = Counter(re.sub(r"\s+", " ", s)[:120] for s in statements).most_common(3)
        print(f"\n===== {name}: {path}  {1000 * mean:.0f} ms a request, {per_request:.0f} SQL statements "
              f"({len(set(statements))} distinct)")
        for text, count in repeated:
            print(f"    {count / args.runs:>6.0f} x  {text}")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
