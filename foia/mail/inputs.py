"""Where received things come in: paths and folders (`foia import`), uploads, mbox files and zips.

Each input is routed to what it is (an email, an mbox of emails, a zip of files, a plain document)
and taken in within its own transaction, so one unreadable file never takes the others with it.
Emails go on to the chain in foia.mail.ingest.
"""
from __future__ import annotations

import io
import itertools
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from foia.documents.intake import ZipRefused, store_document, unpack_zip
from foia.errors import DomainError
from foia.mail.ingest import MAX_INPUT_BYTES, EmailBatch, ImportSummary, Intake, Skip, ingest_email
from foia.requests.timeline import add_event
from foia.text.clean import storable
from foia.text.filenames import safe_filename, safe_path
from foia.text.sniff import OLE_MAGIC, is_zip, looks_like_email, looks_like_mbox, might_be_email, sniff_type


#: An mbox import commits every BATCH_SIZE messages, or after BATCH_SECONDS (other writers wait meanwhile).
BATCH_SIZE = 100
BATCH_SECONDS = 1.0
#: An mbox's messages are read ahead (parsed and looked up together, foia.mail.ingest.EmailBatch) by up to
#: BATCH_SIZE messages or READ_AHEAD_BYTES of them, whichever comes first: memory holds that much mail.
READ_AHEAD_BYTES = 8 * 1024 * 1024


class BatchNotSaved(DomainError):
    """The database refused to commit a batch of several inputs: the import stops, and says so."""

    status_code = 503


def _write_batch(intake: Intake) -> None:
    """Write the messages the email batch took in, together; if they cannot be written together (one of
    them arrived meanwhile through another way in, or cannot be stored), take each in again alone, in its
    own savepoint, so that one fails as that message."""
    batch = intake.batch
    if batch is None or not batch.staged:
        return
    again = [item.source for item in batch.staged]
    try:
        with intake.session.begin_nested():
            batch.write()
    except Exception:  # noqa: BLE001 - what failed shows again below, on the message it belongs to
        intake.batch = None
        try:
            for label, name, raw in again:
                ingest_item(intake, label, lambda raw=raw: ingest_email(intake, raw), raw=raw, name=name, counted=True)
        finally:
            intake.batch = batch


def _commit(intake: Intake) -> None:
    """Make the blobs durable, then commit the rows that name them. A batch the database refuses stops
    the import (its messages must not be counted as taken in); one input alone fails as that input."""
    _write_batch(intake)
    intake.blobs.sync()
    try:
        intake.session.commit()
    except Exception as error:
        intake.session.rollback()
        lost, intake.uncommitted = intake.uncommitted, 0
        if lost > 1:
            raise BatchNotSaved(f"The database refused to save the last {lost} messages ({type(error).__name__}); "
                                "the import stopped there. Import the same file again: what was saved is "
                                "skipped as already imported, the rest is taken in.") from error
        raise
    intake.uncommitted = 0


def _taken(intake: Intake) -> None:
    """One input is in: commit now, or with the batch it belongs to."""
    if intake.uncommitted == 0:
        intake.batch_started = time.monotonic()
    intake.uncommitted += 1
    if intake.uncommitted >= intake.batch_size or time.monotonic() - intake.batch_started >= BATCH_SECONDS:
        _commit(intake)


@contextmanager
def _batched(intake: Intake, size: int | None = None) -> Iterator[None]:
    """Commit inputs by batches of `size` (or every BATCH_SECONDS) instead of one by one: each input still
    runs in its own savepoint, so a failing one rolls back alone. A crash loses at most the uncommitted
    batch, which importing the same file again takes in (the rest are duplicates)."""
    previous = intake.batch_size
    intake.batch_size = max(previous, size or BATCH_SIZE)
    try:
        with intake.blobs.batch():
            yield
            if intake.uncommitted:
                _commit(intake)
    finally:
        intake.batch_size = previous


