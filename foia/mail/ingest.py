"""One ingest service for uploads, `foia import` and IMAP: every email and file is kept, parsed and matched.

An email goes through a chain of small steps (preflight, dedupe, parse, store raw, match, store
message and documents, tell the request), each of which may stop it with a reason. Each input is
committed on its own, so one unreadable file never takes the others with it.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency
from foia.documents.intake import ZipRefused, expand_zip_to_disk, is_zip, sniff_type, store_document
from foia.documents.models import Document
from foia.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from foia.mail.match import match_request
from foia.mail.models import Direction, Message, MessageKind
from foia.mail.parse import (Attachment, Kind, ParsedMessage, UnreadableMessage, looks_like_email, looks_like_mbox,
                             might_be_email, parse_message, safe_filename)
from foia.mail.reply_status import note_suggestion
from foia.ports import BlobStore, local_date
from foia.requests.access import MAILBOX_SCOPE, intake_scope, match_candidates_clause, workable_request_ids
from foia.requests.access import message_visible_clause as access_message_visible_clause
from foia.requests.models import FoiaRequest, Status
from foia.requests.timeline import add_event
from foia.search.models import SearchChange

#: The largest single email or file accepted.
MAX_INPUT_BYTES = 512 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class ImportSummary:
    """What an import did, in the shape of `foia import --json`."""

    messages: int = 0
    documents: int = 0
    duplicates: int = 0
    unmatched: int = 0
    errors: list[dict] = field(default_factory=list)
    #: Ids of the messages added, for the summary page.
    message_ids: list[int] = field(default_factory=list)
    #: Where each stored email or file went: {"name", "kind" (message|document), "id", "request_id", "request"}.
    placed: list[dict] = field(default_factory=list)

    def place(self, name: str, kind: str, item_id: int, request: FoiaRequest | None) -> None:
        self.placed.append({"name": name, "kind": kind, "id": item_id, "request_id": request.id if request else None,
                            "request": request.tracking_code if request else None})

    def as_json(self) -> dict:
        return {"messages": self.messages, "documents": self.documents, "duplicates": self.duplicates,
                "unmatched": self.unmatched, "errors": self.errors}


@dataclass
class Intake:
    """Where received things go and who brought them."""

    session: Session
    blobs: BlobStore
    now: datetime
    actor: User | None = None
    #: upload | import | imap
    source: str = "import"
    #: Put everything on this request instead of matching (upload on a request page, --request).
    request: FoiaRequest | None = None
    summary: ImportSummary = field(default_factory=ImportSummary)

    @property
    def scope(self) -> str:
        """Whose copy this mail is (access.intake_scope)."""
        return intake_scope(self.actor, self.source)

    @property
    def uploader_id(self) -> int | None:
        return self.actor.id if self.actor is not None and self.source != "imap" else None

    def same_copy_clause(self, request_column, scope_column):
        """SQL condition: rows this intake would duplicate (its own scope, or requests the actor works on)."""
        if self.scope == MAILBOX_SCOPE:
            return scope_column == MAILBOX_SCOPE
        return sa.or_(scope_column == self.scope, request_column.in_(workable_request_ids(self.actor)))


class Skip(Exception):
    """Stops the chain for one input with a reason (a duplicate, or an error)."""

    def __init__(self, reason: str, duplicate: bool = False):
        super().__init__(reason)
        self.duplicate = duplicate


# --- emails -------------------------------------------------------------------------------------

def _preflight(raw: bytes) -> None:
    if not raw or not raw.strip():
        raise Skip("the file is empty")
    if len(raw) > MAX_INPUT_BYTES:
        raise Skip(f"larger than {MAX_INPUT_BYTES // 1024 ** 2} MB")


def _dedupe(intake: Intake, raw_sha256: str) -> None:
    """The same bytes already in this intake's own copy (or on a request its user works on)."""
    same = intake.same_copy_clause(Message.request_id, Message.intake_scope)
    if intake.session.exec(select(Message.id).where(Message.raw_sha256 == raw_sha256, same)).first() is not None:
        raise Skip("already imported", duplicate=True)


_BOUNDARY = re.compile(rb'boundary\s*=\s*"?([^";\s]+)"?', re.IGNORECASE)


