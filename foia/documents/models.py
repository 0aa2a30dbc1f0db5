"""Documents (files received), their pages of text, and emails found inside released PDFs."""
import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime, enum_type, utcnow
from foia.model_base import SQLModel


class ExtractionState(str, enum.Enum):
    queued = "queued"
    extracting = "extracting"
    done = "done"
    needs_ocr = "needs_ocr"
    encrypted = "encrypted"
    failed = "failed"
    unsupported = "unsupported"


class Document(SQLModel, table=True):
    """A file an agency released (attachment, upload, zip member)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: Optional[int] = Field(default=None, foreign_key="foia_request.id", index=True, ondelete="SET NULL")
    #: The email it came attached to, if any.
    message_id: Optional[int] = Field(default=None, foreign_key="message.id", index=True, ondelete="SET NULL")
    filename: str = Field(max_length=500)
    #: Who uploaded or imported it; with no request, the only one (besides admins) who sees it.
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    #: Hidden from readers of a public request who do not work on it.
    is_private: bool = Field(default=False)
    #: Sniffed from the bytes, not the sender's claim.
    content_type: str = Field(default="application/octet-stream", max_length=200)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(sa_type=sa.BigInteger)
    #: BlobStore key (the sha256: storage is content-addressed).
    blob_key: str = Field(max_length=64)
    #: Same bytes already received for this request: this row links to the first.
    duplicate_of_id: Optional[int] = Field(default=None, foreign_key="document.id", ondelete="SET NULL")
    page_count: Optional[int] = None
    #: What the file says about itself (PDF title, author, producer, creation date), as text.
    details: dict = Field(default_factory=dict, sa_type=sa.JSON)
    state: ExtractionState = Field(default=ExtractionState.queued, sa_type=enum_type(ExtractionState), index=True)
    #: Why extraction failed or stopped, in words a user understands.
    error: str = Field(default="", sa_type=sa.Text)
    ocr_used: bool = Field(default=False)
    #: BlobStore key of a searchable PDF made from an OCR'd scan.
    searchable_pdf_key: Optional[str] = Field(default=None, max_length=64)
    claimed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    claimed_by: Optional[str] = Field(default=None, max_length=100)
    attempts: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class PageMethod(str, enum.Enum):
    text_layer = "text_layer"
    ocr = "ocr"
    plain = "plain"


class Page(SQLModel, table=True):
    """One page of a document's text: the unit of search."""

    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    #: 1-based page number.
    number: int
    text: str = Field(default="", sa_type=sa.Text)
    method: PageMethod = Field(default=PageMethod.text_layer, sa_type=enum_type(PageMethod))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class EmbeddedMessage(SQLModel, table=True):
    """An email printed into a released PDF, found by its From/Sent/To/Subject headers."""

    __tablename__ = "embedded_message"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    sender: str = Field(default="", max_length=500)
    recipients: str = Field(default="", sa_type=sa.Text)
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    #: The Sent/Date line as printed, kept when it could not be parsed.
    sent_text: str = Field(default="", max_length=200)
    subject: str = Field(default="", sa_type=sa.Text)
    page_start: int
    page_end: int
