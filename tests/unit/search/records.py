"""Searchable rows for the search tests, made by the factories (tests.factories)."""
from __future__ import annotations

from datetime import UTC, datetime

from foia.documents.models import Document, EmbeddedMessage
from foia.mail.models import Message
from foia.search.models import SearchChange
from tests.factories import Factories


def add_document(session, foia_request, pages: list[str], filename: str = "release.pdf",
                 content_type: str = "application/pdf", senders: list[tuple[str, datetime, int, int]] = ()) -> Document:
    """A document of the request (None: holding pen) whose pages have these texts, with emails printed in it."""
    document = Factories(session).document(foia_request, pages=pages, filename=filename, content_type=content_type)
    for sender, sent_at, start, end in senders:
        session.add(EmbeddedMessage(document_id=document.id, sender=sender, sent_at=sent_at,
                                    page_start=start, page_end=end))
    session.commit()
    return document


def add_message(session, foia_request, body: str, subject: str = "Your records request",
                sender: str = "records@agency.example.gov", sent_at: datetime | None = None) -> Message:
    """An inbound email of the request (None: holding pen)."""
    return Factories(session).message(foia_request, body, subject=subject, from_address=sender,
                                      sent_at=sent_at or datetime(2026, 2, 1, 12, tzinfo=UTC))


def change(session, item_type: str, item_id: int, op: str = "upsert") -> None:
    session.add(SearchChange(item_type=item_type, item_id=item_id, op=op))
    session.commit()
