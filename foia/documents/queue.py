"""The extraction queue: claim a queued document atomically, read it, OCR it, store its pages.

A claim is one UPDATE of the next queued row: PostgreSQL picks the row with FOR UPDATE SKIP LOCKED
so any number of workers on any number of hosts never take the same document; SQLite runs the
same statement in a BEGIN IMMEDIATE transaction. A claim whose worker died (claimed too long ago
and still "extracting") goes back to the queue; after MAX_ATTEMPTS such deaths the document fails.
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from foia import db
from foia.documents import ocr
from foia.documents.reader import DEFAULT_MEMORY_MB, DEFAULT_TIME_LIMIT, Reader, ReaderFailed, Reading
from foia.documents.models import Document, ExtractionState, PageMethod
from foia.documents.release import split_release
from foia.documents.extractions import ExtractedPage, Extraction, store_extractions

log = logging.getLogger("foia.documents")

#: A claim older than this, still "extracting", belongs to a worker that died.
DEFAULT_CLAIM_TIMEOUT = timedelta(minutes=15)
#: Claims a document may lose to dead workers before it is marked failed (it may be what kills them).
MAX_ATTEMPTS = 3
DEAD_WORKER_REASON = ("Extraction was interrupted {n} times (the worker stopped while reading this file), "
                      "so it was given up. The file may be damaged or hostile.")
#: Scanned pages rendered and OCR'd per round; the claim is refreshed after each round.
OCR_BATCH_PER_CORE = 2
#: Documents a lane claims at once (small, so lanes and workers share the end of the queue; near its end each
#: lane claims its share). Each claim is a write transaction: 16 rather than 8 halves them.
CLAIM_BATCH = 16
#: A lane stores its results after this many documents or pages, in one transaction (the child reads on meanwhile).
STORE_BATCH = 32
STORE_BATCH_PAGES = 1000


def worker_name() -> str:
    """This worker's name in claims: host, process and a random suffix per lane."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claim_timeout(runtime) -> timedelta:
    seconds = runtime.config.get("EXTRACT_CLAIM_TIMEOUT")
    return timedelta(seconds=int(seconds)) if seconds else DEFAULT_CLAIM_TIMEOUT


def _write(engine: sa.engine.Engine, statement):
    """Run one write in its own transaction (BEGIN IMMEDIATE on SQLite) and return the result rows."""
    with db.write_connection(engine) as connection, connection.begin():
        result = connection.execute(statement)
        return result.all() if result.returns_rows else result.rowcount


def release_dead_claims(engine: sa.engine.Engine, now: datetime, timeout: timedelta = DEFAULT_CLAIM_TIMEOUT) -> int:
    """Return documents whose worker died to the queue (or fail them after MAX_ATTEMPTS); how many were freed."""
    cutoff = now - timeout
    stale = sa.and_(Document.state == ExtractionState.extracting,
                    sa.or_(Document.claimed_at.is_(None), Document.claimed_at < cutoff))
    given_up = sa.update(Document).where(stale, Document.attempts >= MAX_ATTEMPTS).values(
        state=ExtractionState.failed, error=DEAD_WORKER_REASON.format(n=MAX_ATTEMPTS),
        claimed_at=None, claimed_by=None, updated_at=now)
    requeued = sa.update(Document).where(stale, Document.attempts < MAX_ATTEMPTS).values(
        state=ExtractionState.queued, claimed_at=None, claimed_by=None, updated_at=now)
    return _write(engine, given_up) + _write(engine, requeued)


