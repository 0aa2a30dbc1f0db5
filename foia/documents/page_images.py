"""Pictures of a PDF's pages, for reading a document in any browser without running the file.

PDFium draws each page in the same limited child process that extracts text (foia.documents.extract),
so a hostile file can only fail its own picture. Pictures are kept in the instance folder, named by
the file's sha256, so each page is drawn once however many requests share the file.
"""
from __future__ import annotations

import atexit
import os
import tempfile
import threading
from pathlib import Path

from foia.documents.extract import Reader, ReaderFailed
from foia.documents.models import Document, ExtractionState
from foia.errors import NotFound

#: Resolution of the pictures: sharp on an ordinary screen, about 100 KB for a page of text.
RENDER_DPI = 110
#: The longest side of a picture in pixels, so a poster-sized page stays a reasonable download.
MAX_SIDE = 2000
#: Seconds PDFium may spend on one page before the picture is given up.
TIME_LIMIT = 30

_lock = threading.Lock()
_reader: Reader | None = None


class PageImageFailed(Exception):
    """PDFium could not draw the page (damaged or hostile file)."""


def has_page_images(document: Document) -> bool:
    """Whether the document's pages can be shown as pictures: a PDF that was read and has pages."""
    return (document.content_type == "application/pdf" and bool(document.page_count)
            and document.state in (ExtractionState.done, ExtractionState.needs_ocr))


def cache_path(cache_root: Path, document: Document, number: int) -> Path:
    """Where the picture of one page is kept."""
    return Path(cache_root) / document.sha256[:2] / document.sha256 / f"{RENDER_DPI}-{number}.png"


def _render(source: Path, number: int, folder: Path) -> Path:
    global _reader
    if _reader is None:
        _reader = Reader(time_limit=TIME_LIMIT)
        atexit.register(_reader.close)
    try:
        images = _reader.render(source, [number], folder=folder, dpi=RENDER_DPI, grayscale=False, max_side=MAX_SIDE)
    except ReaderFailed as error:
        raise PageImageFailed(str(error)) from None
    return Path(images[number])


def page_image(source: Path, cache_root: Path, document: Document, number: int) -> Path:
    """The picture of page `number` (1-based) of the document stored at `source`, drawn on first use."""
    if not has_page_images(document) or not 1 <= number <= document.page_count:
        raise NotFound("page")
    target = cache_path(cache_root, document, number)
    if target.exists():
        return target
    with _lock:  # one page at a time per web process: PDFium's memory stays bounded
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".drawing-") as folder:
            drawn = _render(source, number, Path(folder))
            os.replace(drawn, target)
    return target
