"""Requests, their lifecycle, batches and the timeline of everything that happened."""
import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime, enum_type, utcnow
from foia.model_base import SQLModel
from foia.requests.status import (AGENCY_DATES, CLOSING_STATUSES, DUE_DATE_LABELS,  # noqa: F401 (their home)
                                  OPEN_STATUSES, OTHER_DATE_LABELS, RUNNING_DATES, STATUS_LABELS, TRANSITIONS,
                                  Status, due_date_label, running_dates)


class Visibility(str, enum.Enum):
    private = "private"
    public = "public"
    embargoed = "embargoed"


class SubmissionMethod(str, enum.Enum):
    email = "email"
    portal = "portal"
    mail = "mail"
    fax = "fax"
    in_person = "in_person"


class FeeWaiver(str, enum.Enum):
    not_requested = "not_requested"
    requested = "requested"
    granted = "granted"
    denied = "denied"


class RequestBatch(SQLModel, table=True):
    """One request sent to several agencies: a request per agency, shown side by side."""

    __tablename__ = "request_batch"

    id: Optional[int] = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


#: What the busiest pages read of every request a person may see or works on, besides its owner and team: who
#: else may see it (requests.access), its status, age and each due date (with appealed_on, which closes the
#: appeal window). The indexes on owner and team carry them.
WORKLOAD_COLUMNS = ("visibility", "embargo_until", "status", "created_at", *DUE_DATE_LABELS, "appealed_on")


