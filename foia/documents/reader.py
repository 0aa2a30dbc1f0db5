"""The parent's side of reading a file's text: a long-lived child process with a time and a memory limit.

A hostile or broken file can only fail itself: the child is killed when it runs too long, and the
address-space limit turns runaway allocations into a clean failure. The parent talks to one
long-lived child per extraction lane (a JSON line in, a JSON line out) and starts a new one after
any failure, so the cost of starting Python is paid once, not once per file. `Reader.read_many`
keeps the next file's request in the pipe, so the child reads while the parent stores. What the
child does with each format is foia.documents.formats.
"""
from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from foia.documents.formats import DEFAULT_MEMORY_MB, MAX_RENDER_SIDE

#: Seconds one request to the child (read a file, render some pages) may take.
DEFAULT_TIME_LIMIT = 120
#: Read requests kept in the child's pipe at once (one being read, the next ones waiting), so the child has
#: files to read while the parent claims or stores (a store of a batch takes as long as reading two files).
PIPELINE_DEPTH = 4
#: Bytes the child's answer pipe holds (Linux; 64 KiB otherwise, two answers of 8 text pages): answers it has
#: written wait there, rather than the child waiting for the parent to read them.
ANSWER_PIPE_BYTES = 1 << 20


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
                [sys.executable, "-m", "foia.documents.formats", "--serve", str(self.memory_mb)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                cwd=str(Path(__file__).resolve().parents[2]), start_new_session=True)
            if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
                try:
                    fcntl.fcntl(self._process.stdout.fileno(), fcntl.F_SETPIPE_SZ, ANSWER_PIPE_BYTES)
                except OSError:  # above the system's pipe-max-size: the default size works, a little slower
                    pass
            self._buffer = b""
            self._in_flight = 0
        return self._process

    def start(self) -> None:
        """Start the child now (it imports its libraries while the caller prepares the first file)."""
        self._start()

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
            # a picture file is read by OCR only; a PDF's scanned page is "ocr" once Tesseract has read it
            pages.append(PageText(number=number, text=text, method="ocr" if image and answer.get("kind") != "pdf" else method,
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
               grayscale: bool = True, max_side: int = MAX_RENDER_SIDE, for_ocr: bool = False) -> dict[int, str]:
        """Render PDF pages (1-based numbers) to PNGs, at most `max_side` pixels long; returns {number: image path}.
        for_ocr: the pictures Tesseract reads (a scan's own JPEG, or the page in grey at 300 dpi, uncompressed)."""
        answer = self._ask({"op": "render", "path": str(path), "pages": numbers, "folder": str(folder), "dpi": dpi,
                            "grayscale": grayscale, "max_side": max_side, "for_ocr": for_ocr})
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
