"""The change log the search indexer follows, and each index's watermark."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field

from foia.db import UTCDateTime, utcnow
from foia.model_base import SQLModel


class SearchChange(SQLModel, table=True):
    """A page or message that was added, changed or deleted since some index last looked."""

    __tablename__ = "search_change"

    id: Optional[int] = Field(default=None, primary_key=True)
    #: page | message | document (document: all its pages, e.g. after permission changes)
    item_type: str = Field(max_length=16)
    item_id: int
    #: upsert | delete
    op: str = Field(default="upsert", max_length=8)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class SearchWatermark(SQLModel, table=True):
    """The last SearchChange id one index (one host's folder) has applied."""

    __tablename__ = "search_watermark"

    index_name: str = Field(sa_column=sa.Column(sa.String(300), primary_key=True))
    last_change_id: int = Field(default=0)
    rebuilt_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class SearchEntry(SQLModel, table=True):
    """One page or message body as the PostgreSQL full-text backend indexes it (a copy; the rows stay the truth)."""

    __tablename__ = "search_entry"
    __table_args__ = (
        sa.UniqueConstraint("kind", "item_id"),
        sa.Index("ix_search_entry_tsv", "tsv", postgresql_using="gin"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    #: page | message
    kind: str = Field(max_length=16)
    #: Page.id or Message.id.
    item_id: int
    #: The page's document; None for messages.
    document_id: Optional[int] = Field(default=None, index=True)
    #: None while the item waits in the holding pen.
    request_id: Optional[int] = Field(default=None, index=True)
    agency_id: Optional[int] = None
    #: Who may find it: access.content_scope of the item (request, private part of it, or an uploader's holding pen).
    scope: int = Field(default=0, sa_type=sa.BigInteger)
    #: 1-based page number; None for messages.
    page: Optional[int] = None
    #: The document's filename, or the message's subject.
    filename: str = Field(default="", sa_type=sa.Text)
    #: Who sent it: the email's sender, or the sender printed on the page.
    sender: str = Field(default="", sa_type=sa.Text)
    date: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    #: pdf | word | text | html | image | email | other
    doc_type: str = Field(default="", max_length=16)
    text: str = Field(default="", sa_type=sa.Text)
    #: to_tsvector('english', text), written by the indexer; PostgreSQL only (plain text, unused, on SQLite).
    tsv: Optional[str] = Field(default=None, sa_type=sa.Text().with_variant(TSVECTOR(), "postgresql"))
