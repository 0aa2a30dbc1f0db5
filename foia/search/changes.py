"""Telling the search index what changed: the one way mail and documents record a change (the indexer,
foia.search.indexer, reads them back in order and applies them)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from sqlmodel import Session

from foia.db import UTCDateTime
from foia.documents.models import Page
from foia.search.models import SearchChange

#: What an indexed item is: a page of a document, a message body, or a document (all its pages).
ITEM_TYPES = ("page", "message", "document")


def record_change(session: Session, item_type: str, item_id: int, now: datetime, *, op: str = "upsert") -> None:
    """One item to index again ("upsert") or to drop ("delete"), in the caller's transaction."""
    record_changes(session.connection(), [(item_type, item_id, op)], now)


def record_changes(connection: sa.Connection, changes: Iterable[tuple[str, int, str]], now: datetime) -> None:
    """Many changes (item type, id, op) in one statement, on a session's or a plain connection."""
    rows = [{"item_type": item_type, "item_id": item_id, "op": op, "at": now} for item_type, item_id, op in changes]
    for row in rows:
        if row["item_type"] not in ITEM_TYPES or row["op"] not in ("upsert", "delete"):
            raise ValueError(f"not a search change: {row}")
    if rows:
        connection.execute(sa.insert(SearchChange.__table__), rows)


def record_page_changes(connection: sa.Connection, document_ids: list[int], now: datetime) -> None:
    """Every page of these documents to index ("upsert"), in one INSERT ... SELECT: no page id passes through Python."""
    if not document_ids:
        return
    pages = (sa.select(sa.literal("page"), Page.id, sa.literal("upsert"), sa.literal(now, UTCDateTime()))
             .where(Page.document_id.in_(document_ids)).order_by(Page.id))
    connection.execute(sa.insert(SearchChange.__table__).from_select(["item_type", "item_id", "op", "at"], pages))
