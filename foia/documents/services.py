"""Documents: who may see them, their pages and embedded emails, retrying, and storing an extraction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page, PageMethod
from foia.documents.release import FoundMessage
from foia.errors import InvalidTransition, NotFound
from foia.requests.access import can_work_on, visible_request_ids
from foia.requests.models import FoiaRequest
from foia.search.models import SearchChange

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


def _imported_by(actor: User):
    """Holding-pen documents that came with a message the actor imported (mail ingest records who)."""
    from foia.mail.models import Message

    imported = select(Message.id).where(Message.request_id.is_(None), Message.imported_by_id == actor.id)
    return sa.and_(Document.request_id.is_(None), Document.message_id.in_(imported))


def visible_documents_clause(actor: User | None, now: datetime):
    """SQL condition: documents the actor may see (holding-pen ones only to admins and their importer)."""
    if actor is not None and actor.is_admin:
        return sa.true()
    on_visible_request = Document.request_id.in_(visible_request_ids(actor, now))
    if actor is None:
        return on_visible_request
    return sa.or_(on_visible_request, _imported_by(actor))


def get_visible_document(session: Session, actor: User | None, document_id: int, now: datetime) -> Document:
    """The document if the actor may see it; NotFound otherwise."""
    document = session.exec(select(Document).where(Document.id == document_id,
                                                   visible_documents_clause(actor, now))).first()
    if document is None:
        raise NotFound("document")
    return document


def can_work_on_document(session: Session, actor: User | None, document: Document) -> bool:
    """Whether the actor may act on the document (retry its extraction)."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    if document.request_id is None:
        return session.exec(select(Document.id).where(Document.id == document.id, _imported_by(actor))).first() is not None
    request = session.get(FoiaRequest, document.request_id)
    return request is not None and can_work_on(session, actor, request)


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
    conditions = [visible_documents_clause(actor, now)]
    if state:
        conditions.append(Document.state == ExtractionState(state))
    if request_id is not None:
        conditions.append(Document.request_id == request_id)
    counts = session.exec(
        select(sa.func.count(), sa.func.count().filter(Document.state.in_(FINISHED))).select_from(Document)
        .where(*conditions)).one()
    number = max(1, number)
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


def request_documents(session: Session, request_id: int) -> list[Document]:
    """A request's documents in the order they arrived (the caller has checked the request is visible)."""
    return list(session.exec(select(Document).where(Document.request_id == request_id).order_by(Document.id)))


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
        from foia.errors import NotAllowed

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


def store_extraction(session: Session, document_id: int, worker: str, extraction: Extraction, now: datetime) -> bool:
    """Replace the document's pages and embedded emails; False (nothing stored) if the claim was lost."""
    still_ours = session.execute(
        sa.update(Document).where(Document.id == document_id, Document.state == ExtractionState.extracting,
                                  Document.claimed_by == worker).values(updated_at=now))
    if still_ours.rowcount != 1:
        session.rollback()
        return False
    document = session.get(Document, document_id)
    existing = {page.number: page for page in document_pages(session, document)}
    changed: list[Page] = []
    for extracted in extraction.pages:
        page = existing.pop(extracted.number, None)
        if page is None:
            page = Page(document_id=document_id, number=extracted.number)
        elif page.text == extracted.text and page.method == extracted.method:
            continue
        page.text = extracted.text
        page.method = extracted.method
        page.updated_at = now
        session.add(page)
        changed.append(page)
    removed = [page.id for page in existing.values()]
    for page in existing.values():
        session.delete(page)
    session.flush()
    session.add_all([SearchChange(item_type="page", item_id=page.id, op="upsert", at=now) for page in changed])
    session.add_all([SearchChange(item_type="page", item_id=page_id, op="delete", at=now) for page_id in removed])

    session.execute(sa.delete(EmbeddedMessage).where(EmbeddedMessage.document_id == document_id))
    session.add_all([EmbeddedMessage(document_id=document_id, sender=m.sender, recipients=m.recipients,
                                     sent_at=m.sent_at, sent_text=m.sent_text, subject=m.subject,
                                     page_start=m.page_start, page_end=m.page_end) for m in extraction.messages])
    document.state = extraction.state
    document.error = extraction.error
    document.page_count = len(extraction.pages) if extraction.pages else document.page_count
    if extraction.state in (ExtractionState.failed, ExtractionState.encrypted, ExtractionState.unsupported) \
            and not extraction.pages:
        document.page_count = None
    document.details = extraction.details or document.details
    document.ocr_used = extraction.ocr_pages > 0
    document.searchable_pdf_key = extraction.searchable_pdf_key
    document.claimed_at = None
    document.claimed_by = None
    document.updated_at = now
    session.add(document)
    session.commit()
    return True
