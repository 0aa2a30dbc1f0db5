"""Reading a file's text in a child process with a time and a memory limit.

A hostile or broken file can only fail itself: the child is killed when it runs too long, and the
address-space limit turns runaway allocations into a clean failure. The parent talks to one
long-lived child per extraction lane (a JSON line in, a JSON line out) and starts a new one after
any failure, so the cost of starting Python is paid once, not once per file. `Reader.read_many`
keeps the next file's request in the pipe, so the child reads while the parent stores.

pypdfium2 reads the text and the metadata; pypdf is the fallback engine when PDFium cannot open a
file or a page. Text is NFKC-normalised and stripped of NUL and other control characters.
"""
from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Iterable, Iterator
import os
import re
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from foia.text.charsets import decode_text
from foia.text.clean import normalized
from foia.text.html_text import html_to_text
from foia.text.sniff import reader_kind

#: Seconds one request to the child (read a file, render some pages) may take.
DEFAULT_TIME_LIMIT = 120
#: Address space the child may use, in MiB.
DEFAULT_MEMORY_MB = 1536
#: Lines per page when a file without pages (text, HTML, Word) is cut into search units.
LINES_PER_PAGE = 80
#: Fewer word characters than this on a page with an image: the page is a scan and needs OCR.
MIN_TEXT_LAYER_CHARS = 3
#: Largest rendered side and area in pixels, so a poster-sized page cannot exhaust memory.
MAX_RENDER_SIDE = 10000
MAX_RENDER_PIXELS = 60_000_000
#: More pages than this and the file is refused (a real release is split long before).
MAX_PAGES = 20000
#: Read requests kept in the child's pipe at once (one being read, the next waiting).
PIPELINE_DEPTH = 2

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
@dataclass
class PageText:
    """One page as read: its text, how it was read, and whether it still needs OCR."""

    number: int
    text: str = ""
    #: text_layer | plain | ocr
    method: str = "text_layer"
    needs_ocr: bool = False
    #: A rendered image of the page, when the child made one (images are OCR'd from it).
    image: str | None = None


@dataclass
class Reading:
    """What the child found in a file."""

    #: done | encrypted | failed | unsupported
    state: str
    #: Why it is not done, in words a person understands.
    error: str = ""
    #: pdf | text | html | docx | image | other
    kind: str = "other"
    pages: list[PageText] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    #: The engine that read the text (pdfium, pypdf, ...).
    engine: str = ""


class ReaderFailed(Exception):
    """The child died, ran out of time or memory: the file failed, nothing else did."""


