"""OCR of page images with the `tesseract` binary: one page per core, each single-threaded.

Tesseract's own threading is slower than running one single-threaded Tesseract per core
(OMP_THREAD_LIMIT=1), so pages are spread over a pool the size of the machine. The pool is shared
by every extraction lane in the process, so two documents never run more Tesseracts than cores.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from foia.text.clean import normalized

#: Seconds one page may take before Tesseract is stopped.
PAGE_TIME_LIMIT = 300
MISSING_REASON = ("Some pages are scanned images without text and need OCR, but Tesseract is not "
                  "installed on this server. Install tesseract-ocr, then retry the extraction.")

_slots = threading.BoundedSemaphore(os.cpu_count() or 1)


class TesseractFailed(Exception):
    """Tesseract could not read a page image."""


@dataclass
class OcrPage:
    """The text Tesseract read from one image, and its one-page searchable PDF (when asked for)."""

    text: str
    pdf: str | None = None


def find_tesseract(config: dict | None = None) -> str | None:
    """The tesseract executable to use (config TESSERACT_PATH, else PATH), or None when there is none."""
    configured = (config or {}).get("TESSERACT_PATH")
    if configured is not None:
        return configured if configured and os.access(configured, os.X_OK) else None
    return shutil.which("tesseract")


def languages(config: dict | None = None) -> str:
    """Tesseract languages, e.g. "eng" or "eng+deu" (config OCR_LANGUAGES)."""
    return (config or {}).get("OCR_LANGUAGES") or "eng"


def ocr_image(tesseract: str, image: str | Path, *, language: str = "eng", searchable_pdf: bool = False,
              time_limit: float = PAGE_TIME_LIMIT) -> OcrPage:
    """Read one page image; with searchable_pdf, also write image+text as a one-page PDF beside it."""
    image = Path(image)
    output = image.with_suffix("")
    formats = ["txt", "pdf"] if searchable_pdf else ["txt"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with _slots:
        try:
            finished = subprocess.run([tesseract, str(image), str(output), "-l", language, *formats],
                                      capture_output=True, env=env, timeout=time_limit)
        except subprocess.TimeoutExpired:
            raise TesseractFailed(f"OCR of a page took longer than {time_limit:g} seconds.") from None
    if finished.returncode != 0:
        detail = finished.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TesseractFailed(f"Tesseract could not read a page ({detail[-1] if detail else finished.returncode}).")
    text_file = output.with_suffix(".txt")
    text = normalized(text_file.read_text("utf-8", "replace")) if text_file.exists() else ""
    pdf = output.with_suffix(".pdf")
    return OcrPage(text=text, pdf=str(pdf) if searchable_pdf and pdf.exists() else None)


def ocr_images(tesseract: str, images: list[str | Path], *, language: str = "eng",
               searchable_pdf: bool = False) -> list[OcrPage | TesseractFailed]:
    """OCR many page images in parallel (one per core); a page that fails yields its TesseractFailed."""

    def one(image):
        try:
            return ocr_image(tesseract, image, language=language, searchable_pdf=searchable_pdf)
        except TesseractFailed as error:
            return error

    if len(images) <= 1:
        return [one(image) for image in images]
    with ThreadPoolExecutor(max_workers=min(len(images), os.cpu_count() or 1)) as pool:
        return list(pool.map(one, images))
