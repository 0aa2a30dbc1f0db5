"""Requests, their lifecycle, batches and the timeline of everything that happened."""
import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from foia.db import UTCDateTime, enum_type, utcnow


class Status(str, enum.Enum):
    """Where a request stands. "Overdue" is derived from the due dates, never stored."""

    draft = "draft"
    submitted = "submitted"
    acknowledged = "acknowledged"
    fix_required = "fix_required"
    payment_required = "payment_required"
    partial = "partial"
    done = "done"
    no_records = "no_records"
    rejected = "rejected"
    appealing = "appealing"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still waiting on the agency (or on an appeal)."""
        return self in OPEN_STATUSES

    @property
    def is_awaiting_agency(self) -> bool:
        """The agency owes a determination (or an appeal decision) and its clock runs."""
        return self in (Status.submitted, Status.acknowledged, Status.appealing)

    @property
    def is_paused(self) -> bool:
        """The agency's clock stops while it waits on the requester."""
        return self in (Status.fix_required, Status.payment_required)

    def can_become(self, other: "Status") -> bool:
        return other in TRANSITIONS[self]

    @property
    def closes_request(self) -> bool:
        """Moving here stops the agency's clock for good (or ends the request): asked to confirm first."""
        return self in CLOSING_STATUSES


STATUS_LABELS = {
    Status.draft: "Draft",
    Status.submitted: "Awaiting response",
    Status.acknowledged: "Acknowledged",
    Status.fix_required: "Clarification needed",
    Status.payment_required: "Payment required",
    Status.partial: "Partially completed",
    Status.done: "Completed",
    Status.no_records: "No responsive records",
    Status.rejected: "Rejected",
    Status.appealing: "Under appeal",
    Status.withdrawn: "Withdrawn",
}

#: Every due date a request can carry, in the order pages show them, with what it is called everywhere
#: (pages, mails, the iCal feed, the timeline). `sue_due` has two names: see `due_date_label`.
DUE_DATE_LABELS = {
    "ack_due": "Acknowledgement due",
    "response_due": "Response due",
    "produce_due": "Records due",
    "estimated_completion": "Agency's estimated completion",
    "appeal_due": "Appeal window closes",
    "appeal_decision_due": "Appeal decision due",
    "sue_due": "May go to court from",
    "remind_on": "Your reminder",
}
#: The other names a date can go by: a response date where the law sets none, the last day to sue,
#: the response date an extension would give, the stopped clock.
OTHER_DATE_LABELS = {
    "follow_up": "Follow up",
    "sue_last_day": "Last day to go to court",
    "extended_due": "Response due if extended",
    "paused": "Clock paused",
}
#: The dates the agency must meet (missing one makes the request overdue); the others are the requester's.
AGENCY_DATES = ("ack_due", "response_due", "produce_due", "estimated_completion", "appeal_decision_due")

OPEN_STATUSES = frozenset({
    Status.submitted, Status.acknowledged, Status.fix_required,
    Status.payment_required, Status.partial, Status.appealing,
})

_RESPONSES = {Status.fix_required, Status.payment_required, Status.partial,
              Status.done, Status.no_records, Status.rejected, Status.withdrawn}

#: Only the moves that make sense from each status: a draft is sent or deleted (never withdrawn), and a
#: partial release moves on (more released, the rest withheld, an appeal), never back to acknowledged.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.draft: frozenset({Status.submitted}),
    # Appealing straight from a waiting status: the agency let its deadline pass (a deemed denial), or its fees.
    Status.submitted: frozenset({Status.acknowledged, Status.appealing} | _RESPONSES),
    Status.acknowledged: frozenset({Status.appealing} | _RESPONSES),
    Status.fix_required: frozenset({Status.submitted, Status.acknowledged} | _RESPONSES - {Status.fix_required}),
    Status.payment_required: frozenset({Status.submitted, Status.acknowledged, Status.appealing}
                                       | _RESPONSES - {Status.payment_required}),
    Status.partial: frozenset({Status.appealing} | _RESPONSES - {Status.partial, Status.no_records}),
    Status.done: frozenset({Status.appealing, Status.partial}),
    Status.no_records: frozenset({Status.appealing, Status.done}),
    Status.rejected: frozenset({Status.appealing, Status.done}),
    Status.appealing: frozenset({Status.acknowledged, Status.partial, Status.done,
                                 Status.no_records, Status.rejected, Status.withdrawn}),
    Status.withdrawn: frozenset(),
}

CLOSING_STATUSES = frozenset({Status.done, Status.no_records, Status.rejected, Status.withdrawn})


#: Which due dates run in each status: shown as pending, reminded of, flagged overdue and put in the
#: calendar feed. Paused statuses run none of the agency's dates (the clock stands still); a reminder
#: the requester set runs whatever the status.
RUNNING_DATES: dict[Status, tuple[str, ...]] = {
    Status.draft: ("remind_on",),
    Status.submitted: ("ack_due", "response_due", "produce_due", "estimated_completion", "sue_due", "remind_on"),
    Status.acknowledged: ("response_due", "produce_due", "estimated_completion", "sue_due", "remind_on"),
    Status.fix_required: ("remind_on",),
    Status.payment_required: ("remind_on",),
    Status.partial: ("produce_due", "estimated_completion", "appeal_due", "sue_due", "remind_on"),
    Status.done: ("appeal_due", "sue_due", "remind_on"),
    Status.no_records: ("appeal_due", "sue_due", "remind_on"),
    Status.rejected: ("appeal_due", "sue_due", "remind_on"),
    Status.appealing: ("appeal_decision_due", "sue_due", "remind_on"),
    Status.withdrawn: ("remind_on",),
}


def running_dates(request: "FoiaRequest") -> tuple[str, ...]:
    """The due dates that run for a request now (by RUNNING_DATES; an appeal already filed closes its window)."""
    names = RUNNING_DATES[request.status]
    if request.appealed_on is not None:
        names = tuple(name for name in names if name != "appeal_due")
    return names


def due_date_label(name: str, *, follow_up: bool = False, last_day: bool = False) -> str:
    """What a due date is called: the one label table, with its follow-up and last-day names."""
    if name == "response_due" and follow_up:
        return OTHER_DATE_LABELS["follow_up"]
    if name == "sue_due" and last_day:
        return OTHER_DATE_LABELS["sue_last_day"]
    return DUE_DATE_LABELS.get(name) or OTHER_DATE_LABELS.get(name, name)


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


class FoiaRequest(SQLModel, table=True):
    """A records request to one agency and everything known about its progress."""

    __tablename__ = "foia_request"

    id: Optional[int] = Field(default=None, primary_key=True)
    #: Human-readable code put in email subjects: FOIA-2026-0042.
    tracking_code: str = Field(sa_column=sa.Column(sa.String(32), unique=True, nullable=False))
    #: Unguessable token carried in the Reply-To plus-address.
    reply_token: str = Field(sa_column=sa.Column(sa.String(40), unique=True, nullable=False))
    owner_id: int = Field(foreign_key="user.id", index=True)
    #: Shared with this team: its members see and work on the request.
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", index=True, ondelete="SET NULL")
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
