"""Documents: finding those the actor may see (foia.requests.access decides), their pages and embedded emails,
retrying, and storing an extraction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page, PageMethod
from foia.documents.release import FoundMessage
from foia.errors import InvalidTransition, NotAllowed, NotFound
from foia.pagination import clamp
from foia.requests.access import can_work_on_document, document_visible_clause, visible_request_ids
from foia.requests.models import FoiaRequest
from foia.search.changes import record_change, record_changes

#: States in which extraction has finished, one way or another.
FINISHED = (ExtractionState.done, ExtractionState.needs_ocr, ExtractionState.encrypted,
            ExtractionState.failed, ExtractionState.unsupported)

STATE_LABELS = {
    ExtractionState.queued: "Waiting for extraction",
    ExtractionState.extracting: "Extracting",
    ExtractionState.done: "Text extracted",
    ExtractionState.needs_ocr: "Needs OCR",
    ExtractionState.encrypted: "Password protected",
    ExtractionState.failed: "Could not be read",
    ExtractionState.unsupported: "No text to extract",
}


def get_visible_document(session: Session, actor: User | None, document_id: int, now: datetime) -> Document:
    """The document if the actor may see it; NotFound otherwise."""
    document = session.exec(select(Document).where(Document.id == document_id,
                                                   document_visible_clause(actor, now))).first()
    if document is None:
        raise NotFound("document")
    return document


def set_private(session: Session, actor: User | None, document_id: int, private: bool, now: datetime) -> Document:
    """Mark a document private (only those who work on its request see it) or shared again."""
    document = get_visible_document(session, actor, document_id, now)
    if not can_work_on_document(session, actor, document):
        raise NotAllowed("Only the requester and their team can change who sees this document.")
    document.is_private = private
    document.updated_at = now
    record_change(session, "document", document.id, now)
    return document


def delete_held_document(session: Session, actor: User | None, document_id: int, now: datetime) -> Document:
    """Delete a file waiting in the holding pen (its bytes stay in the blob store if other rows use them)."""
    from foia.documents.models import EmbeddedMessage

    document = get_visible_document(session, actor, document_id, now)
    if document.request_id is not None:
        raise InvalidTransition("Only files in the holding pen can be deleted; this one is on a request.")
    if not can_work_on_document(session, actor, document):
        raise NotAllowed("Only the person who uploaded this file can delete it.")
    pages = session.exec(select(Page.id).where(Page.document_id == document.id)).all()
    for page_id in pages:
        record_change(session, "page", page_id, now, op="delete")
    session.exec(sa.delete(EmbeddedMessage).where(EmbeddedMessage.document_id == document.id))
    session.exec(sa.delete(Page).where(Page.document_id == document.id))
    session.exec(sa.update(Document).where(Document.duplicate_of_id == document.id).values(duplicate_of_id=None))
    session.delete(document)
    session.flush()
    return document


def assign_documents(session: Session, actor: User, now: datetime, document_ids: list[int], request_id: int) -> list[Document]:
    """Put holding-pen files on a request the actor works on; the caller commits."""
    from foia.requests.access import get_workable_request
    from foia.requests.timeline import add_event

    request = get_workable_request(session, actor, request_id, now)
    moved = []
    for document_id in dict.fromkeys(document_ids):
        document = get_visible_document(session, actor, document_id, now)
        if document.request_id == request.id:
            continue
        if document.request_id is not None or not can_work_on_document(session, actor, document):
            raise NotAllowed("Only files in your holding pen can be put on a request here.")
        document.request_id = request.id
        document.updated_at = now
        record_change(session, "document", document.id, now)
        add_event(session, request, actor, "document", f"File assigned: {document.filename}", now,
                  detail={"document_id": document.id})
        moved.append(document)
    session.flush()
    return moved


def held_documents(session: Session, actor: User | None, now: datetime, limit: int = 200) -> list[Document]:
    """Files in the holding pen the actor may see that came on their own (not attached to a message)."""
    return list(session.exec(select(Document).where(Document.request_id.is_(None), Document.message_id.is_(None),
                                                    document_visible_clause(actor, now))
                             .order_by(Document.id.desc()).limit(limit)))


@dataclass
class DocumentList:
    """One page of the documents list, with extraction progress over all that match."""

    documents: list[Document]
    total: int
    finished: int
    number: int
    per_page: int
    requests: dict[int, FoiaRequest] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100


def list_documents(session: Session, actor: User | None, now: datetime, *, state: str | None = None,
                   request_id: int | None = None, number: int = 1, per_page: int = 25) -> DocumentList:
    """Documents the actor may see, newest first, filtered by extraction state and request."""
    conditions = [document_visible_clause(actor, now)]
    if state:
        conditions.append(Document.state == ExtractionState(state))
    if request_id is not None:
        conditions.append(Document.request_id == request_id)
    counts = session.exec(
        select(sa.func.count(), sa.func.count().filter(Document.state.in_(FINISHED))).select_from(Document)
        .where(*conditions)).one()
    number = clamp(number, counts[0], per_page)
    documents = list(session.exec(select(Document).where(*conditions).order_by(Document.id.desc())
                                  .offset((number - 1) * per_page).limit(per_page)))
    request_ids = {d.request_id for d in documents if d.request_id is not None}
    requests = {r.id: r for r in session.exec(select(FoiaRequest).where(FoiaRequest.id.in_(request_ids)))} if request_ids else {}
    return DocumentList(documents=documents, total=counts[0], finished=counts[1], number=number,
                        per_page=per_page, requests=requests)


def filter_requests(session: Session, actor: User | None, now: datetime) -> list[FoiaRequest]:
    """Requests the actor may see that have documents, for the list's request filter."""
    with_documents = select(Document.request_id).where(Document.request_id.is_not(None))
    return list(session.exec(select(FoiaRequest).where(FoiaRequest.id.in_(visible_request_ids(actor, now)),
                                                       FoiaRequest.id.in_(with_documents))
                             .order_by(FoiaRequest.tracking_code)))