class FoiaRequest(SQLModel, table=True):
    """A records request to one agency and everything known about its progress."""

    __tablename__ = "foia_request"
    __table_args__ = (
        # Who works on a request (its owner, its team) with what the dashboard counts and lists of each, and what
        # search needs to know who may see it: a reporter's thousands of requests are read from these two indexes,
        # not from the table's wide rows (letters, notes). Each carries the other's column too: SQLite tests both
        # sides of "owner or team" on every entry.
        sa.Index("ix_foia_request_owner_work", "owner_id", "team_id", *WORKLOAD_COLUMNS),
        sa.Index("ix_foia_request_team_work", "team_id", "owner_id", *WORKLOAD_COLUMNS),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    #: Human-readable code put in email subjects: FOIA-2026-0042.
    tracking_code: str = Field(sa_column=sa.Column(sa.String(32), unique=True, nullable=False))
    #: Unguessable token carried in the Reply-To plus-address.
    reply_token: str = Field(sa_column=sa.Column(sa.String(40), unique=True, nullable=False))
    owner_id: int = Field(foreign_key="user.id")
    #: Shared with this team: its members see and work on the request.
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    batch_id: Optional[int] = Field(default=None, foreign_key="request_batch.id", index=True, ondelete="SET NULL")
    agency_id: int = Field(foreign_key="agency.id", index=True)
    title: str = Field(max_length=300)
    records_sought: str = Field(sa_type=sa.Text)
    #: The letter as sent (or to be sent); rendered from templates/letters/ and editable.
    letter_text: str = Field(default="", sa_type=sa.Text)
    status: Status = Field(default=Status.draft, sa_type=enum_type(Status), index=True)
    visibility: Visibility = Field(default=Visibility.private, sa_type=enum_type(Visibility))
    #: With visibility "embargoed": private until this date, public from it.
    embargo_until: Optional[date] = None
    fee_waiver: FeeWaiver = Field(default=FeeWaiver.not_requested, sa_type=enum_type(FeeWaiver))
    expedited: bool = Field(default=False)
    #: Fees in cents: the most the requester will pay without being asked, the agency's estimate, paid so far.
    max_fee_cents: Optional[int] = None
    fee_estimate_cents: Optional[int] = None
    fee_paid_cents: int = Field(default=0)
    #: The agency's own reference for the request.
    agency_tracking_number: str = Field(default="", max_length=100, index=True)
    notes: str = Field(default="", sa_type=sa.Text)
    #: The address the request letter was emailed to (the directory may change later).
    sent_to_email: str = Field(default="", max_length=254)
    submission_method: Optional[SubmissionMethod] = Field(default=None, sa_type=enum_type(SubmissionMethod))
    #: Dates the law counts, in the jurisdiction's calendar.
    submitted_on: Optional[date] = None
    acknowledged_on: Optional[date] = None
    completed_on: Optional[date] = None
    ack_due: Optional[date] = None
    response_due: Optional[date] = None
    #: True when response_due is a follow-up date, not a statutory deadline.
    response_due_is_follow_up: bool = Field(default=False)
    #: Business days the clock still had when it was paused (fix/payment states).
    paused_remaining_days: Optional[int] = None
    paused_on: Optional[date] = None
    #: Total days the clock has been stopped so far.
    paused_days: int = Field(default=0)
    extended: bool = Field(default=False)
    #: When the records are due where the law has a production stage apart from the response (SC).
    produce_due: Optional[date] = None
    #: The agency's own estimated completion date, from its letter (not statutory; shown beside the law's).
    estimated_completion: Optional[date] = None
    #: The last adverse or final determination, which opens the appeal window.
    determination_on: Optional[date] = None
    appeal_due: Optional[date] = None
    appealed_on: Optional[date] = None
    appeal_decision_due: Optional[date] = None
    #: The day the appeal was decided (the request left "appealing" for a decision).
    appeal_decided_on: Optional[date] = None
    #: When the requester may go to court (or the last day to), where the law says.
    sue_due: Optional[date] = None
    #: A reminder the requester set on the request ("remind me on ..."), whatever its status.
    remind_on: Optional[date] = None
    remind_note: str = Field(default="", max_length=500)
    #: How each due date was computed: [{"date": ..., "rule": ..., "steps": [...]}], shown on the page.
    deadline_explanation: list = Field(default_factory=list, sa_type=sa.JSON)
    #: Send follow-up letters to the agency automatically when overdue (else drafts wait).
    auto_follow_up: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class RequestEvent(SQLModel, table=True):
    """One entry of a request's timeline: a status change, note, edit, message or deadline."""

    __tablename__ = "request_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="foia_request.id", index=True, ondelete="CASCADE")
    #: None for the system (scheduler, mail matching).
    actor_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    #: created | edited | status | note | submitted | extension | estimate | fee | message | deadline | shared |
    #: reminder | letter
    kind: str = Field(max_length=32)
    summary: str = Field(default="", sa_type=sa.Text)
    from_status: Optional[Status] = Field(default=None, sa_type=enum_type(Status))
    to_status: Optional[Status] = Field(default=None, sa_type=enum_type(Status))
    #: Extra facts (changed fields, message id, ...).
    detail: dict = Field(default_factory=dict, sa_type=sa.JSON)


#: The tables whose every write raises WorkloadVersion (by the triggers of migration 0011): the requests, who works
#: on them (team membership) and the agency and jurisdiction names and time zones their lines show.
WORKLOAD_TABLES = ("foia_request", "team_membership", "agency", "jurisdiction")


class WorkloadVersion(SQLModel, table=True):
    """One row (id 1) whose number the database itself raises in every transaction that writes one of
    WORKLOAD_TABLES, whatever wrote it (the ORM, a Core statement of an import or a job, the command line, another
    host): triggers, committed with the write. Two reads of the same number saw the same requests, teams, agencies
    and jurisdictions, so what was worked out from them (the dashboard: foia.web.dashboard) may be kept under it.

    SQLite raises it on each row written, PostgreSQL once per transaction at its commit (a deferred trigger: the
    row is locked only while the writer commits, so writers do not queue behind each other nor deadlock on it).
    A migration that rebuilds one of these tables on SQLite (batch mode) drops its triggers: it must create them
    again (tests/web/requests/test_dashboard_kept.py fails otherwise). Restoring a backup takes the number back:
    restart the web processes after a restore, so they forget what they kept."""

    __tablename__ = "workload_version"

    id: int = Field(primary_key=True)
    version: int = Field(sa_type=sa.BigInteger)
