"""Search speed: top-20-with-snippets latency through the app's search service, next to the raw engine
doing the same work and a SQL LIKE scan, on N generated pages of English-like text.

    .venv/bin/python bench/search.py                   # 1,000,000 pages, Tantivy (takes a while)
    .venv/bin/python bench/search.py --pages 100000
    .venv/bin/python bench/search.py --pages 100000 --backend postgres \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_search   # an empty database
    .venv/bin/python bench/search.py --folder /srv/bench-1m --reuse   # measure again, no generating

Prints index build time and size, then a Markdown table: p50/p95 per query class for the app and the
raw engine, the ratio app/raw, and the LIKE scan. What each column includes is printed under the table.
Goal: p95 <= 50 ms for every class at 1M pages on the default backend, app/raw <= 1.5.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

COMMON = ("the of and to in a is that for it as was with be by on not he this are or his from at which but have "
          "an they you were her she there been one all we their has would when if so no will more can out up who "
          "said what its about into than them only other time new some could these two may first then do any like "
          "my now over such our man me even most made after also did many before must through back years where "
          "much your way well down should because each just those people how too little state good very make "
          "world still own see men work long get here between both life being under never day same another know "
          "while last might us great old year off come since against go came right used take three").split()
DOMAIN = ("police department sheriff agency records request public camera body footage facial recognition "
          "rekognition amazon pilot program contract invoice email meeting surveillance county city vendor data "
          "software officer report policy training budget memo system video image database privacy review "
          "council approval purchase order project phase test deployment analysis evidence investigation").split()
RARE = "zyxquartz"
QUERIES = {
    "rare term": RARE,
    "common term": "report",
    "two-term AND": "camera footage",
    "phrase": '"public records"',
    "prefix": "recog*",
}
RAW_LIKE = {
    "rare term": f"%{RARE}%",
    "common term": "%report%",
    "two-term AND": None,
    "phrase": "%public records%",
    "prefix": "%recog%",
}


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Common words, domain words and made-up words, Zipf-weighted like real text."""
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    made_up = set()
    while len(made_up) < size:
        made_up.add("".join(rng.choice(letters[:18] if rng.random() < .8 else letters) for _ in range(rng.randint(4, 11))))
    words = COMMON + DOMAIN + sorted(made_up)
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]
    return words, weights


def page_texts(count: int, seed: int = 7):
    rng = random.Random(seed)
    words, weights = vocabulary(rng)
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    for number in range(count):
        chosen = rng.choices(words, cum_weights=cumulative, k=rng.randint(180, 320))
        if number % 7 == 0:
            chosen.insert(rng.randrange(len(chosen)), "public records")
        if number % (count // 3 or 1) == 1:
            chosen.insert(rng.randrange(len(chosen)), RARE)
        yield " ".join(chosen)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, repeat: int) -> list[float]:
    function()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def timed_together(first, second, repeat: int) -> tuple[list[float], list[float]]:
    """Run two functions in turn, so that both meet the same load on a shared machine."""
    first(), second()  # warm up
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, times in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
    return samples


