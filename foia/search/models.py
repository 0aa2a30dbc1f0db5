"""The change log the search indexer follows, and each index's watermark."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from foia.db import UTCDateTime, utcnow


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
