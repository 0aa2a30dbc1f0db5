"""Pages per second of the app's extraction (`foia extract`) against poppler's pdftotext, same files, same run.

    .venv/bin/python bench/extract.py [FOLDER_OF_PDFS] [--corpus generated|real|both]
                                      [--documents N] [--pages-per-document N] [--real-documents N]

Two corpora, written once and cached in the temp folder (keyed by CORPUS_VERSION and the sizes):
- generated: text PDFs of English-like lines (Helvetica, several pages each), plus the real PDF
  attachments of ../shared/corpus;
- real: real-looking PDFs printed by Debian's Chromium through Playwright from HTML manuals under
  /usr/share/doc and pydoc pages of stdlib modules (TrueType fonts, ligatures, tables, links,
  many pages each), plus the PDF manuals shipped in /usr/share/doc.
The app runs through the real queue (a fresh SQLite instance, one lane per core, each lane reading
in its own limited child process). pdftotext runs over the same files, once as a plain loop and once
one per core. Text agreement is word-level F1 against pdftotext's words, per document, averaged
(reading order does not count).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Bump when the way a corpus is made changes, so cached corpora are rebuilt.
CORPUS_VERSION = 2
CACHE = Path(tempfile.gettempdir()) / f"foia-bench-extract-v{CORPUS_VERSION}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SHIPPED_PDFS = [Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"),
                Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf")]
PYDOC_MODULES = ("argparse asyncio.events collections configparser csv datetime decimal email.message "
                 "functools http.client http.cookiejar imaplib inspect ipaddress json logging mailbox "
                 "multiprocessing.pool os pathlib pickle re shutil smtplib socket sqlite3 ssl string "
                 "subprocess tarfile tempfile threading tkinter typing unittest.case urllib.request "
                 "xml.etree.ElementTree zipfile zoneinfo").split()

WORDS = ("records request agency police sheriff camera body surveillance facial recognition rekognition "
         "contract amazon pilot program department county officer review policy meeting email vendor data "
         "public real-time matching database images video footage training budget memo director council "
         "procurement invoice license software evaluation accuracy privacy audit report").split()


def _cached(name: str, build) -> list[Path]:
    """The PDFs of a cached corpus folder, building it first (into a scratch folder, then renamed) if missing."""
    folder = CACHE / name
    if not folder.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=name + "-", dir=CACHE))
        try:
            build(scratch)
            scratch.rename(folder)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    return sorted(folder.glob("*.pdf"))


def generated_corpus(documents: int, pages: int) -> list[Path]:
    """Text PDFs of English-like lines, plus the shared corpus' real PDF attachments."""

    def build(folder: Path) -> None:
        from foia.demo.pdf_writer import text_pdf

        rng = random.Random(7)
        for n in range(documents):
            texts = []
            for _ in range(pages):
                lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))) for _ in range(45)]
                texts.append("\n".join(lines))
            (folder / f"generated-{n:04d}.pdf").write_bytes(text_pdf(texts))
        corpus = ROOT.parent / "shared" / "corpus"
        if corpus.exists():
            import email
            import email.policy

            for source in sorted(corpus.rglob("*")):
                if not source.is_file():
                    continue
                message = email.message_from_bytes(source.read_bytes(), policy=email.policy.compat32)
                for part in message.walk():
                    data = part.get_payload(decode=True) if not part.is_multipart() else None
                    if data and data[:5] == b"%PDF-":
                        (folder / f"corpus-{hashlib.sha256(data).hexdigest()[:12]}.pdf").write_bytes(data)

    return _cached(f"generated-{documents}x{pages}", build)


