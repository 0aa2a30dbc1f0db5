"""The email chain: one email kept, parsed, matched and stored with its files, and its request told.

An email goes through a chain of small steps (preflight, dedupe, parse, store raw, match, store
message and documents, tell the request), each of which may stop it with a reason. Where emails
come from (uploads, `foia import`, mbox files, zips, IMAP) is foia.mail.inputs' job; the chain runs
one way: inputs -> ingest -> parse -> match -> documents -> search.

Emails read together (an mbox's next messages) form an EmailBatch: parsed up front, looked up in the
database once for all, written together; any other email is a batch of its own.
"""
from __future__ import annotations

import hashlib
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterator

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency
from foia.documents.intake import NewDocument, ZipRefused, add_documents, keep_bytes, unpack_zip
from foia.mail.match import BatchKnowledge, match_request, requests_by_reply_token
from foia.mail.models import Direction, Message, MessageKind
from foia.mail.parse import parse_message
from foia.mail.parsed import Attachment, ParsedMessage, UnreadableMessage
from foia.mail.reply_status import note_suggestion
from foia.ports import BlobStore
from foia.requests.access import MAILBOX_SCOPE, intake_scope, match_candidates_clause, workable_request_ids
from foia.requests.models import FoiaRequest
from foia.requests.timeline import add_event
from foia.search.changes import record_changes
from foia.text.clean import storable
from foia.text.filenames import safe_filename, safe_path
from foia.text.sniff import is_zip

#: The largest single email or file accepted.
MAX_INPUT_BYTES = 512 * 1024 * 1024


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
    #: Inputs taken in since the last commit, and since when; commit after batch_size of them (foia.mail.inputs).
    uncommitted: int = 0
    batch_size: int = 1
    batch_started: float = 0.0
    #: The emails read ahead together that ingest_email takes from (an mbox's next messages), if any.
    batch: EmailBatch | None = None

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


_BOUNDARY = re.compile(rb'boundary\s*=\s*"?([^";\s]+)"?', re.IGNORECASE)


def _body_bytes(raw: bytes) -> bytes:
    """The body as sent, with line endings and MIME boundaries (which mailers make up afresh) evened out."""
    raw = raw.replace(b"\r\n", b"\n")
    end = raw.find(b"\n\n")
    body = raw[end + 2:].rstrip() if end >= 0 else b""
    for boundary in set(_BOUNDARY.findall(raw)):
        body = body.replace(boundary, b"BOUNDARY")
    return body


def _same_message_id(intake: Intake, batch: EmailBatch, parsed: ParsedMessage, raw: bytes) -> None:
    """A message with this Message-ID is a duplicate when it says the same (relays add only headers);
    a different mail that reuses the Message-ID is kept as well, without it. Only this intake's own copy
    (and the requests its user works on) is compared: nobody learns of mail they cannot see."""
    blobs = intake.blobs
    if not parsed.message_id:
        return
    known = batch.first_with_message_id(parsed.message_id)
    if known is None:
        return
    same = known.direction == Direction.outbound
    if not same and (known.from_address, known.subject) == (storable(parsed.from_address), storable(parsed.subject)):
        try:
            same = _body_bytes(blobs.read(known.raw_blob_key)) == _body_bytes(raw)
        except Exception:  # noqa: BLE001 - the known raw is unreadable: compare what was read of it
            same = known.body_text.strip() == storable(parsed.text).strip()
    if same:
        raise Skip("already imported", duplicate=True)
    which = f"Message #{known.id}" if known.id is not None else "A message taken in earlier in this import"
    parsed.warnings.append(f"{which} has the same Message-ID <{parsed.message_id}> but says something else; "
                           "both are kept.")
    if known.intake_scope == intake.scope:
        parsed.message_id = None


def _parse(raw: bytes) -> ParsedMessage:
    try:
        parsed = parse_message(raw)
    except UnreadableMessage as error:
        raise Skip(str(error)) from None
    # Every text read from the mail goes into queries and rows: PostgreSQL refuses NUL, every database surrogates.
    for name, value in vars(parsed).items():
        if isinstance(value, str):
            setattr(parsed, name, storable(value))
        elif isinstance(value, list) and value and isinstance(value[0], str):
            setattr(parsed, name, [storable(item) for item in value])
    if parsed.message_id is not None:
        parsed.message_id = parsed.message_id[:998] or None
    return parsed


