"""Pages under load: `foia serve` with 10,000 requests, driven by wrk with 20 clients over loopback.

    .venv/bin/python bench/web.py [--keep FOLDER] [--duration 15] [--clients 20]
    .venv/bin/python bench/web.py --database-url postgresql://postgres@127.0.0.1:5432/bench [--keep FOLDER]

Generates (with bulk inserts, in under a minute) a newsroom: 20 reporters in one team, 300 agencies,
10,000 requests (four in five shared with the team), 30,000 messages, 20,000 released documents of
200,000 indexed pages (Zipf-weighted words, as bench/search.py), and the search index; `--keep FOLDER` keeps the instance (and says which
database it filled) so later runs reuse it. On PostgreSQL the database must be empty or hold this
generator's data, as `--keep` left it.

Then starts `foia serve` (one process a core, `--workers`, of 8 threads each), logs in as one reporter, and for each page runs wrk (Debian's
package: apt-get install wrk) for `--duration` seconds with `--clients` connections on two threads,
each wrk thread cycling through the page's URLs (many requests, documents, agencies and queries).
Printed per page: requests/s, p50/p95/p99 latency, errors (connection errors, timeouts, statuses of
400 and up; each page is first fetched once to check it answers 200 and not the login form), and
the server's CPU per request (from /proc: the load of other jobs does not move it). 20 clients on
two cores at p95 <= 100 ms means about 200 pages/s: some 10 ms of CPU a page. The reference is the same
server's cheapest answer: a static file through waitress and Flask.

Goals (issue 12): p95 <= 100 ms for pages and <= 150 ms for search, 0 errors, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import QUERIES, RARE  # noqa: E402  (the query classes of bench/search.py)

FOIA = str(Path(sys.executable).with_name("foia"))
PASSWORD = "a long bench password"
#: Bump when the generated data changes, so kept folders are made again.
GENERATOR_VERSION = 2
SIZES = {"users": 20, "agencies": 300, "requests": 10_000, "messages": 30_000, "documents": 20_000, "pages": 200_000}

WRK_SCRIPT = r"""
-- Each wrk thread cycles through the paths (one per line in PATHS_FILE), starting at its own place.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local counter = 0
local index = 0
setup = function(thread) counter = counter + 1; thread:set("offset", counter * 7) end
request = function()
  index = index + 1
  return wrk.format("GET", paths[((index + offset) % #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
"""


# Generating ------------------------------------------------------------------------------------------------

def _sentences(rng: random.Random, count: int) -> list[str]:
    """Sentences of Zipf-weighted words (common English, the domain's words, 30,000 made-up ones), as bench/search.py."""
    from bench.search import vocabulary

    words, weights = vocabulary(rng)
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return [" ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(8, 18))).capitalize() + "."
            for _ in range(count)]


def _text(rng: random.Random, sentences: list[str], low: int, high: int) -> str:
    return " ".join(rng.sample(sentences, rng.randint(low, high)))


def empty_database(url: str, *, ours: bool) -> None:
    """Make sure the PostgreSQL database holds nothing; data this generator left (`ours`) is dropped."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        tables = sa.inspect(connection).get_table_names()
        if tables and not ours:
            sys.exit(f"{url} is not empty ({len(tables)} tables): give bench/web.py a database of its own")
        if tables:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def generate(config: dict, seed: int = 5) -> dict:
    """Fill an empty, upgraded database with the newsroom; returns what the bench needs to know."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from foia import create_app, migrations
    from foia.accounts.services import hash_password
    from foia.agencies.jurisdictions import sync_jurisdictions
    from foia.requests.models import Status

    app = create_app(config)
    runtime = app.extensions["foia"]
    migrations.upgrade(runtime.engine)
    with runtime.session() as session:
        sync_jurisdictions(session)
        session.commit()
    tables = SQLModel.metadata.tables
    rng = random.Random(seed)
    sentences = _sentences(rng, 20_000)
    started = time.perf_counter()

    def insert(connection, table: str, rows: list[dict], chunk: int = 5000) -> None:
        for start in range(0, len(rows), chunk):
            connection.execute(tables[table].insert(), rows[start:start + chunk])

    with runtime.engine.begin() as connection:
        jurisdictions = [row.id for row in connection.execute(sa.text("SELECT id FROM jurisdiction ORDER BY id"))]
        password_hash = hash_password(PASSWORD)
        insert(connection, "user", [{"id": n, "email": f"reporter{n}@newsroom.example", "display_name": f"Reporter {n}",
                                     "password_hash": password_hash} for n in range(1, SIZES["users"] + 1)])
        insert(connection, "team", [{"id": 1, "name": "Investigations desk"}])
        insert(connection, "team_membership", [{"team_id": 1, "user_id": n} for n in range(1, SIZES["users"] + 1)])
        insert(connection, "agency", [{"id": n, "jurisdiction_id": jurisdictions[n % len(jurisdictions)],
                                       "name": f"Agency {n} Police Department", "abbreviation": f"A{n}",
                                       "foia_email": f"records@agency{n}.example"}
                                      for n in range(1, SIZES["agencies"] + 1)])
        statuses = [Status.submitted] * 4 + [Status.acknowledged] * 3 + [Status.partial, Status.done, Status.draft,
                                                                          Status.rejected, Status.fix_required]
        requests, events = [], []
        for n in range(1, SIZES["requests"] + 1):
            status = rng.choice(statuses)
            submitted = date(2026, 1, 1) + timedelta(days=rng.randrange(320))
            filed = status != Status.draft
            requests.append({
                "id": n, "tracking_code": f"FOIA-2026-{n:05d}", "reply_token": hashlib.sha256(b"%d" % n).hexdigest()[:20],
                "owner_id": 1 + n % SIZES["users"], "team_id": 1 if n % 5 else None,
                "agency_id": 1 + rng.randrange(SIZES["agencies"]), "title": f"Records about {_text(rng, sentences, 1, 1)[:60]} {n}",
                "records_sought": _text(rng, sentences, 2, 4), "letter_text": _text(rng, sentences, 6, 10),
                "status": status.value, "submitted_on": submitted if filed else None,
                "ack_due": submitted + timedelta(days=7) if filed else None,
                "response_due": submitted + timedelta(days=rng.randint(10, 40)) if filed else None,
                "created_at": datetime.combine(submitted, datetime.min.time(), UTC),
                "updated_at": datetime.combine(submitted, datetime.min.time(), UTC)})
            at = datetime.combine(submitted, datetime.min.time(), UTC) + timedelta(hours=10)
            events.append({"request_id": n, "actor_id": 1 + n % SIZES["users"], "at": at, "kind": "created",
                           "summary": "Request drafted"})
            if filed:
                events.append({"request_id": n, "actor_id": 1 + n % SIZES["users"], "at": at + timedelta(hours=1),
                               "kind": "submitted", "summary": "Request sent to the agency"})
        insert(connection, "foia_request", requests)
        insert(connection, "request_event", events)

        messages = []
        for n in range(1, SIZES["messages"] + 1):
            request_id = 1 + (n - 1) % SIZES["requests"]
            inbound = n % 3 != 1
            sent = requests[request_id - 1]["created_at"] + timedelta(days=n % 30, hours=n % 7)
            messages.append({"id": n, "request_id": request_id, "direction": "inbound" if inbound else "outbound",
                             "message_id": f"bench-{n}@newsroom.example",
                             "from_address": f"records@agency{requests[request_id - 1]['agency_id']}.example"
                             if inbound else "requests@newsroom.example",
                             "subject": f"RE: {requests[request_id - 1]['tracking_code']}", "sent_at": sent,
                             "received_at": sent, "body_text": _text(rng, sentences, 4, 12),
                             "raw_sha256": hashlib.sha256(b"m%d" % n).hexdigest(),
                             "intake_scope": "mailbox", "source": "import"})
        insert(connection, "message", messages)

        documents, pages = [], []
        per_document = SIZES["pages"] // SIZES["documents"]
        for n in range(1, SIZES["documents"] + 1):
            request_id = 1 + (n * 7) % SIZES["requests"]
            digest = hashlib.sha256(b"d%d" % n).hexdigest()
            documents.append({"id": n, "request_id": request_id, "filename": f"release-{n}.pdf",
                              "content_type": "application/pdf", "sha256": digest, "size": 40_000 * per_document,
                              "blob_key": digest, "page_count": per_document, "state": "done"})
            for number in range(1, per_document + 1):
                text = _text(rng, sentences, 10, 20)
                serial = (n - 1) * per_document + number
                if serial % 7 == 0:
                    text += " The public records of the department."
                if serial % 66_667 == 1:
                    text += f" {RARE}"
                pages.append({"document_id": n, "number": number, "text": text, "method": "text_layer"})
            if len(pages) >= 20_000:
                insert(connection, "document", documents)
                insert(connection, "page", pages)
                documents, pages = [], []
        insert(connection, "document", documents)
        insert(connection, "page", pages)
        if connection.dialect.name == "postgresql":
            for table in ("user", "team", "agency", "foia_request", "request_event", "message", "document", "page"):
                connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                           f"(SELECT max(id) FROM \"{table}\"))"))
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    inserted = time.perf_counter() - started
    runtime.engine.dispose()
    env = {**os.environ, **{f"FOIA_{key}": str(value) for key, value in config.items() if value is not None}}
    started = time.perf_counter()
    subprocess.run([FOIA, "reindex"], env=env, check=True, capture_output=True)
    return {"version": GENERATOR_VERSION, "sizes": SIZES, "database": config.get("DATABASE_URL") or "sqlite",
            "insert_seconds": round(inserted, 1), "index_seconds": round(time.perf_counter() - started, 1),
            "made": datetime.now(UTC).isoformat(timespec="seconds")}


# Serving and driving ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"foia serve stopped (exit {process.returncode})")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("foia serve did not answer within 60 s")


def login(base: str, email: str) -> str:
    """Log in through the form; the Cookie header a browser would then send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
    answer = opener.open(f"{base}/login", data=data)
    if "/login" in answer.url:
        sys.exit("could not log in to the generated instance")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def wrk(base: str, paths: list[str], cookie: str, clients: int, seconds: int, scratch: Path) -> dict:
    script, path_file = scratch / "paths.lua", scratch / "paths.txt"
    script.write_text(WRK_SCRIPT)
    path_file.write_text("\n".join(paths) + "\n")
    result = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s",
                             "-s", str(script), "-H", f"Cookie: {cookie}", base + paths[0]],
                            env={**os.environ, "PATHS_FILE": str(path_file)}, capture_output=True, text=True,
                            timeout=seconds + 60)
    line = next((text for text in result.stdout.splitlines() if text.startswith("{")), None)
    if line is None:
        sys.exit(f"wrk printed no summary: {result.stdout} {result.stderr}")
    figures = json.loads(line)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU seconds a running process and its web processes (foia serve --workers) have used so far."""
    total = 0.0
    for process in [pid, *(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def page_paths(database_url: str | None, instance: Path) -> dict[str, list[str]]:
    """The URLs each page is driven with: ids the logged-in reporter may see, picked once."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1) if database_url
                              else f"sqlite:///{instance / 'foia.sqlite3'}")
    visible = "(foia_request.owner_id = 1 OR foia_request.team_id = 1)"
    with engine.connect() as connection:
        requests = [row[0] for row in connection.execute(sa.text(
            f"SELECT id FROM foia_request WHERE {visible} AND id IN (SELECT request_id FROM document) ORDER BY id LIMIT 200"))]
        documents = [row[0] for row in connection.execute(sa.text(
            f"SELECT document.id FROM document JOIN foia_request ON foia_request.id = document.request_id "
            f"WHERE {visible} ORDER BY document.id LIMIT 200"))]
        agencies = [row[0] for row in connection.execute(sa.text("SELECT id FROM agency ORDER BY id LIMIT 50"))]
    engine.dispose()
    return {
        "static file (reference)": ["/static/css/app.css"],
        "dashboard": ["/dashboard"],
        "request list, filtered": [f"/requests?status=submitted&agency={a}&scope=all" for a in agencies]
        + ["/requests?status=acknowledged&sort=due", "/requests?q=rekognition&scope=all"],
        "request page": [f"/requests/{r}" for r in requests],
        "document page": [f"/documents/{d}" for d in documents],
        "search": [f"/search?q={urllib.parse.quote(q)}" for q in QUERIES.values()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated instance in this folder")
    parser.add_argument("--database-url", help="PostgreSQL URL of an empty database of your own (default: SQLite)")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8, help="foia serve --threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="foia serve --workers (default: one a core)")
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the sizes, to try the bench quickly")
    args = parser.parse_args()
    if args.scale != 1.0:
        for key in SIZES:
            SIZES[key] = max(20, int(SIZES[key] * args.scale))
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    scratch = Path(tempfile.mkdtemp(prefix="foia-bench-web-"))
    folder = args.keep or scratch
    instance = folder / "instance"
    config = {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "DATABASE_URL": args.database_url,
              "SCHEDULER_ENABLED": False, "WORKER_ENABLED": False}
    stamp = folder / "generated.json"
    try:
        made = json.loads(stamp.read_text()) if stamp.exists() else None
        if not made or made["version"] != GENERATOR_VERSION or made["database"] != (args.database_url or "sqlite"):
            if instance.exists():
                shutil.rmtree(instance)
            if args.database_url:
                empty_database(args.database_url, ours=bool(made and made["database"] == args.database_url))
            made = generate(config)
            folder.mkdir(parents=True, exist_ok=True)
            stamp.write_text(json.dumps(made, indent=2))
            print(f"generated in {made['insert_seconds']} s (bulk inserts) + {made['index_seconds']} s (search index)")
        else:
            print(f"reusing the data generated {made['made']} in {folder}")
        sizes = ", ".join(f"{value:,} {key}" for key, value in made["sizes"].items())
        print(f"{sizes}; {'PostgreSQL' if args.database_url else 'SQLite'}; {os.cpu_count()} cores; "
              f"wrk: {args.clients} connections, {args.duration} s per page; "
              f"foia serve --workers {args.workers} --threads {args.threads}")

        port = free_port()
        env = {**os.environ, **{f"FOIA_{key}": str(value) for key, value in config.items() if value is not None},
               "FOIA_LOG_LEVEL": "WARNING"}
        server = subprocess.Popen([FOIA, "serve", "--port", str(port), "--threads", str(args.threads),
                                   "--workers", str(args.workers)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_serving(port, server)
            base = f"http://127.0.0.1:{port}"
            cookie = login(base, "reporter1@newsroom.example")
            print(f"load average before the load: {os.getloadavg()[0]:.1f}\n")
            print("| page | requests/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms a request | goal (p95) |")
            print("|---|--:|--:|--:|--:|--:|--:|---|")
            for name, paths in page_paths(args.database_url, instance).items():
                for path in paths[:3]:  # warm each kind of page once (templates, law data), and check it is the page
                    answer = urllib.request.urlopen(urllib.request.Request(base + path, headers={"Cookie": cookie}),
                                                    timeout=60)
                    if answer.status != 200 or "/login" in answer.url:
                        sys.exit(f"{path} answered {answer.status} at {answer.url}, not the page")
                cpu = cpu_seconds_of(server.pid)
                f = wrk(base, paths, cookie, args.clients, args.duration, scratch)
                cpu_ms = 1000 * (cpu_seconds_of(server.pid) - cpu) / max(f["requests"], 1)
                goal = None if "reference" in name else (150 if name == "search" else 100)
                met = f["requests"] > 0 and f["p95"] / 1000 <= goal and not f["errors"] if goal else False
                verdict = "" if goal is None else f"<= {goal} ms: {'yes' if met else 'NO'}"
                print(f"| {name} | {f['rate']:.1f} | {f['p50'] / 1000:.1f} | {f['p95'] / 1000:.1f} | "
                      f"{f['p99'] / 1000:.1f} | {f['errors']} | {cpu_ms:.1f} | {verdict} |", flush=True)
            print(f"\nload average after the load: {os.getloadavg()[0]:.1f}")
        finally:
            server.terminate()
            server.wait(20)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
