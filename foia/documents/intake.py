"""Files received become Documents: stored by content, typed by their bytes, zips unpacked within limits."""
from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.documents.models import Document, ExtractionState
from foia.ports import BlobStore
from foia.text.sniff import is_zip, sniff_type

#: Limits on unpacking one zip (with everything nested in it).
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL_BYTES = 2 * 1024 ** 3
#: The largest single file taken out of a zip.
ZIP_MAX_MEMBER_BYTES = 512 * 1024 ** 2
#: Unpacking copies this much at a time from the archive to disk.
_CHUNK = 1024 * 1024
ZIP_MAX_DEPTH = 3
ZIP_MAX_RATIO = 100


class ZipRefused(ValueError):
    """A zip that is not unpacked (a zip bomb, too deep, too many files, corrupt)."""


@dataclass
class StoredDocument:
    """The outcome of storing one file: the row, and whether the request already had these bytes."""

    document: Document
    duplicate: bool


@dataclass
class ZipMember:
    """One file out of a zip: where it was unpacked on disk, or why it was left in the archive."""

    name: str
    path: Path | None
    problem: str = ""


def expand_zip_to_disk(source, folder, *, depth: int = 0, budget: list[int] | None = None) -> Iterator[ZipMember]:
    """The files inside a zip (bytes or a path), nested zips too, each streamed to a file in `folder` and
    deleted after the caller had it: memory stays flat whatever the archive unpacks to.

    A member over ZIP_MAX_MEMBER_BYTES, or compressed suspiciously well, is yielded with its problem and
    skipped; an archive that is damaged, too deep, has too many files or unpacks to more than
    ZIP_MAX_TOTAL_BYTES raises ZipRefused (members already yielded stay taken)."""
    budget = budget if budget is not None else [ZIP_MAX_MEMBERS, ZIP_MAX_TOTAL_BYTES]
    folder = Path(folder)
    if depth >= ZIP_MAX_DEPTH:
        raise ZipRefused(f"zip archives are nested more than {ZIP_MAX_DEPTH} deep")
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ZipRefused(f"the zip archive is damaged ({error})") from None
    with archive:
        for info in [info for info in archive.infolist() if not info.is_dir()]:
            budget[0] -= 1
            if budget[0] < 0:
                raise ZipRefused(f"the zip archive holds more than {ZIP_MAX_MEMBERS} files")
            name = _member_name(info)
            if not name:
                continue
            problem = _member_problem(info, budget)
            if problem:
                yield ZipMember(name, None, problem)
                continue
            path = folder / f"member-{depth}-{ZIP_MAX_MEMBERS - budget[0]}"
            try:
                problem = _unpack(archive, info, path, budget)
                if problem:
                    yield ZipMember(name, None, problem)
                    continue
                with path.open("rb") as handle:
                    head = handle.read(4)
                if is_zip(head, name):
                    for inner in expand_zip_to_disk(path, folder, depth=depth + 1, budget=budget):
                        yield ZipMember(f"{name}/{inner.name}", inner.path, inner.problem)
                else:
                    yield ZipMember(name, path)
            finally:
                path.unlink(missing_ok=True)


def unpack_zip(data: bytes) -> Iterator[ZipMember]:
    """The files inside a zip, nested zips too, one at a time in a temporary folder removed afterwards:
    the one place zips are unpacked (uploads, imports and attachments alike)."""
    with tempfile.TemporaryDirectory(prefix="foia-zip-") as folder:
        yield from expand_zip_to_disk(data, folder)


