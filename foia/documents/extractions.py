"""What one extraction found, and storing it: the worker's write side (foia.documents.queue calls it).

Pages are matched by number, so extracting twice updates rows in place; the search index is told
of new, changed and removed pages (foia.search.changes).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from foia import db
from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page, PageMethod
from foia.documents.release import FoundMessage
from foia.search.changes import record_changes, record_page_changes


@dataclass
class ExtractedPage:
    """A page's text ready to store."""

    number: int
    text: str
    method: PageMethod


@dataclass
class Extraction:
    """Everything one extraction found, stored in one transaction."""

    state: ExtractionState
    error: str = ""
    pages: list[ExtractedPage] = field(default_factory=list)
    messages: list[FoundMessage] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    searchable_pdf_key: str | None = None

    @property
    def ocr_pages(self) -> int:
        return sum(1 for page in self.pages if page.method == PageMethod.ocr)


def store_extractions(engine: sa.engine.Engine, worker: str, results: list[tuple[int, Extraction]],
                      now: datetime) -> list[int]:
    """Replace the documents' pages and embedded emails in one write transaction; the ids stored.

    A document whose claim was lost (another worker has it now) is left alone. Pages are matched by
    number, so extracting twice updates rows in place; only new, changed or removed pages are told to
    the search index (search.changes.record_changes). Each kind of row is written with one statement for the batch.
    """
    page_table = Page.__table__
    with db.write_connection(engine) as connection, connection.begin():
        ours = {document_id: (page_count, details) for document_id, page_count, details in connection.execute(
            sa.update(Document).where(Document.id.in_([document_id for document_id, _ in results]),
                                      Document.state == ExtractionState.extracting, Document.claimed_by == worker)
            .values(updated_at=now).returning(Document.id, Document.page_count, Document.details))}
        results = [(document_id, extraction) for document_id, extraction in results if document_id in ours]
        if not results:
            return []
        ids = [document_id for document_id, _ in results]
        existing: dict[tuple[int, int], tuple] = {
            (document_id, number): (page_id, text, method) for page_id, document_id, number, text, method in
            connection.execute(sa.select(Page.id, Page.document_id, Page.number, Page.text, Page.method)
                               .where(Page.document_id.in_(ids)))}
        # A document read for the first time (most of them): its pages are inserted without RETURNING and
        # told to the search index by one INSERT ... SELECT, so no page id comes back through Python.
        read_before = {document_id for document_id, _number in existing}
        first_rows, new_rows, changed_rows, changed_ids = [], [], [], []
        for document_id, extraction in results:
            if document_id not in read_before:
                first_rows += [{"document_id": document_id, "number": page.number, "text": page.text,
                                "method": page.method, "updated_at": now} for page in extraction.pages]
                continue
            for page in extraction.pages:
                old = existing.pop((document_id, page.number), None)
                if old is None:
                    new_rows.append({"document_id": document_id, "number": page.number, "text": page.text,
                                     "method": page.method, "updated_at": now})
                elif (old[1], old[2]) != (page.text, page.method):
                    changed_rows.append({"page_id": old[0], "new_text": page.text, "new_method": page.method})
                    changed_ids.append(old[0])
        if first_rows:
            connection.execute(sa.insert(page_table), first_rows)
            record_page_changes(connection, [document_id for document_id, _ in results
                                             if document_id not in read_before], now)
        removed = [page_id for page_id, _text, _method in existing.values()]
        if removed:
            connection.execute(sa.delete(page_table).where(page_table.c.id.in_(removed)))
        record_changes(connection, [("page", page_id, "upsert") for page_id in changed_ids]
                       + [("page", page_id, "delete") for page_id in removed], now)

        connection.execute(sa.delete(EmbeddedMessage).where(EmbeddedMessage.document_id.in_(ids)))
        messages = [{"document_id": document_id, "sender": m.sender, "recipients": m.recipients, "sent_at": m.sent_at,
                     "sent_text": m.sent_text, "subject": m.subject, "page_start": m.page_start, "page_end": m.page_end}
                    for document_id, extraction in results for m in extraction.messages]
        if messages:
            connection.execute(sa.insert(EmbeddedMessage.__table__), messages)

        documents = []
        for document_id, extraction in results:
            page_count, details = ours[document_id]
            if extraction.pages:
                page_count = len(extraction.pages)
            elif extraction.state in (ExtractionState.failed, ExtractionState.encrypted, ExtractionState.unsupported):
                page_count = None
            documents.append({"document_id": document_id, "new_state": extraction.state, "new_error": extraction.error,
                              "new_page_count": page_count, "new_details": extraction.details or details or {},
                              "new_ocr_used": extraction.ocr_pages > 0,
                              "new_searchable_pdf_key": extraction.searchable_pdf_key})
        connection.execute(
            sa.update(Document.__table__).where(Document.__table__.c.id == sa.bindparam("document_id"))
            .values(state=sa.bindparam("new_state"), error=sa.bindparam("new_error"),
                    page_count=sa.bindparam("new_page_count"), details=sa.bindparam("new_details"),
                    ocr_used=sa.bindparam("new_ocr_used"), searchable_pdf_key=sa.bindparam("new_searchable_pdf_key"),
                    claimed_at=None, claimed_by=None, updated_at=now),
            documents)
    return ids