def _new_message(intake: Intake, parsed: ParsedMessage, raw_key: str, raw_sha256: str,
                 request: FoiaRequest | None, reason: str) -> Message:
    message = Message(
        request_id=request.id if request else None, direction=Direction.inbound, kind=parsed.kind,
        message_id=storable(parsed.message_id)[:998] or None, in_reply_to=storable(parsed.in_reply_to),
        references=storable(" ".join(parsed.references)),
        from_address=storable(parsed.from_address)[:998], from_name=storable(parsed.from_name)[:998],
        to_addresses=storable(", ".join(parsed.to)), cc_addresses=storable(", ".join(parsed.cc)), subject=storable(parsed.subject),
        sent_at=parsed.date, received_at=intake.now, body_text=storable(parsed.text), body_html=storable(parsed.html),
        raw_blob_key=raw_key, raw_sha256=raw_sha256, match_reason=storable(reason)[:300], source=intake.source,
        intake_scope=intake.scope, parse_warnings=[storable(w)[:1000] for w in parsed.warnings],
        imported_by_id=intake.uploader_id,
        created_at=intake.now, updated_at=intake.now)
    if request is not None and message.kind not in (MessageKind.bounce, MessageKind.auto_reply):
        note_suggestion(message, request)  # before the insert: one statement, not an insert and an update
    return message