class Reader:
    """A long-lived child process that reads files; restarted after any failure."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self._process: subprocess.Popen | None = None
        self._buffer = b""
        #: Requests written to the child and not yet answered.
        self._in_flight = 0
        #: When the child started on the oldest unanswered request (its time limit runs from here).
        self._since = 0.0

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            if self._process is not None:
                self._kill()
            env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONDONTWRITEBYTECODE": "1"}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "foia.documents.extract", "--serve", str(self.memory_mb)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                cwd=str(Path(__file__).resolve().parents[2]), start_new_session=True)
            self._buffer = b""
            self._in_flight = 0
        return self._process

    def close(self) -> None:
        """Stop the child."""
        process, self._process = self._process, None
        self._in_flight = 0
        if process is None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=2)
        except Exception:
            process.kill()
            process.wait()
        finally:
            process.stdout.close()

    def _kill(self) -> None:
        process, self._process = self._process, None
        self._in_flight = 0
        self._buffer = b""
        if process is not None:
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass

    def _send(self, request: dict) -> None:
        """Write one request; a child that died is noticed by the next _receive."""
        process = self._start()
        if self._in_flight == 0:
            self._since = time.monotonic()
        self._in_flight += 1
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def _receive(self, time_limit: float | None = None) -> dict:
        """The answer to the oldest request in flight; ReaderFailed (child stopped) on timeout or crash."""
        process = self._process
        if process is None:
            raise ReaderFailed("The file could not be read: the reader stopped unexpectedly.")
        limit = time_limit or self.time_limit
        deadline = self._since + limit
        fd = process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(remaining, 0))
            if not ready:
                if remaining <= 0:
                    self._kill()
                    raise ReaderFailed(f"Reading the file took longer than {limit:g} seconds, so it was stopped. "
                                       "The file may be damaged or built to slow readers down.")
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                code = process.wait()
                self._kill()
                if code in (-9, 137) or code == 3:
                    raise ReaderFailed("The file needs more memory to read than is allowed, so it was stopped.")
                raise ReaderFailed("The file could not be read: the reader crashed on it (the file is probably "
                                   "damaged, built to crash readers, or needs more memory than is allowed).")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        self._in_flight -= 1
        self._since = time.monotonic()
        answer = json.loads(line)
        if answer.get("crash"):
            self._kill()
            raise ReaderFailed(answer["crash"])
        return answer

    def _ask(self, request: dict, time_limit: float | None = None) -> dict:
        if self._in_flight:
            raise RuntimeError("Reader.read_many is still running; use another Reader to render or merge.")
        self._send(request)
        return self._receive(time_limit)

    @staticmethod
    def _read_request(path, filename: str, content_type: str, folder) -> dict:
        return {"op": "read", "path": str(path), "filename": filename, "content_type": content_type,
                "folder": str(folder)}

    @staticmethod
    def _reading(answer: dict) -> Reading:
        texts = answer.pop("texts", None)
        scans = set(answer.pop("scans", ()))
        images = answer.pop("images", {})
        method = answer.pop("method", "text_layer")
        pages = []
        for number, text in enumerate(texts or (), start=1):
            image = images.get(str(number))
            pages.append(PageText(number=number, text=text, method="ocr" if image else method,
                                  needs_ocr=number in scans or image is not None, image=image))
        return Reading(pages=pages, **answer)

    def read(self, path: str | Path, *, filename: str = "", content_type: str = "",
             folder: str | Path) -> Reading:
        """Read a file's text; images and scanned pages are rendered into `folder` for OCR."""
        for _, reading in self.read_many([(None, {"path": path, "filename": filename,
                                                  "content_type": content_type, "folder": folder})]):
            return reading
        raise AssertionError("unreachable")

    def read_many(self, jobs: Iterable[tuple[object, dict]], depth: int = PIPELINE_DEPTH) -> Iterator[tuple[object, Reading]]:
        """Read many files, the next one while the caller handles the last: yields (key, Reading) in order.

        Each job is (key, {"path", "filename", "content_type", "folder"}). A file that stops or kills
        the child fails alone: the files queued behind it are sent again to a fresh child.
        """
        jobs = iter(jobs)
        pending: deque = deque()

        def fill():
            while len(pending) < depth and (job := next(jobs, None)) is not None:
                pending.append(job)
                self._send(self._read_request(**job[1]))

        try:
            fill()
            while pending:
                key, _ = pending.popleft()
                try:
                    reading = self._reading(self._receive())
                except ReaderFailed as error:
                    reading = Reading(state="failed", error=str(error))
                    waiting = list(pending)
                    pending.clear()
                    for job in waiting:  # the new child starts over on the files behind the failed one
                        pending.append(job)
                        self._send(self._read_request(**job[1]))
                fill()
                yield key, reading
        finally:
            if self._in_flight:  # the caller stopped early: unread answers must not reach the next request
                self._kill()

    def render(self, path: str | Path, numbers: list[int], *, folder: str | Path, dpi: int = 300,
               grayscale: bool = True, max_side: int = MAX_RENDER_SIDE) -> dict[int, str]:
        """Render PDF pages (1-based numbers) to PNGs, at most `max_side` pixels long; returns {number: image path}."""
        answer = self._ask({"op": "render", "path": str(path), "pages": numbers, "folder": str(folder), "dpi": dpi,
                            "grayscale": grayscale, "max_side": max_side})
        return {int(number): image for number, image in answer["images"].items()}

    def find(self, path: str | Path, number: int, words: list[str]) -> dict:
        """Where words appear on a PDF page: {"crop": [l, b, r, t], "boxes": [[l, b, r, t], ...]} in points."""
        return self._ask({"op": "find", "path": str(path), "page": number, "words": words})

    def merge(self, path: str | Path, ocr_pages: dict[int, str], output: str | Path) -> bool:
        """Write a searchable PDF: the original with OCR'd pages swapped for Tesseract's. False if impossible."""
        try:
            answer = self._ask({"op": "merge", "path": str(path), "output": str(output),
                                "pages": {str(k): v for k, v in ocr_pages.items()}})
        except ReaderFailed:
            return False
        return bool(answer.get("ok"))


