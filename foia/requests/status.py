"""Where a request stands and which of its due dates run: the Status enum and the tables beside it.

Plain Python (no database layer), so `foia deadline` and the law pages can read it cheaply.
"""
import enum


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


def running_dates(request) -> tuple[str, ...]:
    """The due dates that run for a FoiaRequest now (by RUNNING_DATES; an appeal already filed closes its window)."""
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