def _is_mbox_name(name: str) -> bool:
    return name.lower().endswith((".mbox", ".mbx", ".mbs"))


def _is_email_bytes(name: str, data: bytes) -> bool:
    lower = name.lower()
    if lower.endswith((".eml", ".email", ".msg")) or data[:8] == OLE_MAGIC and lower.endswith(".msg"):
        return True
    if lower.endswith((".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".zip", ".doc")):
        return False
    return looks_like_email(data)


def _store_file(intake: Intake, name: str, data: bytes) -> int:
    request = intake.request
    result = store_document(intake.session, intake.blobs, data=data, filename=name,
                            request_id=request.id if request else None, message_id=None, now=intake.now,
                            skip_existing=True, uploaded_by_id=intake.uploader_id)
    if result is None:
        intake.summary.duplicates += 1
        return 0
    intake.summary.documents += 1
    intake.summary.place(name, "document", result.document.id, request)
    return 1


def _error(intake: Intake, label: str, reason: str) -> None:
    intake.summary.errors.append({"path": storable(label), "reason": " ".join(storable(reason).split())[:500]})


@contextmanager
def _undone_alone(intake: Intake, source: tuple) -> Iterator[None]:
    """What one input does is undone alone if it fails: its savepoint; in an email batch, where nothing of
    it is written yet, what it staged is dropped (and what it took in is kept with `source`, to take it in
    again alone if need be)."""
    if intake.batch is None:
        with intake.session.begin_nested():
            yield
        return
    try:
        yield
    except BaseException:
        intake.batch.drop()
        raise
    intake.batch.accept(source)


def ingest_item(intake: Intake, label: str, action: Callable[[], object], raw: bytes | None = None,
                name: str = "", counted: bool = False) -> None:
    """Run one input's chain in its own transaction; a failure becomes an `errors` entry.

    With raw, bytes that cannot be taken in as what they claim to be are still kept as a Document,
    and the entry says which. `counted`: the input is in the open batch's count already.
    """
    try:
        with _undone_alone(intake, (label, name, raw)):
            action()
        if not counted:
            _taken(intake)
        return
    except BatchNotSaved:
        raise
    except Skip as skip:
        if skip.duplicate:
            intake.summary.duplicates += 1
            return
        reason = str(skip)
    except Exception as error:  # noqa: BLE001 - a file we cannot handle must never stop the import
        reason = f"{type(error).__name__}: {error}"
    if raw:
        _error_keeping(intake, label, reason, name or label, raw)
    else:
        _error(intake, label, reason)


def _error_keeping(intake: Intake, label: str, reason: str, name: str, raw: bytes) -> None:
    """An `errors` entry for bytes kept as a file; the same bytes a second time are a duplicate."""
    where = _keep_as_document(intake, name, raw)
    if where is None:
        intake.summary.duplicates += 1
    else:
        _error(intake, label, f"{reason}; {where}")


def _keep_as_document(intake: Intake, name: str, raw: bytes) -> str | None:
    """Keep bytes we could not take in as a plain Document; say where they went (None: kept before)."""
    try:
        request = intake.request
        with intake.session.begin_nested():
            result = store_document(intake.session, intake.blobs, data=raw, filename=_document_name(name),
                                    request_id=request.id if request else None, message_id=None, now=intake.now,
                                    skip_existing=True, uploaded_by_id=intake.uploader_id)
        _taken(intake)
    except BatchNotSaved:
        raise
    except Exception as error:  # noqa: BLE001
        key = intake.blobs.put(raw)
        return f"its bytes were kept as blob {key} ({type(error).__name__})"
    if result is None:
        return None
    intake.summary.place(_document_name(name), "document", result.document.id, request)
    where = f"on {request.tracking_code}" if request else "in the holding pen"
    return f"kept as a file {where} (document {result.document.id})"


def _document_name(label: str) -> str:
    return safe_filename(label.replace("\\", "/").rsplit("/", 1)[-1]) or "file"


def ingest_bytes(intake: Intake, name: str, data: bytes, label: str | None = None) -> None:
    """Take in one uploaded or imported file: an email, an mbox, a zip of files, or a plain document."""
    label = label or name
    if not data:
        intake.summary.errors.append({"path": label, "reason": "the file is empty"})
        return
    if len(data) > MAX_INPUT_BYTES:
        intake.summary.errors.append({"path": label, "reason": f"larger than {MAX_INPUT_BYTES // 1024 ** 2} MB"})
        return
    lower = name.lower()
    if _is_mbox_name(name) or (not lower.endswith((".eml", ".email", ".msg")) and looks_like_mbox(data)
                               and len(split_mbox(data)) > 1):
        ingest_mbox_bytes(intake, data, label)
        return
    if is_zip(data, name):
        try:
            for member in unpack_zip(data):
                if member.problem:
                    intake.summary.errors.append({"path": f"{label}/{member.name}", "reason": member.problem})
                else:
                    ingest_bytes(intake, member.name, member.path.read_bytes(), f"{label}/{member.name}")
        except ZipRefused as error:
            intake.summary.errors.append({"path": label, "reason": f"zip refused: {error}"})
        return
    if _is_email_bytes(name, data):
        if data[:8] == OLE_MAGIC or looks_like_email(data) or might_be_email(data):
            ingest_raw_email(intake, label, data, name)
            return
        if name.lower().endswith((".eml", ".email", ".msg")):
            _error_keeping(intake, label, f"not an email (no mail headers; the bytes look like {sniff_type(data, '')})",
                           name, data)
            return
    ingest_item(intake, label, lambda: _file_with_event(intake, safe_path(name), data))


def ingest_raw_email(intake: Intake, label: str, raw: bytes, name: str = "") -> None:
    """One email in its own transaction; one that cannot be read at all is kept as a file with an `errors` entry."""
    ingest_item(intake, label, lambda: ingest_email(intake, raw), raw=raw,
                name=name or f"{label.rsplit('/', 1)[-1]}.eml")


def _file_with_event(intake: Intake, name: str, data: bytes) -> None:
    if _store_file(intake, name, data) and intake.request is not None:
        add_event(intake.session, intake.request, intake.actor, "document", f"File received: {name}", intake.now,
                  detail={"filename": name, "source": intake.source})


#: An mbox separator: "From " sender, then a date (asctime), perhaps a time zone or more after it.
_FROM_LINE = re.compile(rb"^From [^\r\n]*?(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                        rb" +\d{1,2} +\d{1,2}:\d\d(:\d\d)?[^\r\n]*?\d{4}[^\r\n]*\r?$", re.M)


def iter_mbox(handle: BinaryIO) -> Iterator[bytes]:
    """The messages of an mbox read from a file, one at a time (memory holds one message, never the file).

    Split only at From_ lines that carry a date, after a blank line or at the start: "From " lines
    inside bodies (unescaped by careless writers) stay in their message; LF or CRLF both work.
    Something before the first separator is kept as a message of its own; no separator at all: the
    whole file is one message.
    """
    current: list[bytes] | None = None  # the lines after the From_ line of the message being read
    before: list[bytes] = []  # the lines before the first From_ line
    previous, seen_text = b"", False
    for line in handle:
        if (line.startswith(b"From ") and (not seen_text or previous in (b"\n", b"\r\n"))
                and _FROM_LINE.match(line[:-1] if line.endswith(b"\n") else line)):
            if current is None:
                if seen_text:
                    yield b"".join(before)
                before = []
            else:
                yield from _mbox_message(current)
            current = []
        elif current is None:
            before.append(line)
        else:
            current.append(line)
        if not seen_text and line.strip():
            seen_text = True
        previous = line
    if current is None:
        if seen_text:
            yield b"".join(before)
    else:
        yield from _mbox_message(current)


def _mbox_message(lines: list[bytes]) -> Iterator[bytes]:
    body = b"".join(lines)
    lines.clear()
    if body.endswith(b"\r\n\r\n"):
        body = body[:-2]
    elif body.endswith(b"\n\n"):
        body = body[:-1]
    if body.strip():
        yield body


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of mbox bytes (iter_mbox's rule)."""
    return list(iter_mbox(io.BytesIO(data)))


def ingest_mbox_bytes(intake: Intake, data: bytes, label: str) -> None:
    """Every message of mbox bytes."""
    ingest_mbox(intake, iter_mbox(io.BytesIO(data)), label)


def _read_ahead(messages: Iterable[bytes]) -> Iterator[list[tuple[int, bytes, bool]]]:
    """An mbox's messages by groups of BATCH_SIZE or READ_AHEAD_BYTES: (number, bytes, whether an email)."""
    group: list[tuple[int, bytes, bool]] = []
    size = 0
    for number, raw in enumerate(messages, 1):
        group.append((number, raw, might_be_email(raw) or looks_like_email(raw)))
        size += len(raw)
        if len(group) >= BATCH_SIZE or size >= READ_AHEAD_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


def ingest_mbox(intake: Intake, messages: Iterable[bytes], label: str) -> None:
    """Every message of an mbox, committed by batches; a piece that is no email is kept as a file with an
    `errors` entry. Messages are read ahead in groups, each an EmailBatch written when it ends."""
    count = 0
    with _batched(intake):
        for group in _read_ahead(messages):
            intake.batch = EmailBatch(intake, [raw for _, raw, is_email in group if is_email])
            try:
                for number, raw, is_email in group:
                    count = number
                    item = f"{label}#{number}"
                    if is_email:
                        ingest_raw_email(intake, item, raw, f"{Path(label).name}-{number}.eml")
                    else:
                        _error_keeping(intake, item, "not an email (no mail headers)",
                                       f"{Path(label).name}-{number}.txt", raw)
                _write_batch(intake)
            finally:
                intake.batch = None
    if not count:
        _error(intake, label, "the mbox holds no messages")


def _ingest_path(intake: Intake, path: Path, label: str) -> None:
    """One file from disk; an mbox is read message by message, never whole."""
    name = path.name
    with path.open("rb") as handle:
        head = handle.read(65536)
        if _is_mbox_name(name) or (not name.lower().endswith((".eml", ".email", ".msg")) and looks_like_mbox(head)):
            handle.seek(0)
            messages = iter_mbox(handle)
            first = [*itertools.islice(messages, 2)]
            if _is_mbox_name(name) or len(first) > 1:
                if not head:
                    intake.summary.errors.append({"path": label, "reason": "the file is empty"})
                    return
                taken, first = iter(first), None  # the list goes once its two messages are taken
                ingest_mbox(intake, itertools.chain(taken, messages), label)
                return
    ingest_bytes(intake, name, path.read_bytes(), label)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file under folders named (hidden ones left out), in a stable order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
        else:
            found.append(path)
    return found


def ingest_paths(intake: Intake, paths: Iterable[str | Path], progress: Callable[[Path], None] | None = None) -> ImportSummary:
    """Import files and folders from disk (what `foia import` does)."""
    for path in expand_paths(paths):
        label = str(path)
        try:
            if not path.exists():
                intake.summary.errors.append({"path": label, "reason": "no such file or folder"})
            else:
                if path.stat().st_size > MAX_INPUT_BYTES:
                    intake.summary.errors.append({"path": label, "reason": "file too large"})
                else:
                    _ingest_path(intake, path, label)
        except OSError as error:
            intake.summary.errors.append({"path": label, "reason": f"cannot read: {error.strerror or error}"})
        if progress:
            progress(path)
    return intake.summary


def ingest_uploads(intake: Intake, files: Iterable[tuple[str, bytes]]) -> ImportSummary:
    """Import files sent through the web form (several at once, folders as relative paths)."""
    for name, data in files:
        ingest_bytes(intake, Path(name.replace("\\", "/")).name or "upload", data, name)
    return intake.summary