def generate(args, runtime, folder: Path):
    """Fill the database with the generated pages and build the index; (owner, pages indexed, seconds)."""
    from foia.agencies.jurisdictions import sync_jurisdictions
    from foia.db import utcnow
    from foia.documents.models import Document, ExtractionState, Page
    from tests.factories import Factories

    with runtime.session() as session:
        sync_jurisdictions(session)
        session.commit()
        make = Factories(session)
        owner = make.user()
        agency = make.agency()
        requests = [make.request(owner=owner, agency=agency) for _ in range(20)]
        others = [make.request(agency=agency) for _ in range(20)]  # not the owner's: filtered out

    print(f"generating {args.pages:,} pages in {folder} ({runtime.engine.dialect.name}) ...", flush=True)
    started = time.perf_counter()
    pages_per_document = 50
    now = utcnow()
    with runtime.engine.begin() as connection:
        rows = []
        texts = page_texts(args.pages)
        document_count = (args.pages + pages_per_document - 1) // pages_per_document
        for d in range(document_count):
            owner_request = (requests + others)[d % 40]
            digest = hashlib.sha256(str(d).encode()).hexdigest()
            document_id = connection.execute(sa.insert(Document.__table__).values(
                request_id=owner_request.id, filename=f"release-{d}.pdf", content_type="application/pdf",
                sha256=digest, size=1, blob_key=digest, page_count=pages_per_document, state=ExtractionState.done,
                error="", ocr_used=False, attempts=0, created_at=now, updated_at=now)).inserted_primary_key[0]
            for number in range(1, pages_per_document + 1):
                text = next(texts, None)
                if text is None:
                    break
                rows.append({"document_id": document_id, "number": number, "text": text, "method": "text_layer",
                             "updated_at": now})
            if len(rows) >= 5000:
                connection.execute(sa.insert(Page.__table__), rows)
                rows = []
        if rows:
            connection.execute(sa.insert(Page.__table__), rows)
    print(f"  generated and stored in {time.perf_counter() - started:.1f} s", flush=True)

    with runtime.session() as session:
        started = time.perf_counter()
        count = runtime.search.rebuild(session)
        build = time.perf_counter() - started
    return owner, count, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per query class")
    parser.add_argument("--folder", help="instance folder to use (default: a temporary one)")
    parser.add_argument("--backend", choices=("tantivy", "postgres"), default="tantivy")
    parser.add_argument("--database-url", help="database to fill (default: SQLite in the folder); must be empty")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on a --folder (and --database-url) this bench filled before: "
                             "no generating, no rebuilding (the index is caught up if behind)")
    args = parser.parse_args()
    if args.backend == "postgres" and not (args.database_url or "").startswith("postgres"):
        parser.error("--backend postgres needs --database-url postgresql://...")

    from foia import create_app
    from foia.migrations import upgrade
    from foia.search import services
    from foia.search.query import parse

    folder = Path(args.folder or tempfile.mkdtemp(prefix="foia-bench-search-"))
    config = {"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
              "WORKER_ENABLED": False, "SEARCH_BACKEND": args.backend}
    if args.database_url:
        config["DATABASE_URL"] = args.database_url
    app = create_app(config)
    runtime = app.extensions["foia"]
    upgrade(runtime.engine)
    with runtime.engine.connect() as connection:
        existing = connection.execute(sa.text("SELECT count(*) FROM page")).scalar()
    if existing and not args.reuse:
        sys.exit(f"the database {runtime.engine.url!r} already holds pages: give the bench an empty one (or --reuse)")
    if args.reuse:
        if not existing:
            sys.exit("--reuse: nothing to reuse in this folder/database")
        from foia.accounts.models import User
        from foia.requests.models import FoiaRequest

        with runtime.session() as session:
            first = session.get(FoiaRequest, 1)
            owner = session.get(User, first.owner_id)
            runtime.search.update(session)
            count = existing
        build = None
    else:
        owner, count, build = generate(args, runtime, folder)
    if args.backend == "postgres":
        with runtime.engine.connect() as connection:
            connection.execute(sa.text("ANALYZE search_entry"))
            connection.commit()
            size = connection.execute(sa.text("SELECT pg_total_relation_size('search_entry')")).scalar()
        where = "search_entry table with its indexes"
    else:
        size = sum(p.stat().st_size for p in (folder / "search").rglob("*") if p.is_file())
        where = "index folder"
    if build is None:
        print(f"index reused: {count:,} pages, size {size / 2**20:,.0f} MiB ({where})", flush=True)
    else:
        print(f"index build: {count:,} pages in {build:.1f} s ({count / build:,.0f} pages/s), "
              f"size {size / 2**20:,.0f} MiB ({where})", flush=True)

    if args.backend == "postgres":
        with runtime.session() as session:
            config = runtime.search.config(session)
        folding = "on (unaccent)" if config == "foia_english" else "OFF (no unaccent extension: plain english)"
    else:
        folding = "on (Tantivy's ascii_fold filter)"
    print(f"accent folding: {folding}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    raw_for = raw_tantivy if args.backend == "tantivy" else raw_postgres
    lines = ["| query class | app p50 | app p95 | raw p50 | raw p95 | app/raw p50 | app/raw p95 | LIKE p50 | matches |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    print(f"\n{args.backend}, {count:,} pages, {args.repeat} runs per class (ms)\n")
    print("\n".join(lines), flush=True)
    with runtime.session() as session:
        owner = session.get(type(owner), owner.id)
        at = runtime.clock.now()
        # The raw engine is given what the app works out per search: the owner's visible requests.
        visible = services.visible_scopes(session.connection(), owner, at)
        for name, text in QUERIES.items():
            def app_query(text=text):
                return services.search(session, runtime, owner, at, text)

            raw_query = raw_for(runtime, parse(text), visible)
            app_ms, raw_ms = timed_together(app_query, raw_query, args.repeat)
            total = app_query().total
            assert raw_query() == total, (name, raw_query(), total)  # the same work: the same matches
            like = RAW_LIKE[name]
            if like is None:
                sql = sa.text("SELECT id, substr(text, 1, 200) FROM page WHERE text LIKE :a AND text LIKE :b LIMIT 20")
                params = {"a": "%camera%", "b": "%footage%"}
            else:
                sql = sa.text("SELECT id, substr(text, 1, 200) FROM page WHERE text LIKE :a LIMIT 20")
                params = {"a": like}
            with runtime.engine.connect() as connection:
                like_ms = timed(lambda sql=sql, params=params: connection.execute(sql, params).all(), 3)
            line = (f"| {name} | {percentile(app_ms, .5):.2f} | {percentile(app_ms, .95):.2f} "
                    f"| {percentile(raw_ms, .5):.2f} | {percentile(raw_ms, .95):.2f} "
                    f"| {percentile(app_ms, .5) / percentile(raw_ms, .5):.2f} "
                    f"| {percentile(app_ms, .95) / percentile(raw_ms, .95):.2f} "
                    f"| {percentile(like_ms, .5):.1f} | {total:,} |")
            print(line, flush=True)
    engine_work = ("Tantivy: a new searcher, the top 20 with the total count, the permission term-set and filter "
                   "clauses, the same SnippetGenerator on the page text for the 20 hits, their stored fields"
                   if args.backend == "tantivy" else
                   "PostgreSQL: the backend's one statement (the matches ranked by ts_rank_cd once, their count, the "
                   "top 20 with ts_headline) with the permission filter, run directly on a psycopg connection")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"""
- app: `services.search` as a logged-in owner of 20 of the 40 requests, in one open session: parsing the query,
  the visible-request ids query, the "anything new to index?" check, the engine query, the database re-check
  of the 20 hits with their documents and requests, grouping by document.
- raw: the engine alone doing the same work for the same user, with the query built beforehand (not timed):
  {engine_work}. Same matches as the app (checked).
- app/raw: the ratio of the p50s and of the p95s; app and raw runs alternate, so both meet the same load.
- LIKE: `SELECT id, substr(text, 1, 200) FROM page WHERE text LIKE '%word%' LIMIT 20` on {runtime.engine.dialect.name}
  (no ranking, no snippets, no permissions: it stops at the first 20 matches, so common words are fast).
- matches: the result count the app shows.""")


def raw_tantivy(runtime, parsed, visible):
    """The Tantivy calls one search makes, with the engine query built once; returns the match count."""
    backend = runtime.search
    index = backend._open()
    built = backend.engine_query(index.searcher(), parsed, visible)
    assert built is not None
    query, snippet_query = built

    def run():
        searcher = index.searcher()
        result = searcher.search(query, 20, count=True)
        generator = backend.snippet_generator(searcher, snippet_query)
        for _score, address in result.hits:
            generator.snippet_from_doc(searcher.doc(address)).to_html()
        return result.count

    return run


def raw_postgres(runtime, parsed, visible):
    """The backend's SQL run directly on psycopg, built once; returns the match count."""
    backend = runtime.search
    connection = runtime.engine.raw_connection()
    with runtime.session() as session:
        config = backend.config(session)
    sql, params = backend.statement(config, parsed, visible)

    def run():
        cursor = connection.cursor()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
        return rows[0][0] if rows else 0

    return run


if __name__ == "__main__":
    main()
