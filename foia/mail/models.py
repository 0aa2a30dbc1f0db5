"""Messages in and out, the outbox that delivers them, and the IMAP poller's memory."""
import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime, enum_type, utcnow
from foia.model_base import SQLModel


class Direction(str, enum.Enum):
    inbound = "inbound"
    outbound = "outbound"


class MessageKind(str, enum.Enum):
    """What a message is; auto-replies and bounces never change a request's status."""

    reply = "reply"
    auto_reply = "auto_reply"
    bounce = "bounce"
    letter = "letter"
    follow_up = "follow_up"
    appeal = "appeal"
    note = "note"


class Message(SQLModel, table=True):
    """An email to or from an agency; request_id None means it waits in the holding pen."""

    __table_args__ = (sa.UniqueConstraint("intake_scope", "message_id"),
                      sa.UniqueConstraint("intake_scope", "raw_sha256"),
                      # The dashboard's new replies and bounces: unread ones of a kind, newest first, without
                      # reading (and sorting) every message.
                      sa.Index("ix_message_unread", "kind", "read_at", "received_at", "id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: Optional[int] = Field(default=None, foreign_key="foia_request.id", index=True, ondelete="SET NULL")
    direction: Direction = Field(sa_type=enum_type(Direction))
    kind: MessageKind = Field(default=MessageKind.reply, sa_type=enum_type(MessageKind))
    #: The Message-ID header without angle brackets; unique within its intake scope when present.
    message_id: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(998), index=True))
    in_reply_to: str = Field(default="", sa_type=sa.Text)
    references: str = Field(default="", sa_type=sa.Text)
    from_address: str = Field(default="", max_length=998, index=True)
    from_name: str = Field(default="", max_length=998)
    to_addresses: str = Field(default="", sa_type=sa.Text)
    cc_addresses: str = Field(default="", sa_type=sa.Text)
    subject: str = Field(default="", sa_type=sa.Text)
    #: The Date header (UTC); None when missing or unparseable.
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    body_text: str = Field(default="", sa_type=sa.Text)
    #: Sanitized HTML body (no script, no remote content); "" when none.
    body_html: str = Field(default="", sa_type=sa.Text)
    #: BlobStore key of the raw message exactly as received or sent.
    raw_blob_key: Optional[str] = Field(default=None, max_length=64)
    #: sha256 of the raw bytes; dedupes messages that have no Message-ID.
    raw_sha256: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(64), index=True))
    #: Whose mail this is for deduplication: "mailbox" (the instance's own mail) or "user:<id>" (an upload):
    #: each user's copy of the same bytes is their own (access.intake_scope).
    intake_scope: str = Field(default="mailbox", max_length=32)
    #: Hidden from readers of a public request who do not work on it.
    is_private: bool = Field(default=False)
    #: How it was matched to its request (reply token, In-Reply-To, subject code, sender, by hand).
    match_reason: str = Field(default="", max_length=300)
    #: upload | import | imap | outbox
    source: str = Field(default="", max_length=32)
    #: Who uploaded or imported it; besides admins, the only one who sees it while in the holding pen.
    imported_by_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    #: Problems met while parsing (bad charset, broken MIME), shown on the message page.
    parse_warnings: list = Field(default_factory=list, sa_type=sa.JSON)
    #: A status suggested from the text, applied only when the user confirms.
    suggested_status: Optional[str] = Field(default=None, max_length=32)
    #: The sentence of the reply the suggestion rests on, shown with it.
    suggested_status_reason: str = Field(default="", sa_type=sa.Text)
    #: When someone working on the request first opened this reply; None: new, not yet read.
    read_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class ApprovedAddress(SQLModel, table=True):
    """An address an admin allowed letters to go to, besides agencies' own and those that wrote to a request."""

    __tablename__ = "approved_address"

    id: Optional[int] = Field(default=None, primary_key=True)
    #: Lower-case address.
    address: str = Field(sa_column=sa.Column(sa.String(254), unique=True, nullable=False))
    note: str = Field(default="", max_length=300)
    approved_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class DeliveryState(str, enum.Enum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class OutboxMessage(SQLModel, table=True):
    """An outgoing email kept until the server accepted it; retried with backoff."""

    __tablename__ = "outbox_message"

    id: Optional[int] = Field(default=None, primary_key=True)
    #: The Message row for letters to agencies; None for reminders to users.
    message_id: Optional[int] = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    #: letter | follow_up | appeal | reminder | digest
    purpose: str = Field(max_length=32)
    #: The user who had it sent (letters), counted against their daily sending limit.
    sent_by_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    sender: str = Field(max_length=998)
    #: Envelope recipients, comma-separated.
    recipients: str = Field(sa_type=sa.Text)
    #: The complete RFC 5322 message, so a restart can resend it byte for byte.
    raw: bytes = Field(sa_type=sa.LargeBinary)
    #: The Message-ID header; a server that already accepted it is not sent it again.
    message_id_header: str = Field(max_length=998)
    state: DeliveryState = Field(default=DeliveryState.queued, sa_type=enum_type(DeliveryState), index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    claimed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", sa_type=sa.Text)
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ImapFolderState(SQLModel, table=True):
    """What the IMAP poller has seen of one folder; a new UIDVALIDITY starts over."""

    __tablename__ = "imap_folder_state"
    __table_args__ = (sa.UniqueConstraint("account", "folder"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    account: str = Field(max_length=300)
    folder: str = Field(max_length=300)
    uidvalidity: int = Field(sa_type=sa.BigInteger)
    last_uid: int = Field(default=0, sa_type=sa.BigInteger)
    last_polled_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