def _attachment_files(message: Message, filename: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """An attachment's files: itself, or a zip's members one at a time (unpacked to disk, within caps)."""
    if not is_zip(data, filename):
        yield filename, data
        return
    try:
        for member in unpack_zip(data):
            if member.problem:
                message.parse_warnings = [*message.parse_warnings,
                                          storable(f"{filename}/{member.name} was left in the archive: {member.problem}.")]
                continue
            yield safe_path(f"{filename}/{member.name}"), member.path.read_bytes()
    except ZipRefused as error:
        message.parse_warnings = [*message.parse_warnings, storable(f"{filename} was kept unopened: {error}.")]
        yield filename, data


def _attachment_documents(intake: Intake, message: Message, attachments: list[Attachment]) -> list[NewDocument]:
    """The message's files with their bytes kept, ready to become Documents (a zip's members one at a time)."""
    files = []
    for attachment in attachments:
        filename = safe_filename(attachment.filename)
        for name, data in _attachment_files(message, filename, attachment.data):
            if data:  # a file the request already had is linked to it, still counted
                files.append(keep_bytes(intake.blobs, data, name, request_id=message.request_id,
                                        message_id=message.id, uploaded_by_id=intake.uploader_id))
    return files


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
    add_event(intake.session, request, intake.actor, "message", summary, intake.now,
              detail={"message_id": message.id, "kind": message.kind.value, "match_reason": message.match_reason})


@dataclass
class _Read:
    """One email of a batch as read ahead: its bytes and their hash, then why it is refused, or its parse
    (none for bytes already imported: they are not parsed at all), or why it could not be parsed."""

    raw: bytes
    sha256: str
    refused: Skip | None = None
    parsed: ParsedMessage | None = None
    unreadable: Exception | None = None


@dataclass
class _Staged:
    """A message taken in and not written yet, with what its writing needs."""

    message: Message
    parsed: ParsedMessage
    request: FoiaRequest | None
    #: What the caller needs to take it in again alone, if the batch cannot be written together.
    source: object = None


class EmailBatch:
    """Emails read ahead together (an mbox's next messages), taken in with few round trips to the database.

    Each email is parsed once, up front; what the database holds of them all is asked in three queries
    (raw hashes, Message-IDs, reply tokens) instead of three per email. Each message taken in waits in
    `staged` and `write` inserts them together: one INSERT per table for messages, their documents,
    events and search changes. The lookups see the staged messages as if written, so the batch's own duplicates are found.
    A message that fails is dropped alone (`drop`): nothing of it was written.
    """

    def __init__(self, intake: Intake, raws: list[bytes]):
        self.intake = intake
        session, same = intake.session, intake.same_copy_clause(Message.request_id, Message.intake_scope)
        self._reads = {id(raw): _Read(raw, hashlib.sha256(raw).hexdigest()) for raw in raws}
        hashes = [read.sha256 for read in self._reads.values()]
        self._known_raw = set(session.exec(select(Message.raw_sha256).where(Message.raw_sha256.in_(hashes), same))
                              if hashes else ())
        for read in self._reads.values():
            try:
                _preflight(read.raw)
            except Skip as refused:
                read.refused = refused
                continue
            if read.sha256 not in self._known_raw:
                try:
                    read.parsed = _parse(read.raw)
                except Exception as error:  # noqa: BLE001 - raised again when this email is taken in
                    read.unreadable = error
        parsed = [read.parsed for read in self._reads.values() if read.parsed is not None]
        message_ids = {p.message_id for p in parsed if p.message_id}
        self._known_ids: dict[str, Message] = {}
        if message_ids:
            for known in session.exec(select(Message).where(Message.message_id.in_(message_ids), same)
                                      .order_by(Message.id)):
                self._known_ids.setdefault(known.message_id, known)
        tokens = {} if intake.request is not None else requests_by_reply_token(
            session, parsed, match_candidates_clause(intake.actor, intake.source))
        self.knowledge = BatchKnowledge(requests_by_token=tokens)
        self._taken_raw: set[str] = set()
        self._current: list[_Staged] = []
        self.staged: list[_Staged] = []

    def read(self, raw: bytes) -> _Read | None:
        """These very bytes as read ahead, or None when they are not in the batch."""
        read = self._reads.get(id(raw))
        return read if read is not None and read.raw is raw else None

    def dedupe(self, read: _Read) -> None:
        """The same bytes already in this intake's own copy (or on a request its user works on), or in the batch."""
        if read.sha256 in self._known_raw or read.sha256 in self._taken_raw:
            raise Skip("already imported", duplicate=True)

    def first_with_message_id(self, message_id: str) -> Message | None:
        """The oldest message of this intake's copy with this Message-ID, written or taken in by the batch."""
        return self._known_ids.get(message_id) or self.knowledge.unwritten.get(message_id)

    def stage(self, staged: _Staged) -> None:
        self._current.append(staged)

    def accept(self, source: object = None) -> None:
        """What the last input staged is taken in: it is written with the batch."""
        for staged in self._current:
            staged.source = source
            self._taken_raw.add(staged.message.raw_sha256)
            if staged.message.message_id:
                self.knowledge.unwritten.setdefault(staged.message.message_id, staged.message)
        self.staged += self._current
        self._current = []

    def drop(self) -> None:
        """The last input failed: what it staged is forgotten."""
        self._current = []

    def write(self) -> None:
        """Insert the staged messages, then their files, what each tells its request and their search changes
        (one statement each); the summary counts them once all is flushed."""
        staged, self.staged = self.staged, []
        if not staged:
            return
        intake, session = self.intake, self.intake.session
        session.add_all([item.message for item in staged])
        session.flush()
        files = [_attachment_documents(intake, item.message, item.parsed.attachments) for item in staged]
        add_documents(session, [file for group in files for file in group], intake.now)
        documents = [len(group) for group in files]
        for item, count in zip(staged, documents):
            agency = (_mark_agency_failing(intake, item.parsed, item.request)
                      if item.message.kind == MessageKind.bounce else None)
            if item.request is not None:
                _tell_request(intake, item.message, item.parsed, item.request, count, agency)
        record_changes(session.connection(), [("message", item.message.id, "upsert") for item in staged], intake.now)
        session.flush()
        summary = intake.summary
        for item, count in zip(staged, documents):
            summary.messages += 1
            summary.documents += count
            summary.unmatched += item.request is None
            summary.message_ids.append(item.message.id)
            summary.place(item.parsed.subject or "(no subject)", "message", item.message.id, item.request)


def ingest_email(intake: Intake, raw: bytes) -> Message | None:
    """Keep, parse and match one email; None when it was already there (counted as a duplicate).

    An email of intake.batch waits there to be written with the batch (its id comes then); any other is
    a batch of its own, written before this returns."""
    session = intake.session
    batch = intake.batch
    read = batch.read(raw) if batch is not None else None
    alone = read is None
    if alone:
        batch = EmailBatch(intake, [raw])
        read = batch.read(raw)
    try:
        if read.refused:
            raise read.refused
        batch.dedupe(read)
        if read.unreadable:
            raise read.unreadable
        parsed = read.parsed
        _same_message_id(intake, batch, parsed, raw)
    except Skip as skip:
        if skip.duplicate:
            intake.summary.duplicates += 1
            return None
        raise
    raw_key = intake.blobs.put(raw)
    if intake.request is not None:
        request, reason = intake.request, f"{intake.source} to {intake.request.tracking_code}"
    else:
        request, reason = match_request(session, parsed, match_candidates_clause(intake.actor, intake.source),
                                        batch.knowledge)
    message = _new_message(intake, parsed, raw_key, read.sha256, request, reason)
    batch.stage(_Staged(message, parsed, request))
    if not alone:
        return message
    batch.accept()
    nested = session.in_nested_transaction()  # in ingest_item's savepoint, which undoes what fails
    try:
        with nullcontext() if nested else session.begin_nested():
            batch.write()
    except sa.exc.IntegrityError:  # the same mail arrived at the same moment through another way in
        if nested:
            raise Skip("already imported", duplicate=True) from None
        intake.summary.duplicates += 1
        return None
    return message
