"""A request's life after filing: submission, status changes, extensions, estimates, reminders, fees
and notes, each moving the statutory clock (foia.deadlines.statutory_clock) and recording a timeline event.

Every function takes the session, the acting user and `now`; none commits (the caller does, once per
action), and each one checks the actor's rights through foia.requests.access.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from foia import bounds
from foia.accounts.models import User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines import rules, statutory_clock
from foia.deadlines.calendar import law_today
from foia.deadlines.laws import law_for
from foia.errors import InvalidTransition, ValidationError
from foia.rendering import format_date, format_money
from foia.requests import letters
from foia.requests.models import (DUE_DATE_LABELS, OPEN_STATUSES, TRANSITIONS, FeeWaiver, FoiaRequest,
                                  RequestEvent, Status, SubmissionMethod, due_date_label)
from foia.requests.listing import workable_with_jurisdiction
from foia.requests.timeline import add_event, apply_changes, as_stored



METHOD_LABELS = {
    SubmissionMethod.email: "email",
    SubmissionMethod.portal: "the agency's portal",
    SubmissionMethod.mail: "mail",
    SubmissionMethod.fax: "fax",
    SubmissionMethod.in_person: "in person",
}


#: The request's fields the clock sets (every due date, and whether the response date is only a follow-up).
DUE_FIELDS = (*DUE_DATE_LABELS, "response_due_is_follow_up")


#: The longest a "remind me in N weeks" may reach.
MAX_REMINDER_WEEKS = 104


def _run_clock(session: Session, actor: User | None, request: FoiaRequest, jurisdiction: Jurisdiction,
               event: str, on: date, now: datetime, follow_up_days: int, until: date | None = None) -> None:
    """Move the statutory clock (the law's stages, the agency's calendar) and record a "deadline" event when a
    due date changed."""
    before = {name: getattr(request, name) for name in DUE_FIELDS}
    agency = session.get(Agency, request.agency_id)
    law = law_for(jurisdiction)
    statutory_clock.apply_event(request, law, event, on, calendar=rules.agency_calendar(law, agency),
                      follow_up_days=follow_up_days, until=until)
    changes = {name: [as_stored(before[name]), as_stored(getattr(request, name))]
               for name in DUE_FIELDS if before[name] != getattr(request, name)}
    if not changes:
        return
    parts = []
    for name in DUE_DATE_LABELS:
        value = getattr(request, name)
        follow_up = name == "response_due" and request.response_due_is_follow_up
        label = due_date_label(name, follow_up=follow_up)
        if name in changes and value is not None:
            parts.append(f"{label} {format_date(value)}" + (" (the law sets no fixed period)" if follow_up else ""))
        elif name in changes:
            parts.append(f"{label}: no date")
    add_event(session, request, actor, "deadline", "; ".join(parts) or "Due dates recomputed", now,
              detail={"changes": changes, "clock_event": event})


def _check_event_date(on: date | None, now: datetime, request: FoiaRequest, field_name: str = "on",
                      jurisdiction: Jurisdiction | None = None) -> date:
    if on is None:
        raise ValidationError("Give the date.", {field_name: "Give the date."})
    if bounds.date_problem(on):
        raise ValidationError(bounds.DATE_MESSAGE, {field_name: bounds.DATE_MESSAGE})
    if on > law_today(jurisdiction, now) + timedelta(days=1):
        raise ValidationError("That date is in the future.", {field_name: "That date is in the future."})
    if request.submitted_on and on < request.submitted_on:
        message = "That is before the request was submitted."
        raise ValidationError(message, {field_name: message})
    return on


def mark_submitted(session: Session, actor: User, request_id: int, on: date, method: SubmissionMethod,
                   now: datetime, *, follow_up_days: int = 10, note: str = "") -> FoiaRequest:
    """A draft was sent ("I filed it myself"): record the date and method and start the clock."""
    request, jurisdiction = workable_with_jurisdiction(session, actor, request_id, now)
    if request.status != Status.draft:
        raise InvalidTransition(f"This request is already {request.status.label.lower()}; only drafts are submitted.")
    if on is None:
        raise ValidationError("Give the date you filed it.", {"submitted_on": "Give the date you filed it."})
    if bounds.date_problem(on):
        raise ValidationError(bounds.DATE_MESSAGE, {"submitted_on": bounds.DATE_MESSAGE})
    if on > law_today(jurisdiction, now) + timedelta(days=1):
        raise ValidationError("That date is in the future.", {"submitted_on": "That date is in the future."})
    if method is None:
        raise ValidationError("Say how you filed it.", {"method": "Say how you filed it."})
    request.status = Status.submitted
    request.submitted_on = on
    request.submission_method = method
    add_event(session, request, actor, "submitted",
              f"Submitted by {METHOD_LABELS[method]} on {format_date(on)}" + (f". {note.strip()}" if note.strip() else ""),
              now, from_status=Status.draft, to_status=Status.submitted,
              detail={"on": on.isoformat(), "method": method.value})
    _run_clock(session, actor, request, jurisdiction, "submitted", on, now, follow_up_days)
    return request


def _clock_event(old: Status, new: Status) -> str | None:
    if new.is_paused:
        return "paused"
    if old.is_paused and new in (Status.submitted, Status.acknowledged):
        return "resumed"
    if new == Status.acknowledged and old == Status.submitted:
        return "acknowledged"
    if new in (Status.partial, Status.done, Status.no_records, Status.rejected):
        return "determination"
    if new == Status.appealing:
        return "appealed"
    return None


def allowed_statuses(request: FoiaRequest) -> list[Status]:
    """The statuses a request may move to next (submission of drafts has its own form)."""
    return [s for s in Status if s in TRANSITIONS[request.status] and not
            (request.status == Status.draft and s == Status.submitted)]


def change_status(session: Session, actor: User, request_id: int, new_status: Status, on: date, now: datetime,
                  *, note: str = "", follow_up_days: int = 10) -> FoiaRequest:
    """Move a request to another status on the date it happened; InvalidTransition if the lifecycle forbids it."""
    request, jurisdiction = workable_with_jurisdiction(session, actor, request_id, now)
    old = request.status
    if not old.can_become(new_status):
        raise InvalidTransition(f"A request that is “{old.label}” cannot become “{new_status.label}”.")
    if old == Status.draft and new_status == Status.submitted:
        raise InvalidTransition("Use “Mark as submitted” to record how and when a draft was filed.")
    on = _check_event_date(on, now, request, jurisdiction=jurisdiction)
    request.status = new_status
    if new_status == Status.acknowledged and request.acknowledged_on is None:
        request.acknowledged_on = on
    if new_status in (Status.partial, Status.done, Status.no_records, Status.rejected):
        request.determination_on = on
        if old == Status.appealing:
            request.appeal_decided_on = on
    if new_status in (Status.done, Status.no_records, Status.rejected, Status.withdrawn):
        request.completed_on = on
    elif request.completed_on is not None:
        request.completed_on = None
    if new_status == Status.appealing:
        request.appealed_on = on
    summary = f"{old.label} → {new_status.label} on {format_date(on)}"
    if note.strip():
        summary += f". {note.strip()}"
    add_event(session, request, actor, "status", summary, now, from_status=old, to_status=new_status,
              detail={"on": on.isoformat(), "note": note.strip()})
    event = _clock_event(old, new_status)
    if event:
        _run_clock(session, actor, request, jurisdiction, event, on, now, follow_up_days)
    return request


def withdraw(session: Session, actor: User, request_id: int, on: date, now: datetime, *, note: str = "") -> FoiaRequest:
    """The requester withdraws the request."""
    return change_status(session, actor, request_id, Status.withdrawn, on, now, note=note)


def record_extension(session: Session, actor: User, request_id: int, on: date, now: datetime, *,
                     until: date | None = None, note: str = "", follow_up_days: int = 10) -> FoiaRequest:
    """The agency extended its time on `on`: the due date moves by the law's extension, or to `until` when the
    agency gave a date."""
    request, jurisdiction = workable_with_jurisdiction(session, actor, request_id, now)
    if request.status not in OPEN_STATUSES:
        raise InvalidTransition("Only a request still waiting on the agency can be extended.")
    on = _check_event_date(on, now, request, jurisdiction=jurisdiction)
    if until is not None and until < on:
        raise ValidationError("The new date is before the notice.", {"until": "Give a date after the notice."})
    stage = law_for(jurisdiction).stage("extend")
    summary = f"The agency extended its time on {format_date(on)}"
    if until is not None:
        summary += f", to {format_date(until)}"
    elif stage is not None and stage.counted:
        summary += f" (the law allows {letters.day_count(stage.days, stage.unit)} more)"
    if note.strip():
        summary += f". {note.strip()}"
    add_event(session, request, actor, "extension", summary, now,
              detail={"on": on.isoformat(), "until": until.isoformat() if until else None, "note": note.strip()})
    _run_clock(session, actor, request, jurisdiction, "extended", on, now, follow_up_days, until=until)
    return request


def record_estimate(session: Session, actor: User, request_id: int, on: date, until: date | None, now: datetime, *,
                    note: str = "") -> FoiaRequest:
    """The agency's own estimated completion date (from its letter of `on`); None clears it."""
    request, jurisdiction = workable_with_jurisdiction(session, actor, request_id, now)
    if request.status in (Status.draft, Status.withdrawn):
        raise InvalidTransition("Only a submitted request can have the agency's estimate.")
    on = _check_event_date(on, now, request, jurisdiction=jurisdiction)
    if until is not None and until < on:
        raise ValidationError("The estimate is before the letter that gave it.",
                              {"until": "Give a date on or after the letter."})
    if until == request.estimated_completion:
        return request
    summary = (f"The agency estimated completion by {format_date(until)} (letter of {format_date(on)})"
               if until else "The agency's estimated completion date was removed")
    if note.strip():
        summary += f". {note.strip()}"
    add_event(session, request, actor, "estimate", summary, now,
              detail={"on": on.isoformat(), "until": until.isoformat() if until else None, "note": note.strip()})
    _run_clock(session, actor, request, jurisdiction, "estimated", on, now, 10, until=until)
    return request