def request_documents(session: Session, actor: User | None, now: datetime, request_id: int) -> list[Document]:
    """A request's documents the actor may see, in the order they arrived."""
    return list(session.exec(select(Document).where(Document.request_id == request_id,
                                                    document_visible_clause(actor, now)).order_by(Document.id)))


def document_pages(session: Session, document: Document) -> list[Page]:
    """The document's pages in order."""
    return list(session.exec(select(Page).where(Page.document_id == document.id).order_by(Page.number)))


def embedded_messages(session: Session, document: Document) -> list[EmbeddedMessage]:
    """Emails found printed in the document, in page order."""
    return list(session.exec(select(EmbeddedMessage).where(EmbeddedMessage.document_id == document.id)
                             .order_by(EmbeddedMessage.page_start, EmbeddedMessage.id)))


def retry_extraction(session: Session, actor: User | None, document_id: int, now: datetime) -> Document:
    """Put a document back in the extraction queue."""
    document = get_visible_document(session, actor, document_id, now)
    if not can_work_on_document(session, actor, document):
        raise NotAllowed("Only the requester and their team can retry this document's extraction.")
    if document.state in (ExtractionState.queued, ExtractionState.extracting):
        raise InvalidTransition("This document is already waiting for extraction.")
    document.state = ExtractionState.queued
    document.error = ""
    document.attempts = 0
    document.claimed_at = None
    document.claimed_by = None
    document.updated_at = now
    session.add(document)
    session.commit()
    return document


# --- Used by the CLI (which acts with full access) and the extraction queue. ------------------

def all_documents(session: Session) -> list[Document]:
    """Every document, oldest first."""
    return list(session.exec(select(Document).order_by(Document.id)))


def document_text(session: Session, document_id: int) -> str:
    """The document's text, pages separated by form feeds."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"No document with id {document_id}.")
    return "\f".join(page.text for page in document_pages(session, document))


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
    from foia import db

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
        new_rows, changed_rows, changed_ids = [], [], []
        for document_id, extraction in results:
            for page in extraction.pages:
                old = existing.pop((document_id, page.number), None)
                if old is None:
                    new_rows.append({"document_id": document_id, "number": page.number, "text": page.text,
                                     "method": page.method, "updated_at": now})
                elif (old[1], old[2]) != (page.text, page.method):
                    changed_rows.append({"page_id": old[0], "new_text": page.text, "new_method": page.method})
                    changed_ids.append(old[0])
        if new_rows:
            inserted = connection.execute(
                sa.insert(page_table).returning(page_table.c.id, sort_by_parameter_order=True), new_rows)
            changed_ids += inserted.scalars().all()
        if changed_rows:
            connection.execute(
                sa.update(page_table).where(page_table.c.id == sa.bindparam("page_id"))
                .values(text=sa.bindparam("new_text"), method=sa.bindparam("new_method"), updated_at=now),
                changed_rows)
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