def _body_bytes(raw: bytes) -> bytes:
    """The body as sent, with line endings and MIME boundaries (which mailers make up afresh) evened out."""
    raw = raw.replace(b"\r\n", b"\n")
    end = raw.find(b"\n\n")
    body = raw[end + 2:].rstrip() if end >= 0 else b""
    for boundary in set(_BOUNDARY.findall(raw)):
        body = body.replace(boundary, b"BOUNDARY")
    return body


def _same_message_id(intake: Intake, parsed: ParsedMessage, raw: bytes) -> None:
    """A message with this Message-ID is a duplicate when it says the same (relays add only headers);
    a different mail that reuses the Message-ID is kept as well, without it. Only this intake's own copy
    (and the requests its user works on) is compared: nobody learns of mail they cannot see."""
    session, blobs = intake.session, intake.blobs
    if not parsed.message_id:
        return
    known = session.exec(select(Message).where(Message.message_id == parsed.message_id,
                                               intake.same_copy_clause(Message.request_id, Message.intake_scope))
                         .order_by(Message.id)).first()
    if known is None:
        return
    same = known.direction == Direction.outbound
    if not same and (known.from_address, known.subject) == (clean(parsed.from_address), clean(parsed.subject)):
        try:
            same = _body_bytes(blobs.read(known.raw_blob_key)) == _body_bytes(raw)
        except Exception:  # noqa: BLE001 - the known raw is unreadable: compare what was read of it
            same = known.body_text.strip() == clean(parsed.text).strip()
    if same:
        raise Skip("already imported", duplicate=True)
    parsed.warnings.append(f"Message #{known.id} has the same Message-ID <{parsed.message_id}> but says something "
                           "else; both are kept.")
    if known.intake_scope == intake.scope:
        parsed.message_id = None


def clean(text: str) -> str:
    """Text every database stores: no NUL characters, no unpaired surrogates."""
    text = text or ""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _parse(raw: bytes) -> ParsedMessage:
    try:
        parsed = parse_message(raw)
    except UnreadableMessage as error:
        raise Skip(str(error)) from None
    # Every text read from the mail goes into queries and rows: PostgreSQL refuses NUL, every database surrogates.
    for name, value in vars(parsed).items():
        if isinstance(value, str):
            setattr(parsed, name, clean(value))
        elif isinstance(value, list) and value and isinstance(value[0], str):
            setattr(parsed, name, [clean(item) for item in value])
    if parsed.message_id is not None:
        parsed.message_id = parsed.message_id[:998] or None
    return parsed


def _kind(parsed: ParsedMessage) -> MessageKind:
    return {Kind.auto_reply: MessageKind.auto_reply, Kind.bounce: MessageKind.bounce}.get(parsed.kind, MessageKind.reply)


def _store_message(intake: Intake, parsed: ParsedMessage, raw_key: str, raw_sha256: str,
                   request: FoiaRequest | None, reason: str) -> Message:
    message = Message(
        request_id=request.id if request else None, direction=Direction.inbound, kind=_kind(parsed),
        message_id=clean(parsed.message_id)[:998] or None, in_reply_to=clean(parsed.in_reply_to),
        references=clean(" ".join(parsed.references)),
        from_address=clean(parsed.from_address)[:998], from_name=clean(parsed.from_name)[:998],
        to_addresses=clean(", ".join(parsed.to)), cc_addresses=clean(", ".join(parsed.cc)), subject=clean(parsed.subject),
        sent_at=parsed.date, received_at=intake.now, body_text=clean(parsed.text), body_html=clean(parsed.html),
        raw_blob_key=raw_key, raw_sha256=raw_sha256, match_reason=clean(reason)[:300], source=intake.source,
        intake_scope=intake.scope, parse_warnings=[clean(w)[:1000] for w in parsed.warnings],
        imported_by_id=intake.uploader_id,
        created_at=intake.now, updated_at=intake.now)
    intake.session.add(message)
    intake.session.flush()
    intake.session.add(SearchChange(item_type="message", item_id=message.id, op="upsert", at=intake.now))
    return message


