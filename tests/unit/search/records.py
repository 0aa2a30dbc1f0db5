"""Builders for searchable rows: documents with pages, and messages, each logged as a SearchChange."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page
from foia.mail.models import Direction, Message
from foia.search.models import SearchChange


def add_document(session, foia_request, pages: list[str], filename: str = "release.pdf",
                 content_type: str = "application/pdf", senders: list[tuple[str, datetime, int, int]] = ()) -> Document:
    """A document of the request (None: holding pen) whose pages have these texts."""
    digest = hashlib.sha256(f"{filename}{pages}{datetime.now()}".encode()).hexdigest()
    document = Document(request_id=foia_request.id if foia_request else None, filename=filename,
                        content_type=content_type, sha256=digest, size=100, blob_key=digest,
                        page_count=len(pages), state=ExtractionState.done)
    session.add(document)
    session.flush()
    for number, text in enumerate(pages, start=1):
        page = Page(document_id=document.id, number=number, text=text)
        session.add(page)
        session.flush()
        session.add(SearchChange(item_type="page", item_id=page.id))
    for sender, sent_at, start, end in senders:
        session.add(EmbeddedMessage(document_id=document.id, sender=sender, sent_at=sent_at,
                                    page_start=start, page_end=end))
    session.commit()
    return document


def add_message(session, foia_request, body: str, subject: str = "Your records request",
                sender: str = "records@agency.example.gov", sent_at: datetime | None = None) -> Message:
    """An inbound email of the request (None: holding pen)."""
    message = Message(request_id=foia_request.id if foia_request else None, direction=Direction.inbound,
                      subject=subject, body_text=body, from_address=sender,
                      sent_at=sent_at or datetime(2026, 2, 1, 12, tzinfo=UTC))
    session.add(message)
    session.flush()
    session.add(SearchChange(item_type="message", item_id=message.id))
    session.commit()
    return message


def change(session, item_type: str, item_id: int, op: str = "upsert") -> None:
    session.add(SearchChange(item_type=item_type, item_id=item_id, op=op))
    session.commit()
