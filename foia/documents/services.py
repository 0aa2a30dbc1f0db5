"""Documents as people see them: finding those the actor may see (foia.requests.access decides), their
pages and embedded emails, the holding pen's files, retrying an extraction, marking one private.

Storing what extraction found is the write side's job: foia.documents.extractions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page
from foia.errors import InvalidTransition, NotAllowed, NotFound
from foia.pagination import clamp
from foia.requests.access import can_work_on_document, document_visible_clause, visible_request_ids
from foia.requests.models import FoiaRequest
from foia.search.changes import record_change

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
    session.flush()
    return document

