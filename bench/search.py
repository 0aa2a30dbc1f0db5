"""Search speed: top-20-with-snippets latency through the app's search service, next to the raw engine
and a SQL LIKE scan, on N generated pages of English-like text.

    .venv/bin/python bench/search.py                   # 1,000,000 pages (takes a while)
    .venv/bin/python bench/search.py --pages 100000

Prints index build time and size, p50/p95 per query class, and the ratio app/raw.
Goal: p95 <= 50 ms for every class at 1M pages on the default backend, app/raw <= 1.5.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per query class")
    parser.add_argument("--folder", help="instance folder to use (default: a temporary one)")
    args = parser.parse_args()

    from foia import create_app
    from foia.agencies.jurisdictions import sync_jurisdictions
    from foia.db import utcnow
    from foia.documents.models import Document, ExtractionState, Page
    from foia.migrations import upgrade
    from foia.requests.models import FoiaRequest
    from foia.search import services
    from foia.search.query import parse
    from tests.factories import Factories

    folder = Path(args.folder or tempfile.mkdtemp(prefix="foia-bench-search-"))
    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                      "WORKER_ENABLED": False})
    runtime = app.extensions["foia"]
    upgrade(runtime.engine)
    with runtime.session() as session:
        sync_jurisdictions(session)
        session.commit()
        make = Factories(session)
        owner = make.user()
        agency = make.agency()
        requests = [make.request(owner=owner, agency=agency) for _ in range(20)]
        others = [make.request(agency=agency) for _ in range(20)]  # not the owner's: filtered out

    print(f"generating {args.pages:,} pages in {folder} ...", flush=True)
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
    print(f"  generated and stored in {time.perf_counter() - started:.1f} s")

    with runtime.session() as session:
        started = time.perf_counter()
        count = runtime.search.rebuild(session)
        build = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (folder / "search").rglob("*") if p.is_file())
    print(f"index build: {count:,} pages in {build:.1f} s ({count / build:,.0f} pages/s), size {size / 2**20:,.0f} MiB")

    index = runtime.search
    print(f"\n{'query class':<14} {'app p50':>8} {'app p95':>8} {'raw p50':>8} {'raw p95':>8} {'app/raw':>8} "
          f"{'LIKE p50':>9} {'total':>9}")
    with runtime.session() as session:
        owner = session.get(type(owner), owner.id)
        for name, text in QUERIES.items():
            def app_query():
                return services.search(session, runtime, owner, runtime.clock.now(), text)

            parsed = parse(text)

            def raw_query():
                from tantivy import Occur, Query

                searcher = index._open().searcher()
                parts = [index._text_query(searcher, clause) for clause in parsed.required]
                query = parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Must, q) for q in parts])
                return index.raw_search(query, 20)

            app_ms = timed(app_query, args.repeat)
            raw_ms = timed(raw_query, args.repeat)
            total = app_query().total
            like = RAW_LIKE[name]
            if like is None:
                sql = sa.text("SELECT id, substr(text, 1, 200) FROM page WHERE text LIKE :a AND text LIKE :b LIMIT 20")
                params = {"a": "%camera%", "b": "%footage%"}
            else:
                sql = sa.text("SELECT id, substr(text, 1, 200) FROM page WHERE text LIKE :a LIMIT 20")
                params = {"a": like}
            with runtime.engine.connect() as connection:
                like_ms = timed(lambda: connection.execute(sql, params).all(), 3)
            ratio = statistics.median(app_ms) / statistics.median(raw_ms)
            print(f"{name:<14} {percentile(app_ms, .5):8.1f} {percentile(app_ms, .95):8.1f} "
                  f"{percentile(raw_ms, .5):8.1f} {percentile(raw_ms, .95):8.1f} {ratio:8.2f} "
                  f"{percentile(like_ms, .5):9.1f} {total:9,}", flush=True)
    print("\n(ms; app = services.search as a logged-in owner of half the requests, with the permission filter,\n"
          " the database re-check and grouping; raw = the Tantivy query with snippets alone; LIKE = SQLite scan.)")


if __name__ == "__main__":
    main()
