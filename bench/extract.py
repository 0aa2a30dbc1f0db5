"""Pages per second of the app's extraction (`foia extract`) against poppler's pdftotext, same files, same run.

    .venv/bin/python bench/extract.py [FOLDER_OF_PDFS] [--documents N] [--pages-per-document N]

Without a folder it writes a corpus of text PDFs (English-like words, several pages each) plus the
real PDF attachments of ../shared/corpus. The app runs through the real queue (a fresh SQLite
instance, one lane per core, each lane reading in its own limited child process). pdftotext runs
over the same files, once as a plain loop and once two at a time. Text agreement is word-level F1
against pdftotext's words, per document, averaged (reading order does not count).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("records request agency police sheriff camera body surveillance facial recognition rekognition "
         "contract amazon pilot program department county officer review policy meeting email vendor data "
         "public real-time matching database images video footage training budget memo director council "
         "procurement invoice license software evaluation accuracy privacy audit report").split()


def generate_corpus(folder: Path, documents: int, pages: int) -> list[Path]:
    """Text PDFs of English-like lines, plus the shared corpus' real PDF attachments."""
    from tests.unit.documents.pdfs import text_pdf

    rng = random.Random(7)
    paths = []
    for n in range(documents):
        texts = []
        for _ in range(pages):
            lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))) for _ in range(45)]
            texts.append("\n".join(lines))
        path = folder / f"generated-{n:03d}.pdf"
        path.write_bytes(text_pdf(texts))
        paths.append(path)
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
                    path = folder / f"corpus-{hashlib.sha256(data).hexdigest()[:12]}.pdf"
                    path.write_bytes(data)
                    if path not in paths:
                        paths.append(path)
    return paths


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
    return subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True).stdout.decode("utf-8", "replace")


def run_app(paths: list[Path], lanes: int) -> tuple[float, int, dict[Path, str]]:
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
        started = time.perf_counter()
        summary = run_until_empty(runtime, lanes=lanes)
        elapsed = time.perf_counter() - started
        with runtime.session() as session:
            texts = {path: document_text(session, ids[path]) for path in paths}
        runtime.engine.dispose()
    return elapsed, summary.pages, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--pages-per-document", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        if args.folder:
            paths = sorted(args.folder.rglob("*.pdf"))
        else:
            paths = generate_corpus(Path(scratch), args.documents, args.pages_per_document)
        print(f"{len(paths)} PDFs; {args.lanes} extraction lanes on {os.cpu_count()} cores")

        started = time.perf_counter()
        reference = {path: pdftotext(path) for path in paths}
        poppler_loop = time.perf_counter() - started
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(pdftotext, paths))
        poppler_parallel = time.perf_counter() - started

        elapsed, pages, texts = run_app(paths, args.lanes)

    scores = [f1(texts[path], reference[path]) for path in paths]
    ours = pages / elapsed
    print(f"pages:                    {pages}")
    print(f"foia extract:             {ours:8.1f} pages/s  ({elapsed:.2f} s, database writes included)")
    print(f"pdftotext, one at a time: {pages / poppler_loop:8.1f} pages/s  ({poppler_loop:.2f} s)")
    print(f"pdftotext, one per core:  {pages / poppler_parallel:8.1f} pages/s  ({poppler_parallel:.2f} s)")
    print(f"ratio vs pdftotext loop:  {ours / (pages / poppler_loop):8.2f}x   (goal >= 3.0x)")
    print(f"ratio vs pdftotext x{os.cpu_count()}:    {ours / (pages / poppler_parallel):8.2f}x")
    print(f"text agreement (word F1 vs pdftotext, mean per document): {sum(scores) / len(scores):.3f}  (goal >= 0.95)")
    worst = sorted(zip(scores, paths))[:3]
    print("lowest agreement:", ", ".join(f"{p.name} {s:.3f}" for s, p in worst))


if __name__ == "__main__":
    main()
