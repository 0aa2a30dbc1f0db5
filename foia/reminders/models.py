"""Reminders: one row per (request, kind, due date), so none goes out twice."""
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime
from foia.model_base import SQLModel


class Reminder(SQLModel, table=True):
    """A reminder to a person about one due date of one request."""

    __table_args__ = (sa.UniqueConstraint("request_id", "kind", "due_date", "user_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="foia_request.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    #: ack_due | response_due | overdue | fee_due | appeal_closing | appeal_overdue
    kind: str = Field(max_length=32)
    due_date: date
    #: The first day the reminder may go out.
    notify_on: date = Field(index=True)
    #: Set atomically by the sender that claims the row; a stale claim may be retaken.
    claimed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    claimed_by: Optional[str] = Field(default=None, max_length=100)
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime, index=True)
    #: Set instead of sent_at when the reminder no longer applies (status changed, date moved).
    cancelled_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
