"""Bringing a search index up to date from the database, which stays the source of truth.

Extraction and mail ingest append SearchChange rows (page, message, document: all its pages);
each index remembers the last change it applied in its SearchWatermark row and asks for the
rest. An item is always read again from the database, so the change's `op` is only a hint:
a row that is gone is removed from the index, a row that exists is written as it is now.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Iterator

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.db import IMMEDIATE, new_session, utcnow
from foia.documents.models import Document, EmbeddedMessage, Page
from foia.mail.models import Message
from foia.requests.models import FoiaRequest
from foia.requests.access import content_scope, holder_of
from foia.search.index import IndexBatch, IndexItem, indexable_text, doc_type_of
from foia.search.models import SearchChange, SearchWatermark

log = logging.getLogger("foia.search")

#: Changes read and applied per round.
CHANGES_PER_ROUND = 5000
#: Rows loaded per query when rebuilding.
ROWS_PER_BATCH = 2000
#: On PostgreSQL a change with a lower id may commit after one with a higher id; changes this
#: recent are applied again on every run so none is skipped (applying twice does no harm).
LOOKBACK = timedelta(minutes=2)


def watermark(session: Session, name: str) -> SearchWatermark:
    """The watermark row of one index (created at 0 when new)."""
    mark = session.get(SearchWatermark, name)
    if mark is None:
        mark = SearchWatermark(index_name=name, last_change_id=0)
        session.add(mark)
    return mark


def save_watermark(session: Session, name: str, last_change_id: int, *, rebuilt: bool = False) -> None:
    """Record how far an index has applied the changes, in a short write transaction of its own.

    On SQLite a transaction that has been reading (a rebuild reads everything) may not start
    writing once another process wrote, so unless the caller's session took the write lock at
    BEGIN, its transaction ends and the watermark is written in one that does.
    """
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and not bind.get_execution_options().get(IMMEDIATE):
        session.commit()
        with new_session(bind, immediate=True) as writer:
            save_watermark(writer, name, last_change_id, rebuilt=rebuilt)
        return
    mark = watermark(session, name)
    mark.last_change_id = last_change_id
    if rebuilt:
        mark.rebuilt_at = utcnow()
    session.add(mark)
    session.commit()


def applied_change_id(session: Session, name: str) -> int:
    """The last change an index has applied, as its watermark says (0 when none); reads only."""
    mark = session.get(SearchWatermark, name)
    return mark.last_change_id if mark is not None else 0


def latest_change_id(session: Session) -> int:
    """The id of the newest SearchChange (0 when none): one MAX on the primary key, cheap before every search."""
    # Straight from the driver, within the session's transaction: it is asked before every search.
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute("SELECT coalesce(max(id), 0) FROM search_change")
        return cursor.fetchone()[0]
    finally:
        cursor.close()


def pending_changes(session: Session, after_id: int, *, look_back: bool = True) -> list[SearchChange]:
    """Changes the index has not applied yet (plus, on PostgreSQL, recent ones again), oldest first."""
    condition = SearchChange.id > after_id
    if look_back and session.get_bind().dialect.name == "postgresql":
        condition = sa.or_(condition, SearchChange.at >= utcnow() - LOOKBACK)
    return list(session.exec(select(SearchChange).where(condition).order_by(SearchChange.id)
                             .limit(CHANGES_PER_ROUND)).all())


def collect(session: Session, changes: list[SearchChange]) -> IndexBatch:
    """Read the changed pages, messages and documents as they are now."""
    page_ids = {c.item_id for c in changes if c.item_type == "page"}
    message_ids = {c.item_id for c in changes if c.item_type == "message"}
    document_ids = sorted({c.item_id for c in changes if c.item_type == "document"})
    batch = IndexBatch(replaced_documents=document_ids)
    if document_ids:
        ids = session.exec(select(Page.id).where(Page.document_id.in_(document_ids))).all()
        page_ids.difference_update(ids)
        batch.upserts.extend(load_pages(session, ids))
    for chunk in _chunks(sorted(page_ids)):
        found = load_pages(session, chunk)
        batch.upserts.extend(found)
        batch.deleted.extend(("page", i) for i in set(chunk) - {item.item_id for item in found})
    for chunk in _chunks(sorted(message_ids)):
        found = load_messages(session, chunk)
        batch.upserts.extend(found)
        batch.deleted.extend(("message", i) for i in set(chunk) - {item.item_id for item in found})
    return batch


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def load_pages(session: Session, page_ids) -> list[IndexItem]:
    """The index items of these pages (pages that no longer exist are left out)."""
    page_ids = list(page_ids)
    if not page_ids:
        return []
    rows = session.exec(
        select(Page.id, Page.document_id, Page.number, Page.text, Document.filename, Document.content_type,
               Document.request_id, Document.created_at, Document.is_private, Document.uploaded_by_id,
               FoiaRequest.agency_id, Message.from_name, Message.from_address, Message.sent_at, Message.received_at,
               Message.imported_by_id)
        .join(Document, Document.id == Page.document_id)
        .outerjoin(FoiaRequest, FoiaRequest.id == Document.request_id)
        .outerjoin(Message, Message.id == Document.message_id)
        .where(Page.id.in_(page_ids))
    ).all()
    printed: dict[int, list[EmbeddedMessage]] = {}
    document_ids = {row.document_id for row in rows}
    if document_ids:
        for embedded in session.exec(select(EmbeddedMessage).where(EmbeddedMessage.document_id.in_(document_ids))):
            printed.setdefault(embedded.document_id, []).append(embedded)
    items = []
    for row in rows:
        sender = " ".join(part for part in (row.from_name, row.from_address) if part)
        when = row.sent_at or row.received_at or row.created_at
        for embedded in printed.get(row.document_id, ()):
            if embedded.page_start <= row.number <= embedded.page_end:
                sender = embedded.sender or sender
                when = embedded.sent_at or when
                break
        items.append(IndexItem(kind="page", item_id=row.id, document_id=row.document_id,
                               request_id=row.request_id, agency_id=row.agency_id, page=row.number,
                               filename=indexable_text(row.filename), sender=indexable_text(sender), date=when,
                               doc_type=doc_type_of(row.content_type), text=indexable_text(row.text),
                               scope=content_scope(row.request_id, row.is_private,
                                                   holder_of(row.uploaded_by_id, row.imported_by_id))))
    return items


def load_messages(session: Session, message_ids) -> list[IndexItem]:
    """The index items of these messages' bodies (subject first)."""
    message_ids = list(message_ids)
    if not message_ids:
        return []
    rows = session.exec(
        select(Message.id, Message.request_id, Message.from_name, Message.from_address, Message.subject,
               Message.sent_at, Message.received_at, Message.body_text, Message.is_private, Message.imported_by_id,
               FoiaRequest.agency_id)
        .outerjoin(FoiaRequest, FoiaRequest.id == Message.request_id)
        .where(Message.id.in_(message_ids))
    ).all()
    return [
        IndexItem(kind="message", item_id=row.id, document_id=None, request_id=row.request_id,
                  agency_id=row.agency_id, page=None, filename=indexable_text(row.subject),
                  sender=indexable_text(" ".join(p for p in (row.from_name, row.from_address) if p)),
                  date=row.sent_at or row.received_at, doc_type="email",
                  text=indexable_text(f"{row.subject}\n\n{row.body_text}" if row.subject else row.body_text),
                  scope=content_scope(row.request_id, row.is_private, row.imported_by_id))
        for row in rows
    ]


def all_items(session: Session) -> Iterator[list[IndexItem]]:
    """Every page and message, in batches (for a rebuild)."""
    for model, loader in ((Page, load_pages), (Message, load_messages)):
        last = 0
        while True:
            ids = session.exec(select(model.id).where(model.id > last).order_by(model.id).limit(ROWS_PER_BATCH)).all()
            if not ids:
                break
            yield loader(session, ids)
            last = ids[-1]


def run_scheduled(runtime) -> int:
    """Scheduled job: apply new changes to this process's search index."""
    with runtime.session(immediate=False) as session:  # reads; the watermark is written apart
        changed = runtime.search.update(session)
    if changed:
        log.info("search index: %d items updated", changed)
    return changed


def reindex(runtime) -> int:
    """Rebuild the search index from scratch; return how many pages and messages it holds."""
    with runtime.session(immediate=False) as session:  # reads everything; the watermark is written apart
        return runtime.search.rebuild(session)