# --- The child's side: everything below runs in the limited process. -------------------------

def _limit_resources(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _chunk_pages(text: str) -> list[str]:
    """A file without pages as page texts: form feeds, else every LINES_PER_PAGE lines."""
    text = normalized(text)
    parts = text.split("\f") if "\f" in text else [text]
    pages: list[str] = []
    for part in parts:
        lines = part.split("\n")
        for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
            pages.append("\n".join(lines[start:start + LINES_PER_PAGE]).strip("\n"))
    return pages


def _plain(kind: str, texts: list[str], engine: str) -> dict:
    return {"state": "done", "kind": kind, "texts": texts, "method": "plain", "engine": engine}


def _docx_text(path: str) -> str:
    import docx

    document = docx.Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _save_png(image, path: Path, dpi: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", compress_level=1, dpi=(dpi, dpi))


def _read_image(path: str, folder: Path) -> dict:
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_RENDER_PIXELS
    images = {}
    try:
        with Image.open(path) as image:
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                target = folder / f"image-{index + 1}.png"
                dpi = frame.info.get("dpi", (300, 300))[0] or 300
                _save_png(frame.convert("L"), target, int(dpi))
                images[str(index + 1)] = str(target)
                if index >= 999:
                    break
    except Image.DecompressionBombError:
        return {"state": "unsupported", "kind": "image",
                "error": f"This image is larger than {MAX_RENDER_PIXELS // 1_000_000} megapixels, "
                         "so it was not read (it could exhaust the server's memory)."}
    return {"state": "done", "kind": "image", "texts": [""] * len(images), "images": images, "engine": "pillow"}


_METADATA = (("Title", "title"), ("Author", "author"), ("Subject", "subject"), ("Creator", "creator"),
             ("Producer", "producer"), ("CreationDate", "created"), ("ModDate", "modified"))


def _pdf_details(document) -> dict:
    """What a PDF says about itself (title, author, producer, dates), read by PDFium."""
    try:
        metadata = document.get_metadata_dict(skip_empty=True)
    except Exception:
        return {}
    details = {}
    for key, label in _METADATA:
        value = metadata.get(key)
        if value:
            text = normalized(str(value))[:300]
            details[label] = _pdf_date(text) if label in ("created", "modified") else text
    return details


def _pypdf_reader(path: str):
    """A pypdf reader for the fallback engine (decrypted with the empty password), or None."""
    import pypdf

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        return reader
    except Exception:
        return None


def _pypdf_details(reader) -> dict:
    try:
        metadata = reader.metadata or {}
    except Exception:
        return {}
    details = {}
    for key, label in _METADATA:
        value = metadata.get("/" + key)
        if value:
            text = normalized(str(value))[:300]
            details[label] = _pdf_date(text) if label in ("created", "modified") else text
    return details


def _pdf_date(value: str) -> str:
    """D:20180522101400-04'00' as 2018-05-22 10:14 -04:00; anything else as it was."""
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz]|[+-]\d{2}'?\d{2}'?)?", value)
    if not match:
        return value
    year, month, day, hour, minute, _second, zone = match.groups()
    text = "-".join(part for part in (year, month, day) if part)
    if hour:
        text += f" {hour}:{minute or '00'}"
    if zone:
        text += " UTC" if zone.upper() == "Z" else f" {zone[:3]}:{zone[-3:].strip(chr(39))[-2:]}"
    return text