def _attachment_files(message: Message, filename: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """An attachment's files: itself, or a zip's members one at a time (unpacked to disk, within caps)."""
    if not is_zip(data, filename):
        yield filename, data
        return
    with tempfile.TemporaryDirectory(prefix="foia-zip-") as folder:
        try:
            for member in expand_zip_to_disk(data, folder):
                if member.problem:
                    message.parse_warnings = [*message.parse_warnings,
                                              clean(f"{filename}/{member.name} was left in the archive: {member.problem}.")]
                    continue
                yield safe_path(f"{filename}/{member.name}"), member.path.read_bytes()
        except ZipRefused as error:
            message.parse_warnings = [*message.parse_warnings, clean(f"{filename} was kept unopened: {error}.")]
            yield filename, data


def _store_attachments(intake: Intake, message: Message, attachments: list[Attachment]) -> int:
    stored = 0
    for attachment in attachments:
        filename = safe_filename(attachment.filename)
        for name, data in _attachment_files(message, filename, attachment.data):
            if not data:
                continue
            result = store_document(intake.session, intake.blobs, data=data, filename=name,
                                    request_id=message.request_id, message_id=message.id, now=intake.now,
                                    uploaded_by_id=intake.uploader_id)
            stored += 1
            intake.summary.documents += 1  # a file the request already had is linked to it, still listed here
    return stored


def _mark_agency_failing(intake: Intake, parsed: ParsedMessage, request: FoiaRequest | None) -> Agency | None:
    agency = None
    if intake.scope != MAILBOX_SCOPE and request is None:
        return None  # a user's upload speaks only for the requests they work on
    if parsed.failed_recipient and intake.scope == MAILBOX_SCOPE:
        agency = intake.session.exec(select(Agency).where(
            sa.func.lower(Agency.foia_email) == parsed.failed_recipient.lower())).first()
    if agency is None and request is not None:
        candidate = intake.session.get(Agency, request.agency_id)
        if candidate and (not parsed.failed_recipient or candidate.foia_email.lower() == parsed.failed_recipient):
            agency = candidate
    if agency is not None:
        if agency.email_failing_since is None:
            agency.email_failing_since = intake.now
        agency.email_failing_reason = (parsed.bounce_reason or parsed.subject or "mail bounced")[:2000]
        agency.updated_at = intake.now
    return agency


def _tell_request(intake: Intake, message: Message, parsed: ParsedMessage, request: FoiaRequest,
                  documents: int, agency: Agency | None) -> None:
    sender = parsed.from_name or parsed.from_address or "unknown sender"
    files = f" with {documents} attachment{'s' if documents != 1 else ''}" if documents else ""
    if message.kind == MessageKind.bounce:
        address = parsed.failed_recipient or (agency.foia_email if agency else "the agency")
        summary = f"Mail to {address} bounced: {parsed.bounce_reason or parsed.subject}."
        if agency is not None:
            summary += f" {agency.name}'s email address is marked as failing."
    elif message.kind == MessageKind.auto_reply:
        summary = f"Automatic reply from {sender}: {parsed.subject or '(no subject)'}"
    else:
        summary = f"Reply from {sender}{files}: {parsed.subject or '(no subject)'}"
        note_suggestion(message, request)
    add_event(intake.session, request, intake.actor, "message", summary, intake.now,
              detail={"message_id": message.id, "kind": message.kind.value, "match_reason": message.match_reason})


def ingest_email(intake: Intake, raw: bytes) -> Message | None:
    """Keep, parse and match one email; None when it was already there (counted as a duplicate)."""
    session = intake.session
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        _preflight(raw)
        _dedupe(intake, raw_sha256)
        parsed = _parse(raw)
        _same_message_id(intake, parsed, raw)
    except Skip as skip:
        if skip.duplicate:
            intake.summary.duplicates += 1
            return None
        raise
    raw_key = intake.blobs.put(raw)
    if intake.request is not None:
        request, reason = intake.request, f"{intake.source} to {intake.request.tracking_code}"
    else:
        request, reason = match_request(session, parsed, match_candidates_clause(intake.actor, intake.source))
    try:
        message = _store_message(intake, parsed, raw_key, raw_sha256, request, reason)
    except sa.exc.IntegrityError:  # the same mail arrived at the same moment through another way in
        session.rollback()
        intake.summary.duplicates += 1
        return None
    documents = _store_attachments(intake, message, parsed.attachments)
    agency = _mark_agency_failing(intake, parsed, request) if message.kind == MessageKind.bounce else None
    if request is not None:
        _tell_request(intake, message, parsed, request, documents, agency)
    intake.summary.messages += 1
    intake.summary.unmatched += request is None
    intake.summary.message_ids.append(message.id)
    intake.summary.place(parsed.subject or "(no subject)", "message", message.id, request)
    return message


# --- files --------------------------------------------------------------------------------------

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
    intake.summary.errors.append({"path": clean(label), "reason": " ".join(clean(reason).split())[:500]})


def ingest_item(intake: Intake, label: str, action: Callable[[], object], raw: bytes | None = None,
                name: str = "") -> None:
    """Run one input's chain in its own transaction; a failure becomes an `errors` entry.

    With raw, bytes that cannot be taken in as what they claim to be are still kept as a Document,
    and the entry says which.
    """
    try:
        action()
        intake.session.commit()
        return
    except Skip as skip:
        intake.session.rollback()
        if skip.duplicate:
            intake.summary.duplicates += 1
            return
        reason = str(skip)
    except Exception as error:  # noqa: BLE001 - a file we cannot handle must never stop the import
        intake.session.rollback()
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
        result = store_document(intake.session, intake.blobs, data=raw, filename=_document_name(name),
                                request_id=request.id if request else None, message_id=None, now=intake.now,
                                skip_existing=True, uploaded_by_id=intake.uploader_id)
        intake.session.commit()
    except Exception as error:  # noqa: BLE001
        intake.session.rollback()
        key = intake.blobs.put(raw)
        return f"its bytes were kept as blob {key} ({type(error).__name__})"
    if result is None:
        return None
    intake.summary.place(_document_name(name), "document", result.document.id, request)
    where = f"on {request.tracking_code}" if request else "in the holding pen"
    return f"kept as a file {where} (document {result.document.id})"


def _document_name(label: str) -> str:
    return safe_filename(label.replace("\\", "/").rsplit("/", 1)[-1]) or "file"


def safe_path(name: str) -> str:
    """A stored file name that may keep the folders it came in (a zip's), never leaving them ("..")."""
    parts = [safe_filename(p) for p in name.replace("\\", "/").split("/") if p.strip() not in ("", ".", "..")]
    return "/".join(parts)[-480:] or "file"


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
        with tempfile.TemporaryDirectory(prefix="foia-zip-") as folder:
            try:
                for member in expand_zip_to_disk(data, folder):
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


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox: split only at From_ lines that carry a date, after a blank line or at the start.

    "From " lines inside bodies (unescaped by careless writers) stay in their message; LF or CRLF both work.
    """
    starts = [m.start() for m in _FROM_LINE.finditer(data)
              if m.start() == 0 or data[max(0, m.start() - 4):m.start()].endswith((b"\n\n", b"\n\r\n"))
              or not data[:m.start()].strip()]
    if not starts:
        return [data] if data.strip() else []
    chunks = []
    if data[:starts[0]].strip():  # something before the first separator is kept too
        chunks.append(data[:starts[0]])
    for start, end in zip(starts, starts[1:] + [len(data)]):
        chunk = data[start:end]
        newline = chunk.find(b"\n")
        body = chunk[newline + 1:] if newline >= 0 else b""
        if body.endswith(b"\r\n\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n\n"):
            body = body[:-1]
        if body.strip():
            chunks.append(body)
    return chunks


def ingest_mbox(intake: Intake, path: Path, label: str) -> None:
    """Every message of an mbox file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        _error(intake, label, f"cannot read: {error.strerror or error}")
        return
    ingest_mbox_bytes(intake, data, label)


def ingest_mbox_bytes(intake: Intake, data: bytes, label: str) -> None:
    """Every message of mbox bytes; a piece that is no email is kept as a file with an `errors` entry."""
    messages = split_mbox(data)
    if not messages:
        _error(intake, label, "the mbox holds no messages")
    for number, raw in enumerate(messages, 1):
        item = f"{label}#{number}"
        if might_be_email(raw) or looks_like_email(raw):
            ingest_raw_email(intake, item, raw, f"{Path(label).name}-{number}.eml")
        else:
            _error_keeping(intake, item, "not an email (no mail headers)", f"{Path(label).name}-{number}.txt", raw)


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
                    ingest_bytes(intake, path.name, path.read_bytes(), label)
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


# --- holding pen: assignment, status confirmation ---------------------------------------------------

def message_visible_clause(actor: User | None, now: datetime):
    """SQL condition: messages the actor may see (access.message_visible_clause)."""
    return access_message_visible_clause(actor, now)


def get_visible_message(session: Session, actor: User | None, message_id: int, now: datetime) -> Message:
    """The message if the actor may see it; NotFound otherwise."""
    message = session.exec(select(Message).where(Message.id == message_id,
                                                  message_visible_clause(actor, now))).first()
    if message is None:
        raise NotFound("message")
    return message


def assign_messages(session: Session, actor: User, now: datetime, message_ids: list[int], request_id: int) -> list[Message]:
    """Put holding-pen (or misfiled) messages and their files on a request the actor works on."""
    from foia.requests.access import get_workable_request

    if not message_ids:
        raise ValidationError("Choose at least one message.", {"message_ids": "Choose at least one message."})
    request = get_workable_request(session, actor, request_id, now)
    messages = []
    for message_id in dict.fromkeys(message_ids):
        message = get_visible_message(session, actor, message_id, now)
        if message.request_id is not None and message.request_id != request.id:
            get_workable_request(session, actor, message.request_id, now)
        if message.request_id == request.id:
            continue
        message.request_id = request.id
        message.match_reason = f"assigned by {actor.public_name}"
        message.updated_at = now
        session.add(SearchChange(item_type="message", item_id=message.id, op="upsert", at=now))
        documents = session.exec(select(Document).where(Document.message_id == message.id)).all()
        for document in documents:
            document.request_id = request.id
            document.updated_at = now
            session.add(SearchChange(item_type="document", item_id=document.id, op="upsert", at=now))
        if message.kind == MessageKind.reply:
            note_suggestion(message, request)
        what = {MessageKind.bounce: "Bounce", MessageKind.auto_reply: "Automatic reply"}.get(message.kind, "Message")
        add_event(session, request, actor, "message",
                  f"{what} from {message.from_name or message.from_address or 'unknown sender'} assigned: "
                  f"{message.subject or '(no subject)'}", now, detail={"message_id": message.id})
        messages.append(message)
    session.commit()
    return messages


def _event_date(message: Message, request: FoiaRequest, now: datetime) -> date:
    today = local_date(now)
    when = local_date(message.sent_at) if message.sent_at else local_date(message.received_at)
    if when > today or (request.submitted_on and when < request.submitted_on):
        return today
    return when


def apply_suggested_status(session: Session, actor: User, now: datetime, message_id: int,
                           follow_up_days: int = 10) -> FoiaRequest:
    """The user confirmed the status a reply suggested: change the request's status through its service."""
    from foia.requests import services

    message = get_visible_message(session, actor, message_id, now)
    if message.request_id is None or not message.suggested_status:
        raise InvalidTransition("This message suggests no status change.")
    request = session.get(FoiaRequest, message.request_id)
    status = Status(message.suggested_status)
    try:
        request = services.change_status(session, actor, request.id, status, _event_date(message, request, now), now,
                                         note=f"Suggested by the reply “{message.subject}”",
                                         follow_up_days=follow_up_days)
    except NotFound:
        raise NotAllowed("Only the requester and their team can change this request.") from None
    message.suggested_status = None
    message.suggested_status_reason = ""
    session.commit()
    return request


def dismiss_suggested_status(session: Session, actor: User, now: datetime, message_id: int) -> Message:
    """Forget a suggested status the user does not agree with."""
    from foia.requests.access import get_workable_request

    message = get_visible_message(session, actor, message_id, now)
    if message.request_id is not None:
        get_workable_request(session, actor, message.request_id, now)
    message.suggested_status = None
    message.suggested_status_reason = ""
    session.commit()
    return message


def set_message_private(session: Session, actor: User | None, now: datetime, message_id: int, private: bool) -> Message:
    """Mark a message (and the files that came with it) private to those who work on its request, or shared again."""
    from foia.requests.access import can_work_on_content

    message = get_visible_message(session, actor, message_id, now)
    if message.request_id is None or not can_work_on_content(session, actor, message.request_id, None):
        raise NotAllowed("Only the requester and their team can change who sees this message.")
    message.is_private = private
    message.updated_at = now
    session.add(SearchChange(item_type="message", item_id=message.id, op="upsert", at=now))
    for document in session.exec(select(Document).where(Document.message_id == message.id)).all():
        document.is_private = private
        document.updated_at = now
        session.add(SearchChange(item_type="document", item_id=document.id, op="upsert", at=now))
    return message