def _member_problem(info: zipfile.ZipInfo, budget: list[int]) -> str:
    if info.file_size > ZIP_MAX_MEMBER_BYTES:
        return f"larger than {ZIP_MAX_MEMBER_BYTES // 1024 ** 2} MB unpacked; left in the archive"
    if info.file_size > budget[1]:
        raise ZipRefused("the zip archive unpacks to more than the allowed size")
    if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO and info.file_size > 1024 ** 2:
        return (f"compressed {info.file_size // info.compress_size}:1 (a zip bomb?); left in the archive")
    return ""


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, budget: list[int]) -> str:
    """Copy one member to `path`, counting what really comes out (headers may lie); a problem, or ""."""
    limit = min(ZIP_MAX_MEMBER_BYTES, budget[1], max(info.compress_size, 1) * ZIP_MAX_RATIO + 1024 ** 2)
    written = 0
    try:
        with archive.open(info) as source, path.open("wb") as target:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    if written > budget[1]:
                        raise ZipRefused("the zip archive unpacks to more than the allowed size")
                    return "unpacks to far more than its compressed size (a zip bomb?); left in the archive"
                target.write(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
        return f"cannot be read ({error})"
    finally:
        budget[1] -= written
    return ""


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: zipfile read it as cp437; most tools wrote cp1252 or UTF-8
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts or parts[-1].startswith("._") or "__MACOSX" in parts:
        return ""
    return "/".join(parts)[-480:]


@dataclass(frozen=True)
class NewDocument:
    """A file to keep as a Document, its bytes already in the blob store (keep_bytes)."""

    filename: str
    sha256: str
    size: int
    blob_key: str
    content_type: str
    request_id: int | None
    message_id: int | None
    uploaded_by_id: int | None = None

    @property
    def place(self) -> tuple:
        return _place(self.request_id, self.message_id, self.uploaded_by_id)


def keep_bytes(blobs: BlobStore, data: bytes, filename: str, *, request_id: int | None, message_id: int | None,
               uploaded_by_id: int | None = None, sha256: str | None = None) -> NewDocument:
    """Put a file's bytes in the blob store, hashed and typed: what its Document row needs, without the bytes."""
    return NewDocument((filename or "file")[:500], sha256 or hashlib.sha256(data).hexdigest(), len(data),
                       blobs.put(data), sniff_type(data, filename), request_id, message_id, uploaded_by_id)


def _place(request_id: int | None, message_id: int | None, uploaded_by_id: int | None) -> tuple:
    """Where the same bytes count as already there: the request; in the holding pen, where each uploader's
    files are their own, the message and the uploader."""
    return (request_id,) if request_id is not None else (None, message_id, uploaded_by_id)


def _in_place(place: tuple):
    if place[0] is not None:
        return Document.request_id == place[0]
    _, message_id, uploaded_by_id = place
    return sa.and_(Document.request_id.is_(None),
                   Document.message_id == message_id if message_id is not None else Document.message_id.is_(None),
                   Document.uploaded_by_id == uploaded_by_id if uploaded_by_id is not None
                   else Document.uploaded_by_id.is_(None))


def _originals(session: Session, wanted: set[tuple[str, tuple]]) -> dict[tuple[str, tuple], Document]:
    """The first document with each (sha256, place), among those that are no duplicate themselves: one query."""
    if not wanted:
        return {}
    query = select(Document).where(Document.sha256.in_({sha256 for sha256, _ in wanted}),
                                   Document.duplicate_of_id.is_(None),
                                   sa.or_(*[_in_place(place) for place in {place for _, place in wanted}]))
    found: dict[tuple[str, tuple], Document] = {}
    for document in session.exec(query.order_by(Document.id)):
        key = (document.sha256, _place(document.request_id, document.message_id, document.uploaded_by_id))
        if key in wanted:
            found.setdefault(key, document)
    return found


def add_documents(session: Session, files: list[NewDocument], now: datetime,
                  originals: dict[tuple[str, tuple], Document] | None = None) -> list[StoredDocument]:
    """Queued Documents for kept files, each linked (duplicate_of_id) to the first with the same bytes in its
    place: the originals are looked up in one query and the rows inserted together."""
    originals = dict(_originals(session, {(file.sha256, file.place) for file in files}) if originals is None
                     else originals)
    stored = []
    for file in files:
        key = (file.sha256, file.place)
        original = originals.get(key)
        if original is not None and original.id is None:
            session.flush()  # the original is an earlier file of these: its id is needed now
        document = Document(request_id=file.request_id, message_id=file.message_id, filename=file.filename,
                            uploaded_by_id=file.uploaded_by_id, content_type=file.content_type, sha256=file.sha256,
                            size=file.size, blob_key=file.blob_key,
                            duplicate_of_id=original.id if original is not None else None,
                            state=ExtractionState.queued, created_at=now, updated_at=now)
        session.add(document)
        originals.setdefault(key, document)
        stored.append(StoredDocument(document, original is not None))
    session.flush()
    return stored


def store_document(session: Session, blobs: BlobStore, *, data: bytes, filename: str, request_id: int | None,
                   message_id: int | None, now: datetime, skip_existing: bool = False,
                   uploaded_by_id: int | None = None) -> StoredDocument | None:
    """Store one file as a queued Document; bytes the request already has are linked via duplicate_of_id.

    With skip_existing, a file the request (or the holding pen) already has on its own is not added
    again and None comes back: importing the same folder twice adds nothing.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    key = (sha256, _place(request_id, message_id, uploaded_by_id))
    originals = _originals(session, {key})
    original = originals.get(key)
    if original is not None and skip_existing and original.message_id is None and message_id is None:
        return None
    kept = keep_bytes(blobs, data, filename, request_id=request_id, message_id=message_id,
                      uploaded_by_id=uploaded_by_id, sha256=sha256)
    [stored] = add_documents(session, [kept], now, originals)
    return stored