def _has_image(page, pdfium) -> bool:
    try:
        for _ in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=5):
            return True
    except Exception:
        return True
    return False


_WORD_CHAR = re.compile(r"[^\W_]")


def _word_chars(text: str) -> int:
    """Letters and digits on the page, counted only as far as the OCR threshold."""
    return sum(1 for _ in itertools.islice(_WORD_CHAR.finditer(text), MIN_TEXT_LAYER_CHARS))


def _too_many_pages(count: int, details: dict) -> dict:
    return {"state": "unsupported", "kind": "pdf", "details": details,
            "error": f"This PDF says it has {count:,} pages, more than the {MAX_PAGES:,} that are read; "
                     "split it into smaller files and upload them again."}


def _read_pdf(path: str) -> dict:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            return {"state": "encrypted", "kind": "pdf",
                    "error": "This PDF is protected by a password, so its text cannot be read. "
                             "Ask the agency for a copy without a password."}
        pypdf_reader = _pypdf_reader(path)
        if pypdf_reader is not None:
            return _read_pdf_with_pypdf(pypdf_reader, _pypdf_details(pypdf_reader))
        if "format" in message or "file" in message:
            return {"state": "failed", "kind": "pdf",
                    "error": "This PDF is damaged and could not be read by either PDF reader."}
        return {"state": "failed", "kind": "pdf", "error": f"This PDF could not be read ({error})."}
    texts: list[str] = []
    scans: list[int] = []
    engine = "pdfium"
    pypdf_reader = False  # opened only if a page needs the fallback
    try:
        details = _pdf_details(document)
        count = len(document)
        if count == 0:
            return {"state": "failed", "kind": "pdf", "details": details, "error": "This PDF has no pages."}
        if count > MAX_PAGES:
            return _too_many_pages(count, details)
        for index in range(count):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = normalized(textpage.get_text_range())
                if _word_chars(text) < MIN_TEXT_LAYER_CHARS and _has_image(page, pdfium):
                    scans.append(index + 1)
                textpage.close()
                page.close()
            except Exception:
                if pypdf_reader is False:
                    pypdf_reader = _pypdf_reader(path)
                text = _pypdf_page_text(pypdf_reader, index)
                engine = "pdfium+pypdf"
            texts.append(text)
    finally:
        document.close()
    return {"state": "done", "kind": "pdf", "texts": texts, "scans": scans, "details": details, "engine": engine}


def _pypdf_page_text(reader, index: int) -> str:
    if reader is None:
        return ""
    try:
        return normalized(reader.pages[index].extract_text() or "")
    except Exception:
        return ""


def _read_pdf_with_pypdf(reader, details: dict) -> dict:
    try:
        count = len(reader.pages)
    except Exception:
        return {"state": "failed", "kind": "pdf", "details": details,
                "error": "This PDF is damaged and could not be read by either PDF reader."}
    if count == 0:
        return {"state": "failed", "kind": "pdf", "details": details, "error": "This PDF has no pages."}
    if count > MAX_PAGES:
        return _too_many_pages(count, details)
    texts = [_pypdf_page_text(reader, index) for index in range(count)]
    return {"state": "done", "kind": "pdf", "texts": texts, "details": details, "engine": "pypdf"}


def _read(request: dict) -> dict:
    path = request["path"]
    folder = Path(request["folder"])
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        return {"state": "failed", "error": "The stored file is missing, so its text cannot be read."}
    if not head:
        return {"state": "failed", "error": "The file is empty (0 bytes), so there is no text to read."}
    kind = reader_kind(head, request.get("filename", ""), request.get("content_type", ""))
    if kind == "pdf":
        return _read_pdf(path)
    if kind == "not_pdf":
        return {"state": "failed", "kind": "pdf",
                "error": "The file is called a PDF, but its contents are not a PDF (it may be damaged or cut short)."}
    if kind == "image":
        return _read_image(path, folder)
    if kind == "docx":
        try:
            return _plain("docx", _chunk_pages(_docx_text(path)), "python-docx")
        except Exception:
            return {"state": "failed", "kind": "docx", "error": "This Word document is damaged and could not be read."}
    data = Path(path).read_bytes()
    if kind == "html":
        return _plain("html", _chunk_pages(html_to_text(decode_text(data, None))), "html")
    if kind == "text":
        return _plain("text", _chunk_pages(decode_text(data, None)), "text")
    return {"state": "unsupported", "kind": "other",
            "error": "Text cannot be read from files of this type; the file is kept and can be downloaded."}


