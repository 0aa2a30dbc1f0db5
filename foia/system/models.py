"""What the scheduler last did with each periodic job, so any host can tell whether it runs."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime
from foia.model_base import SQLModel


class JobStatus(SQLModel, table=True):
    """One periodic job as the leading scheduler last ran it."""

    __tablename__ = "job_status"

    #: The job's name, e.g. "dispatch-outbox".
    name: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    #: False when the leading scheduler does not run it (e.g. fetch-mail without FOIA_IMAP_HOST).
    enabled: bool = Field(default=True)
    #: Seconds between runs as scheduled (after FOIA_JOB_INTERVAL_SCALE).
    interval_seconds: float = Field(default=60)
    #: Which process leads and runs it: host and process id.
    host: str = Field(default="", max_length=100)
    #: When that process took the job on; a job that never succeeded is late counted from here.
    registered_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_started_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_finished_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_succeeded_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    #: The last failure's message ("" after a success), shown to admins only.
    last_error: str = Field(default="", sa_type=sa.Text)
    #: How long the last finished run took, in seconds.
    last_duration: Optional[float] = None
    runs: int = Field(default=0)
    failures: int = Field(default=0)
