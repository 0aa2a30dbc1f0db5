"""Pictures of a PDF's pages, for reading a document in any browser without running the file.

PDFium draws each page in the same limited child process that extracts text (foia.documents.reader),
so a hostile file can only fail its own picture. Pictures are kept in the instance folder, named by
the file's sha256, so each page is drawn once however many requests share the file. Searched words
are marked on a copy: PDFium finds where they are on the page, and yellow boxes are laid over them.
"""
from __future__ import annotations

import atexit
import io
import os
import tempfile
import threading
from pathlib import Path

from foia.documents.reader import Reader, ReaderFailed
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


def _the_reader() -> Reader:
    global _reader
    if _reader is None:
        _reader = Reader(time_limit=TIME_LIMIT)
        atexit.register(_reader.close)
    return _reader


def _render(source: Path, number: int, folder: Path) -> Path:
    try:
        images = _the_reader().render(source, [number], folder=folder, dpi=RENDER_DPI, grayscale=False,
                                      max_side=MAX_SIDE)
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


#: The marker over a searched word: the highlighter yellow of the text beside the page, see-through.
MARK_COLOUR = (255, 214, 0, 110)


def marked_page_image(source: Path, cache_root: Path, document: Document, number: int, words: list[str]) -> bytes:
    """The page's picture as PNG bytes with each searched word marked (the plain picture when none is found)."""
    from PIL import Image, ImageDraw

    plain = page_image(source, cache_root, document, number)
    with _lock:
        try:
            found = _the_reader().find(source, number, words)
        except ReaderFailed:
            found = {"boxes": []}
    if not found["boxes"]:
        return plain.read_bytes()
    left, bottom, right, top = found["crop"]
    with Image.open(plain) as picture:
        base = picture.convert("RGBA")
    scale_x, scale_y = base.width / max(right - left, 1), base.height / max(top - bottom, 1)
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for box_left, box_bottom, box_right, box_top in found["boxes"]:
        draw.rectangle([(box_left - left) * scale_x - 1, (top - box_top) * scale_y - 1,
                        (box_right - left) * scale_x + 1, (top - box_bottom) * scale_y + 1], fill=MARK_COLOUR)
    out = io.BytesIO()
    Image.alpha_composite(base, layer).convert("RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()
