"""The outbox: every outgoing email is a row until the mail server accepted it.

Callers `enqueue` in the same transaction as the change that caused the mail, so a letter is never
recorded as sent without being queued, nor queued for a change that was rolled back.
`dispatch_due` (run by the scheduler every 30 s) claims rows one at a time with a compare-and-set
UPDATE, delivers them, and marks them sent; on failure it retries with exponential backoff and after
the last try marks the row failed with the error for people to see. A row left in "sending" by a
process that died is taken again after SENDING_TIMEOUT.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.mail.models import DeliveryState, OutboxMessage
from foia.mail.transport import PermanentDeliveryError
from foia.ports import OutgoingEmail

#: Tries before a message is marked failed.
MAX_ATTEMPTS = 8
#: First retry after this long (FOIA_OUTBOX_RETRY_SECONDS); each further one waits twice as long, up to BACKOFF_MAX.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
#: A claim older than this belongs to a process that died mid-send.
SENDING_TIMEOUT = timedelta(minutes=10)


def worker_name() -> str:
    """Who claims rows: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def message_domain(sender: str) -> str:
    """The domain Message-IDs are made in: the sending address's."""
    return sender.rsplit("@", 1)[-1].strip(">").strip() or "localhost"


def new_message_id(sender: str) -> str:
    """A fresh, globally unique Message-ID header value (with angle brackets)."""
    return make_msgid(domain=message_domain(sender))


class HeaderInjection(ValueError):
    """A line break (or another control character) in a subject or address: it would start a new header."""


def one_line(text: str, what: str = "subject") -> str:
    """Text for a header, refused when it holds a line break or control character."""
    if any(c in text for c in "\r\n\x00") or any(ord(c) < 32 and c != "\t" for c in text):
        raise HeaderInjection(f"The {what} may not contain line breaks or control characters.")
    return text


def address(addr_spec: str, display_name: str = "") -> Address:
    """One address header item, its display name quoted by the email package (commas, brackets and all)."""
    name = " ".join("".join(c if c.isprintable() else " " for c in display_name or "").split())
    addr_spec = one_line(addr_spec.strip(), "address")
    if not addr_spec or "@" not in addr_spec or any(c in addr_spec for c in " ,<>\"();:"):
        raise HeaderInjection(f"{addr_spec!r} is not a single email address.")
    return Address(display_name=name, addr_spec=addr_spec)


def build_message(email: OutgoingEmail, sender: str, now: datetime, *, sender_name: str = "") -> tuple[bytes, str]:
    """Render an OutgoingEmail to RFC 5322 bytes; returns (raw, Message-ID header).

    Every address is an email.headerregistry.Address (display names quoted), and a subject or address
    with a line break raises HeaderInjection: no header can carry a second sender or recipient."""
    message = EmailMessage()
    message["From"] = address(sender, sender_name)
    message["To"] = [address(to) for to in email.to]
    if email.cc:
        message["Cc"] = [address(cc) for cc in email.cc]
    if email.reply_to:
        message["Reply-To"] = address(email.reply_to)
    message["Subject"] = one_line(email.subject)
    message["Date"] = format_datetime(now)
    message_id = email.message_id or new_message_id(sender)
    message["Message-ID"] = message_id
    for name, value in (email.headers or {}).items():
        message[name] = value
    message.set_content(email.body)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    # SMTP wants CRLF line ends; with bare LF a server sees one endless line.
    return message.as_bytes(policy=policy.SMTP), message_id


def enqueue(session: Session, email: OutgoingEmail, *, sender: str, purpose: str, now: datetime,
            message_row_id: int | None = None, sender_name: str = "", sent_by_id: int | None = None) -> OutboxMessage:
    """Queue one email in the caller's transaction (nothing is sent until the caller commits)."""
    raw, message_id = build_message(email, sender, now, sender_name=sender_name)
    row = OutboxMessage(message_id=message_row_id, purpose=purpose, sender=sender, sent_by_id=sent_by_id,
                        recipients=", ".join([*email.to, *(email.cc or [])]), raw=raw,
                        message_id_header=message_id, state=DeliveryState.queued, next_attempt_at=now,
                        created_at=now)
    session.add(row)
    return row