def claim_batch(engine: sa.engine.Engine, now: datetime, worker: str, limit: int = CLAIM_BATCH,
                lanes: int = 1) -> list[sa.Row]:
    """Claim up to `limit` of the oldest queued documents for `worker`, and with several lanes at most this lane's
    share of the queue (one lane must not hold the last scans alone): their (id, blob_key, filename, content_type)
    rows, oldest first; empty when none is queued. One transaction: the count, the claim and what the lane reads."""
    with db.write_connection(engine) as connection, connection.begin():
        if lanes > 1:
            queued = connection.execute(sa.select(sa.func.count()).select_from(Document)
                                        .where(Document.state == ExtractionState.queued)).scalar_one()
            limit = max(1, min(limit, -(-queued // lanes)))
        # A CTE is evaluated once: an IN (subquery) may be re-run per row on PostgreSQL and claim too many.
        next_queued = (sa.select(Document.id).where(Document.state == ExtractionState.queued)
                       .order_by(Document.id).limit(limit).with_for_update(skip_locked=True).cte("next_queued"))
        claim = (sa.update(Document).where(Document.id == next_queued.c.id, Document.state == ExtractionState.queued)
                 .values(state=ExtractionState.extracting, claimed_at=now, claimed_by=worker,
                         attempts=Document.attempts + 1, updated_at=now)
                 .returning(Document.id, Document.blob_key, Document.filename, Document.content_type))
        return sorted(connection.execute(claim).all())


def claim_next(engine: sa.engine.Engine, now: datetime, worker: str) -> int | None:
    """Claim the oldest queued document for `worker`; its id, or None when the queue is empty."""
    rows = claim_batch(engine, now, worker, 1)
    return rows[0].id if rows else None


def heartbeat(engine: sa.engine.Engine, document_id: int | None, worker: str, now: datetime) -> None:
    """Refresh a claim (or, without a document id, all of the worker's claims) so it is not taken for a dead worker's."""
    mine = [Document.claimed_by == worker, Document.state == ExtractionState.extracting]
    if document_id is not None:
        mine.append(Document.id == document_id)
    _write(engine, sa.update(Document).where(*mine).values(claimed_at=now))


def requeue_waiting_for_ocr(engine: sa.engine.Engine, now: datetime) -> int:
    """Documents that waited for Tesseract go back to the queue (call once Tesseract is installed)."""
    return _write(engine, sa.update(Document).where(Document.state == ExtractionState.needs_ocr,
                                                    Document.error == ocr.MISSING_REASON)
                  .values(state=ExtractionState.queued, attempts=0, updated_at=now))


def _reader(runtime) -> Reader:
    return Reader(time_limit=float(runtime.config.get("EXTRACT_TIME_LIMIT") or DEFAULT_TIME_LIMIT),
                  memory_mb=int(runtime.config.get("EXTRACT_MEMORY_MB") or DEFAULT_MEMORY_MB))


def _ocr_pages(runtime, renderer: Reader, reading: Reading, path: Path, folder: Path, tesseract: str,
               keep_alive) -> dict[int, str]:
    """OCR every page that needs it, in rounds; returns {page number: one-page searchable PDF}."""
    language = ocr.languages(runtime.config)
    waiting = [page for page in reading.pages if page.needs_ocr]
    pdfs: dict[int, str] = {}
    batch = OCR_BATCH_PER_CORE * (os.cpu_count() or 1)
    rounds = [waiting[start:start + batch] for start in range(0, len(waiting), batch)]

    def draw(pages) -> None:
        undrawn = [page for page in pages if not page.image]  # the reader drew a short scan's pages already
        if reading.kind == "pdf" and undrawn:
            images = renderer.render(path, [page.number for page in undrawn], folder=folder, for_ocr=True)
            for page in undrawn:
                page.image = images[page.number]

    # PDFium draws the next round while Tesseract reads this one, so the cores do not wait for the drawing.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="foia-ocr-draw") as drawer:
        drawn = drawer.submit(draw, rounds[0]) if rounds else None
        for number, pages in enumerate(rounds):
            drawn.result()
            if number + 1 < len(rounds):
                drawn = drawer.submit(draw, rounds[number + 1])
            results = ocr.ocr_images(tesseract, [page.image for page in pages], language=language,
                                     searchable_pdf=True)
            for page, result in zip(pages, results):
                Path(page.image).unlink(missing_ok=True)
                if isinstance(result, ocr.TesseractFailed):
                    raise result
                page.text, page.method, page.needs_ocr = result.text, "ocr", False
                if result.pdf:
                    pdfs[page.number] = result.pdf
            keep_alive()
    return pdfs


def finish_reading(runtime, reading: Reading, path: Path | None, folder: Path, renderer: Reader,
                   keep_alive=lambda: None) -> Extraction:
    """Turn what the child read into an Extraction: OCR of scanned pages, release splitting; never raises for a bad file."""
    extraction = Extraction(state=ExtractionState(reading.state), error=reading.error, details=reading.details)
    if reading.state != "done":
        return extraction
    if reading.kind == "pdf" and reading.engine:
        extraction.details = {**reading.details, "engine": reading.engine}
    if any(page.needs_ocr for page in reading.pages):
        tesseract = ocr.find_tesseract(runtime.config)
        if tesseract is None:
            extraction.state, extraction.error = ExtractionState.needs_ocr, ocr.MISSING_REASON
        else:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                pdfs = _ocr_pages(runtime, renderer, reading, path, folder, tesseract, keep_alive)
                if pdfs and reading.kind == "pdf" and len(reading.pages) == 1 == len(pdfs):
                    # A one-page scan: Tesseract's page is the whole searchable PDF, nothing to merge.
                    extraction.searchable_pdf_key = runtime.blobs.put(Path(next(iter(pdfs.values()))).read_bytes())
                elif pdfs:
                    output = folder / "searchable.pdf"
                    if renderer.merge(path if reading.kind == "pdf" else folder / "none.pdf", pdfs, output):
                        extraction.searchable_pdf_key = runtime.blobs.put(output.read_bytes())
            except (ReaderFailed, ocr.TesseractFailed) as error:
                return Extraction(state=ExtractionState.failed, error=str(error), details=reading.details)
    extraction.pages = [ExtractedPage(number=page.number, text=page.text, method=PageMethod(page.method))
                        for page in reading.pages]
    if reading.kind == "pdf":
        extraction.messages = split_release([page.text for page in reading.pages],
                                            runtime.config["DISPLAY_TIMEZONE"])
    return extraction


@dataclass
class Summary:
    """What a run of the queue did."""

    documents: int = 0
    pages: int = 0
    ocr_pages: int = 0
    failed: int = 0
    needs_ocr: int = 0

    def add(self, extraction: Extraction) -> None:
        self.documents += 1
        self.pages += len(extraction.pages)
        self.ocr_pages += extraction.ocr_pages
        if extraction.state in (ExtractionState.failed, ExtractionState.encrypted):
            self.failed += 1
        if extraction.state == ExtractionState.needs_ocr:
            self.needs_ocr += 1

    def as_json(self) -> dict:
        """The `foia extract --json` shape."""
        return {"documents": self.documents, "pages": self.pages, "ocr_pages": self.ocr_pages, "failed": self.failed}


@dataclass
class _Claimed:
    id: int
    path: Path | None
    filename: str
    content_type: str


def _claimed_documents(runtime, rows: list[sa.Row]) -> list[_Claimed]:
    from foia.documents.blobstore import BlobNotFound

    claimed = []
    for document_id, blob_key, filename, content_type in rows:
        try:
            path = runtime.blobs.path(blob_key)
        except (BlobNotFound, AttributeError):
            path = None
        claimed.append(_Claimed(document_id, path, filename, content_type))
    return claimed


class Lane:
    """One extraction lane: claims documents in small batches, reads them through its long-lived child
    (the next file is read while the last is stored), and stores the results in few transactions."""

    def __init__(self, runtime, reader: Reader, renderer: Reader, folder: Path, on_extracted=lambda e: None,
                 lanes: int = 1):
        self.runtime = runtime
        #: Lanes working the queue: near its end each claims its share, so they finish together.
        self.lanes = lanes
        self.reader = reader
        #: A second child, started only when a document needs OCR (the reader is busy with the next file).
        self.renderer = renderer
        self.folder = folder
        self.worker = worker_name()
        self.on_extracted = on_extracted
        self._unsaved: list[tuple[int, Extraction]] = []
        self._unsaved_pages = 0
        #: A lane refreshes all its claims when the last refresh (or the run's start) is this old, so reading
        #: claimed batches of slow files cannot outlast the claim timeout and have them taken for a dead worker's.
        self.refresh_after = _claim_timeout(runtime) / 3
        self._refreshed_at = runtime.clock.now()
        #: The queue came back empty: what is read from now on is stored at once, so the run does not end
        #: with a batch to store after the child has finished.
        self._drained = False

    def _queued(self, stop: threading.Event | None):
        while stop is None or not stop.is_set():
            rows = claim_batch(self.runtime.engine, self.runtime.clock.now(), self.worker, CLAIM_BATCH, self.lanes)
            if not rows:
                self._drained = True
                return
            for document in _claimed_documents(self.runtime, rows):
                folder = self.folder / str(document.id)
                yield document, {"path": document.path or self.folder / "missing", "filename": document.filename,
                                 "content_type": document.content_type, "folder": folder}

    def keep_alive(self) -> None:
        """Refresh this lane's claims during a long extraction (OCR, slow files)."""
        self._refreshed_at = self.runtime.clock.now()
        heartbeat(self.runtime.engine, None, self.worker, self._refreshed_at)

    def run(self, stop: threading.Event | None = None) -> int:
        """Extract until the queue is empty (or stop is set); how many documents were extracted."""
        count = 0
        self._drained = False
        self._refreshed_at = self.runtime.clock.now()  # no claim of this run is older
        try:
            for document, reading in self.reader.read_many(self._queued(stop)):
                folder = self.folder / str(document.id)
                try:
                    extraction = finish_reading(self.runtime, reading, document.path, folder, self.renderer,
                                                keep_alive=self.keep_alive)
                except Exception as error:  # a bug must not leave the document claimed forever
                    log.exception("extraction of document %s failed", document.id)
                    extraction = Extraction(state=ExtractionState.failed,
                                            error=f"Extraction failed unexpectedly ({type(error).__name__}).")
                finally:
                    if folder.exists():
                        shutil.rmtree(folder, ignore_errors=True)
                self._unsaved.append((document.id, extraction))
                self._unsaved_pages += len(extraction.pages)
                self.on_extracted(extraction)
                count += 1
                if self.runtime.clock.now() - self._refreshed_at > self.refresh_after:
                    self.keep_alive()
                if len(self._unsaved) >= STORE_BATCH or self._unsaved_pages >= STORE_BATCH_PAGES \
                        or extraction.ocr_pages or self._drained:
                    self.save()
        finally:
            self.save()
        return count

    def save(self) -> None:
        """Store the extractions read so far in one transaction."""
        if not self._unsaved:
            return
        results, self._unsaved, self._unsaved_pages = self._unsaved, [], 0
        stored = store_extractions(self.runtime.engine, self.worker, results, self.runtime.clock.now())
        for document_id, _ in results:
            if document_id not in stored:
                log.warning("document %s was reclaimed while this worker read it; its result was dropped", document_id)


@contextmanager
def _lane(runtime, on_extracted=lambda e: None, lanes: int = 1, start_reader: bool = False):
    with _reader(runtime) as reader, _reader(runtime) as renderer, \
            tempfile.TemporaryDirectory(prefix="foia-extract-") as folder:
        if start_reader:  # a run over a queued backlog: the child gets ready while the lane claims
            reader.start()
        yield Lane(runtime, reader, renderer, Path(folder), on_extracted, lanes)


def _lanes(runtime, lanes: int | None) -> int:
    return max(1, lanes or int(runtime.config.get("EXTRACT_LANES") or 0) or (os.cpu_count() or 1))


def _prepare(runtime) -> None:
    now = runtime.clock.now()
    release_dead_claims(runtime.engine, now, _claim_timeout(runtime))
    if ocr.find_tesseract(runtime.config):
        requeue_waiting_for_ocr(runtime.engine, now)


def run_until_empty(runtime, lanes: int | None = None) -> Summary:
    """Extract queued documents until none is left, one lane per core; the summary of what was done."""
    summary = Summary()
    lock = threading.Lock()

    def counted(extraction):
        with lock:
            summary.add(extraction)

    count = _lanes(runtime, lanes)
    with ExitStack() as stack:
        # The reader children start first: they import PDFium while dead claims are released.
        ready = [stack.enter_context(_lane(runtime, counted, count, start_reader=True)) for _ in range(count)]
        _prepare(runtime)
        threads = [threading.Thread(target=lane.run, name=f"foia-extract-{n}") for n, lane in enumerate(ready)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return summary


def work(runtime, stop_event: threading.Event, lanes: int | None = None, poll_seconds: float = 2.0) -> None:
    """Extract documents as they arrive until stop_event is set (`foia run`, `foia worker`)."""
    count = _lanes(runtime, lanes)

    def lane():
        with _lane(runtime, lanes=count) as this:
            while not stop_event.is_set():
                try:
                    if not this.run(stop_event):
                        stop_event.wait(poll_seconds)
                except Exception:
                    log.exception("extraction worker lane error")
                    stop_event.wait(poll_seconds * 5)

    def janitor():
        while not stop_event.is_set():
            try:
                _prepare(runtime)
            except Exception:
                log.exception("releasing dead claims failed")
            stop_event.wait(60)

    threads = [threading.Thread(target=janitor, name="foia-extract-janitor", daemon=True)]
    threads += [threading.Thread(target=lane, name=f"foia-extract-{n}", daemon=True)
                for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
