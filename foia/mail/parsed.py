"""What parsing one email yields: the ParsedMessage and its Attachments, and the limits of reading."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from foia.mail.models import MessageKind


@dataclass
class Attachment:
    """A file that came with a message."""

    filename: str
    data: bytes
    declared_type: str = "application/octet-stream"


@dataclass
class ParsedMessage:
    """Everything read from one email."""

    message_id: str | None = None
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    x_original_to: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    kind: MessageKind = MessageKind.reply
    warnings: list[str] = field(default_factory=list)
    #: For bounces: the address that could not be reached, and why.
    failed_recipient: str = ""
    bounce_reason: str = ""
    #: Message-IDs of mail quoted back to us (a bounce's returned original).
    returned_message_ids: list[str] = field(default_factory=list)
    #: Addresses the returned original was sent from/to (a bounce of our letter carries our reply token).
    returned_addresses: list[str] = field(default_factory=list)

    @property
    def related_ids(self) -> list[str]:
        """Message-IDs this message answers or returns, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += list(reversed(self.references)) + self.returned_message_ids
        return list(dict.fromkeys(i for i in ids if i))

    @property
    def recipient_addresses(self) -> list[str]:
        return list(dict.fromkeys(self.to + self.cc + self.delivered_to + self.x_original_to))


#: Attachments read from one message; the rest stay in the raw message.
MAX_ATTACHMENTS = 500
#: How deep mail attached to mail is read.
MAX_DEPTH = 8


class UnreadableMessage(ValueError):
    """The bytes are not an email we can read."""
