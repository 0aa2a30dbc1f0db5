"""The email chain: one email kept, parsed, matched and stored with its files, and its request told.

An email goes through a chain of small steps (preflight, dedupe, parse, store raw, match, store
message and documents, tell the request), each of which may stop it with a reason. Where emails
come from (uploads, `foia import`, mbox files, zips, IMAP) is foia.mail.inputs' job; the chain runs
one way: inputs -> ingest -> parse -> match -> documents -> search.
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
from foia.documents.intake import ZipRefused, store_document, unpack_zip
from foia.mail.match import match_request
from foia.mail.models import Direction, Message, MessageKind
from foia.mail.parse import parse_message
from foia.mail.parsed import Attachment, ParsedMessage, UnreadableMessage
from foia.mail.reply_status import note_suggestion
from foia.ports import BlobStore
from foia.requests.access import MAILBOX_SCOPE, intake_scope, match_candidates_clause, workable_request_ids
from foia.requests.models import FoiaRequest
from foia.requests.timeline import add_event
from foia.search.changes import record_change
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
    if not same and (known.from_address, known.subject) == (storable(parsed.from_address), storable(parsed.subject)):
        try:
            same = _body_bytes(blobs.read(known.raw_blob_key)) == _body_bytes(raw)
        except Exception:  # noqa: BLE001 - the known raw is unreadable: compare what was read of it
            same = known.body_text.strip() == storable(parsed.text).strip()
    if same:
        raise Skip("already imported", duplicate=True)
    parsed.warnings.append(f"Message #{known.id} has the same Message-ID <{parsed.message_id}> but says something "
                           "else; both are kept.")
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


def _store_message(intake: Intake, parsed: ParsedMessage, raw_key: str, raw_sha256: str,
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
    intake.session.add(message)
    intake.session.flush()
    record_change(intake.session, "message", message.id, intake.now)
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


def _store_attachments(intake: Intake, message: Message, attachments: list[Attachment]) -> int:
    stored = 0
    for attachment in attachments:
        filename = safe_filename(attachment.filename)
        for name, data in _attachment_files(message, filename, attachment.data):
            if not data:
                continue
            store_document(intake.session, intake.blobs, data=data, filename=name,
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
    nested = session.in_nested_transaction()  # in ingest_item's savepoint, which undoes what fails
    try:
        with nullcontext() if nested else session.begin_nested():
            message = _store_message(intake, parsed, raw_key, raw_sha256, request, reason)
    except sa.exc.IntegrityError:  # the same mail arrived at the same moment through another way in
        if nested:
            raise Skip("already imported", duplicate=True) from None
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