def set_reminder(session: Session, actor: User, request_id: int, now: datetime, *, on: date | None = None,
                 weeks: int | None = None, note: str = "") -> FoiaRequest:
    """"Remind me on <date>" or "in N weeks", whatever the request's status; neither clears the reminder."""
    request, jurisdiction = workable_with_jurisdiction(session, actor, request_id, now)
    today = law_today(jurisdiction, now)
    if on is not None and weeks is not None:
        raise ValidationError("Give a date or a number of weeks, not both.", {"remind_on": "Give one of the two."})
    if weeks is not None:
        if not 1 <= weeks <= MAX_REMINDER_WEEKS:
            raise ValidationError(f"Choose between 1 and {MAX_REMINDER_WEEKS} weeks.",
                                  {"weeks": f"Choose between 1 and {MAX_REMINDER_WEEKS} weeks."})
        on = today + timedelta(weeks=weeks)
    if on is not None and on <= today:
        raise ValidationError("Choose a day after today.", {"remind_on": "Choose a day after today."})
    if on is not None and on > today + timedelta(weeks=MAX_REMINDER_WEEKS):
        raise ValidationError("Choose a day within two years.", {"remind_on": "Choose a day within two years."})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError("Keep the note under 500 characters.", {"remind_note": "Keep it under 500 characters."})
    if (on, note if on else "") == (request.remind_on, request.remind_note):
        return request
    request.remind_on, request.remind_note = on, (note if on else "")
    summary = (f"Reminder set for {format_date(on)}" + (f": {note}" if note else "")) if on else "Reminder removed"
    add_event(session, request, actor, "reminder", summary, now,
              detail={"remind_on": on.isoformat() if on else None, "note": note})
    return request


