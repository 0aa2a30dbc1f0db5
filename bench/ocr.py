"""OCR pages per second of the app (one single-threaded Tesseract per core) against a bare `tesseract` loop.

    .venv/bin/python bench/ocr.py [--pages N]

Both read the same 300 dpi page images, made here by drawing English-like text with Pillow. The bare
loop runs `tesseract IMAGE stdout` one page after another with Tesseract's default threading; the
app runs foia.documents.ocr.ocr_images exactly as the extraction queue does (text and a searchable
one-page PDF per page, OMP_THREAD_LIMIT=1, one page per core).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_pages(folder: Path, count: int) -> list[Path]:
    from bench.extract import WORDS
    from tests.unit.documents.pdfs import page_image

    rng = random.Random(11)
    paths = []
    for n in range(count):
        text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 8))) for _ in range(28))
        path = folder / f"page-{n:03d}.png"
        page_image(text, dpi=300, size=44).save(path, dpi=(300, 300))
        paths.append(path)
    return paths


def main() -> None:
    from foia.documents.ocr import ocr_images

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args()
    tesseract = shutil.which("tesseract")
    if not tesseract:
        sys.exit("tesseract is not installed (apt-get install tesseract-ocr)")

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        pages = make_pages(folder, args.pages)
        started = time.perf_counter()
        bare_texts = [subprocess.run([tesseract, str(p), "stdout"], capture_output=True).stdout for p in pages]
        bare = time.perf_counter() - started

        app_folder = folder / "app"
        app_folder.mkdir()
        copies = [shutil.copy(p, app_folder / p.name) for p in pages]
        started = time.perf_counter()
        results = ocr_images(tesseract, copies, searchable_pdf=True)
        ours = time.perf_counter() - started

    words_bare = sum(len(t.split()) for t in bare_texts)
    words_ours = sum(len(r.text.split()) for r in results)
    print(f"{len(pages)} page images at 300 dpi; {os.cpu_count()} cores")
    print(f"bare tesseract loop: {len(pages) / bare:6.2f} pages/s  ({bare:.1f} s, {words_bare} words)")
    print(f"foia OCR:            {len(pages) / ours:6.2f} pages/s  ({ours:.1f} s, {words_ours} words, searchable PDF too)")
    print(f"ratio:               {bare / ours:6.2f}x   (goal >= 1.7x)")


if __name__ == "__main__":
    main()