def backoff(attempts: int, base: timedelta = BACKOFF_BASE) -> timedelta:
    """How long to wait after the `attempts`-th failed try."""
    return min(base * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due_condition(now: datetime):
    table = OutboxMessage.__table__.c
    return sa.or_(
        sa.and_(table.state == DeliveryState.queued, table.next_attempt_at <= now),
        sa.and_(table.state == DeliveryState.sending, table.claimed_at < now - SENDING_TIMEOUT),
    )


def claim(session: Session, row_id: int, now: datetime) -> bool:
    """Take one due row for sending (compare-and-set); False when another process got it first."""
    table = OutboxMessage.__table__
    result = session.execute(
        sa.update(table).where(table.c.id == row_id, _due_condition(now))
        .values(state=DeliveryState.sending, claimed_at=now, attempts=table.c.attempts + 1)
    )
    session.commit()
    return result.rowcount == 1


def _finish(session: Session, row_id: int, claimed_at: datetime, **values) -> None:
    table = OutboxMessage.__table__
    session.execute(sa.update(table).where(table.c.id == row_id, table.c.state == DeliveryState.sending,
                                           table.c.claimed_at == claimed_at).values(**values))
    session.commit()


def deliver_one(session: Session, mailer, row: OutboxMessage, now: datetime, *,
                backoff_base: timedelta = BACKOFF_BASE) -> bool:
    """Deliver a claimed row and record the outcome; True when the server accepted it."""
    recipients = [r.strip() for r in row.recipients.split(",") if r.strip()]
    try:
        mailer.deliver(row.raw, row.sender, recipients)
    except Exception as error:  # any failure of the transport: keep the row and say why
        message = str(error) or type(error).__name__
        attempts = row.attempts
        if isinstance(error, PermanentDeliveryError) or attempts >= MAX_ATTEMPTS:
            _finish(session, row.id, now, state=DeliveryState.failed, last_error=
                    f"Not delivered after {attempts} tr{'y' if attempts == 1 else 'ies'}: {message}")
        else:
            _finish(session, row.id, now, state=DeliveryState.queued,
                    next_attempt_at=now + backoff(attempts, backoff_base), last_error=f"Try {attempts} failed: {message}")
        return False
    _finish(session, row.id, now, state=DeliveryState.sent, sent_at=now, last_error="")
    _mark_message_sent(session, row, now)
    return True


def _mark_message_sent(session: Session, row: OutboxMessage, now: datetime) -> None:
    if row.message_id is None:
        return
    from foia.mail.models import Message

    message = session.get(Message, row.message_id)
    if message is not None and message.sent_at is None:
        message.sent_at = now
        message.updated_at = now
        session.commit()


def dispatch_due(runtime, *, limit: int = 100) -> int:
    """Send every due outbox row (claimed one by one); return how many the server accepted."""
    sent = 0
    now = runtime.clock.now()
    backoff_base = timedelta(seconds=runtime.config.get("OUTBOX_RETRY_SECONDS") or BACKOFF_BASE.total_seconds())
    with runtime.session() as session:
        ids = session.exec(select(OutboxMessage.id).where(_due_condition(now))
                           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
        session.rollback()
        for row_id in ids:
            if not claim(session, row_id, now):
                continue
            row = session.get(OutboxMessage, row_id)
            session.refresh(row)
            session.commit()  # hold no transaction (nor SQLite's write lock) while the mail server answers
            if deliver_one(session, runtime.mailer, row, now, backoff_base=backoff_base):
                sent += 1
    return sent


def retry(session: Session, row: OutboxMessage, now: datetime) -> None:
    """Put a failed message back in the queue (a person fixed the address or the server)."""
    if row.state == DeliveryState.failed:
        row.state = DeliveryState.queued
        row.attempts = 0
        row.next_attempt_at = now
        session.add(row)