def update_fees(session: Session, actor: User, request_id: int, now: datetime, *, estimate_cents: int | None,
                paid_cents: int | None, fee_waiver: FeeWaiver) -> FoiaRequest:
    """Record the agency's fee estimate, what was paid, and the waiver decision."""
    request, _ = workable_with_jurisdiction(session, actor, request_id, now)
    errors = {}
    if bounds.money_problem(estimate_cents):
        errors["fee_estimate"] = bounds.MONEY_MESSAGE
    if bounds.money_problem(paid_cents):
        errors["fee_paid"] = bounds.MONEY_MESSAGE
    if errors:
        raise ValidationError("Please correct the fees.", errors)
    new_values = {"fee_estimate_cents": estimate_cents, "fee_paid_cents": paid_cents or 0, "fee_waiver": fee_waiver}
    changes = apply_changes(request, new_values)
    if not changes:
        return request
    parts = []
    if "fee_estimate_cents" in changes:
        parts.append(f"estimate {format_money(estimate_cents) or 'none'}")
    if "fee_paid_cents" in changes:
        parts.append(f"paid {format_money(paid_cents or 0)}")
    if "fee_waiver" in changes:
        parts.append(f"waiver {fee_waiver.value.replace('_', ' ')}")
    add_event(session, request, actor, "fee", "Fees: " + ", ".join(parts), now, detail={"changes": changes})
    return request


def add_note(session: Session, actor: User, request_id: int, text: str, now: datetime) -> RequestEvent:
    """A note on the request's timeline."""
    request, _ = workable_with_jurisdiction(session, actor, request_id, now)
    text = text.strip()
    if not text:
        raise ValidationError("Write something first.", {"text": "Write something first."})
    return add_event(session, request, actor, "note", text, now)