def _html_sources(count: int, pydoc_folder: Path) -> list[tuple[str, str]]:
    """(name, file URL) of HTML manuals under /usr/share/doc and pydoc pages, biggest manuals first."""
    import pydoc

    found = [path for path in Path("/usr/share/doc").rglob("*.htm*")
             if path.is_file() and 8_000 <= path.stat().st_size <= 400_000]
    found.sort(key=lambda path: (-path.stat().st_size, str(path)))
    sources = [(re.sub(r"\W+", "-", str(path.relative_to("/usr/share/doc"))), path.as_uri())
               for path in found[:count // 2]]
    for name in PYDOC_MODULES[:count - len(sources)]:
        try:
            module = pydoc.locate(name)
            page = pydoc.html.page(pydoc.describe(module), pydoc.html.document(module, name))
        except Exception:
            continue
        target = pydoc_folder / f"{name}.html"
        target.write_text(page, "utf-8")
        sources.append((f"pydoc-{name}", target.as_uri()))
    return sources


def real_corpus(count: int) -> list[Path]:
    """Chromium-printed PDFs of HTML manuals and pydoc pages, plus the PDFs shipped in /usr/share/doc."""

    def build(folder: Path) -> None:
        from playwright.sync_api import sync_playwright

        pydoc_folder = folder / "pydoc-html"
        pydoc_folder.mkdir()
        sources = _html_sources(count, pydoc_folder)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            for name, url in sources:
                try:
                    page.goto(url, wait_until="load", timeout=30_000)
                    (folder / f"{name}.pdf").write_bytes(page.pdf(format="Letter", print_background=True))
                except Exception as error:  # a manual Chromium cannot print is skipped, not fatal
                    print(f"skipped {name}: {error}", file=sys.stderr)
            browser.close()
        shutil.rmtree(pydoc_folder)
        for shipped in SHIPPED_PDFS:
            if shipped.exists():
                shutil.copy(shipped, folder / shipped.name)

    return _cached(f"real-{count}", build)


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def f1(ours: str, reference: str) -> float:
    a, b = words(ours), words(reference)
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True).stdout.decode("utf-8", "replace")


def run_app(paths: list[Path], lanes: int) -> tuple[float, float, int, dict[Path, str]]:
    """Import the files as documents into a fresh instance and run the queue: seconds, CPU seconds, pages, texts."""
    from foia import create_app, migrations
    from foia.documents.models import Document
    from foia.documents.queue import run_until_empty
    from foia.documents.services import document_text

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                          "WORKER_ENABLED": False})
        runtime = app.extensions["foia"]
        migrations.upgrade(runtime.engine)
        ids = {}
        with runtime.session() as session:
            for path in paths:
                data = path.read_bytes()
                document = Document(filename=path.name, content_type="application/pdf", size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest(), blob_key=runtime.blobs.put(data))
                session.add(document)
                session.flush()
                ids[path] = document.id
            session.commit()
        cpu = cpu_seconds()
        started = time.perf_counter()
        summary = run_until_empty(runtime, lanes=lanes)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds() - cpu
        with runtime.session() as session:
            texts = {path: document_text(session, ids[path]) for path in paths}
        runtime.engine.dispose()
    return elapsed, cpu, summary.pages, texts


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(label: str, paths: list[Path], lanes: int) -> dict:
    """Run pdftotext (loop, one per core) and the app over the same files; print and return the figures."""
    cpu = cpu_seconds()
    started = time.perf_counter()
    reference = {path: pdftotext(path) for path in paths}
    poppler_loop = time.perf_counter() - started
    poppler_cpu = cpu_seconds() - cpu
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(pdftotext, paths))
    poppler_parallel = time.perf_counter() - started

    elapsed, app_cpu, pages, texts = run_app(paths, lanes)

    scores = [f1(texts[path], reference[path]) for path in paths]
    ours = pages / elapsed
    ratio = ours / (pages / poppler_loop)
    agreement = sum(scores) / len(scores)
    print(f"\n== {label}: {len(paths)} PDFs, {pages} pages; {lanes} extraction lanes on {os.cpu_count()} cores")
    print(f"foia extract:             {ours:8.1f} pages/s  ({elapsed:.2f} s, database writes included)")
    print(f"pdftotext, one at a time: {pages / poppler_loop:8.1f} pages/s  ({poppler_loop:.2f} s)")
    print(f"pdftotext, one per core:  {pages / poppler_parallel:8.1f} pages/s  ({poppler_parallel:.2f} s)")
    print(f"ratio vs pdftotext loop:  {ratio:8.2f}x   (goal >= 3.0x)")
    print(f"ratio vs pdftotext x{os.cpu_count()}:    {ours / (pages / poppler_parallel):8.2f}x")
    print(f"CPU per 1000 pages:       foia {1000 * app_cpu / pages:.2f} s, pdftotext {1000 * poppler_cpu / pages:.2f} s "
          f"(CPU-bound ceiling with {os.cpu_count()} free cores: {os.cpu_count() * poppler_cpu / app_cpu:.2f}x)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")
    print(f"text agreement (word F1 vs pdftotext, mean per document): {agreement:.3f}  (goal >= 0.95)")
    worst = sorted(zip(scores, paths))[:3]
    print("lowest agreement:", ", ".join(f"{p.name} {s:.3f}" for s, p in worst))
    return {"pages_per_second": ours, "ratio": ratio, "f1": agreement}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--corpus", choices=("generated", "real", "both"), default="both")
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--pages-per-document", type=int, default=8)
    parser.add_argument("--real-documents", type=int, default=60, help="HTML pages printed by Chromium")
    parser.add_argument("--lanes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    if args.folder:
        measure(str(args.folder), sorted(args.folder.rglob("*.pdf")), args.lanes)
        return
    if args.corpus in ("generated", "both"):
        measure("generated", generated_corpus(args.documents, args.pages_per_document), args.lanes)
    if args.corpus in ("real", "both"):
        measure("real-looking (Chromium-printed)", real_corpus(args.real_documents), args.lanes)


if __name__ == "__main__":
    main()