def _render(request: dict) -> dict:
    import pypdfium2 as pdfium

    folder = Path(request["folder"])
    dpi = int(request.get("dpi", 300))
    grayscale = bool(request.get("grayscale", True))
    max_side = min(MAX_RENDER_SIDE, int(request.get("max_side", MAX_RENDER_SIDE)))
    images = {}
    document = pdfium.PdfDocument(request["path"])
    try:
        for number in request["pages"]:
            page = document[number - 1]
            width, height = page.get_size()
            # A little under the caps: PDFium rounds the bitmap's sides up.
            scale = 0.999 * min(dpi / 72, max_side / max(width, height, 1),
                                (MAX_RENDER_PIXELS / max(width * height, 1)) ** 0.5)
            bitmap = page.render(scale=scale, grayscale=grayscale)
            target = folder / f"page-{number}.png"
            _save_png(bitmap.to_pil(), target, max(1, round(scale * 72)))
            images[number] = str(target)
            page.close()
    finally:
        document.close()
    return {"images": images}


def _find(request: dict) -> dict:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(request["path"])
    try:
        page = document[int(request["page"]) - 1]
        if page.get_rotation():
            return {"crop": list(page.get_cropbox()), "boxes": []}  # boxes on a turned page would land elsewhere
        text = page.get_textpage()
        boxes = []
        for word in request["words"][:20]:
            searcher = text.search(word, match_case=False)
            while len(boxes) < 2000 and (found := searcher.get_next()) is not None:
                start, count = found
                boxes += [list(text.get_rect(index)) for index in range(text.count_rects(start, count))]
        return {"crop": list(page.get_cropbox()), "boxes": boxes}
    finally:
        document.close()


def _merge(request: dict) -> dict:
    import pypdf

    replaced = {int(k): v for k, v in request["pages"].items()}
    writer = pypdf.PdfWriter()
    try:
        reader = pypdf.PdfReader(request["path"], strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        originals = list(reader.pages)
    except Exception:
        originals = []
    if not originals and not replaced:
        return {"ok": False}
    count = len(originals) or max(replaced)
    for number in range(1, count + 1):
        if number in replaced:
            writer.add_page(pypdf.PdfReader(replaced[number]).pages[0])
        elif number <= len(originals):
            writer.add_page(originals[number - 1])
        else:
            return {"ok": False}
    with open(request["output"], "wb") as handle:
        writer.write(handle)
    return {"ok": True}


def _encode(answer: dict) -> bytes:
    return json.dumps(answer, default=str).encode() + b"\n"


def serve(memory_mb: int) -> None:
    """The child's loop: one JSON request per line on stdin, one JSON answer per line out."""
    _limit_resources(memory_mb)
    # Libraries that print must not corrupt the answers: answers go to a private copy of stdout.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    import logging
    import warnings

    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    handlers = {"read": _read, "render": _render, "merge": _merge, "find": _find}
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            answer = handlers[request["op"]](request)
        except MemoryError:
            answers.write(_encode({"crash": "The file needs more memory to read than is allowed, so it was stopped."}))
            answers.flush()
            sys.exit(3)
        except Exception as error:
            if request["op"] == "read":
                answer = {"state": "failed", "error": f"The file could not be read ({type(error).__name__}: {error})."[:500]}
            else:
                answer = {"crash": f"The file could not be processed ({type(error).__name__})."}
        answers.write(_encode(answer))
        answers.flush()


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_MEMORY_MB)
