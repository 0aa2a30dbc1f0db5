"""How events move a request's statutory clock.

The requests service calls `apply_event` whenever something happens that the law counts.
`apply_event` sets request.ack_due, response_due, response_due_is_follow_up, paused_*,
appeal_due, appeal_decision_due and deadline_explanation (also extended, determination_on and
appealed_on); it never commits.

Events:
    "submitted"     the agency received the request on `on` (starts the clock)
    "acknowledged"  the agency acknowledged on `on` (next stage where the law has one)
    "paused"        fix_required / payment_required from `on` (remaining days kept)
    "resumed"       the requester replied / paid on `on` (remaining days resume)
    "extended"      the agency invoked its extension on `on`
    "determination" partial / done / no_records / rejected on `on` (opens the appeal window)
    "appealed"      the requester appealed on `on` (starts the appeal decision clock)

While paused, response_due is None and paused_remaining_days holds what the clock still had.
Each entry of deadline_explanation is a dict (see rules.Deadline.as_dict), one per kind of date,
plus a "paused" entry while the clock stands still.
"""
from __future__ import annotations

from datetime import date

from foia.deadlines import rules

EVENTS = ("submitted", "acknowledged", "paused", "resumed", "extended", "determination", "appealed")


def _set_entries(request, *entries: dict, drop: tuple[str, ...] = ()) -> None:
    kinds = {entry["kind"] for entry in entries} | set(drop)
    kept = [entry for entry in (request.deadline_explanation or []) if entry.get("kind") not in kinds]
    request.deadline_explanation = kept + list(entries)  # a new list, so the JSON column is saved


def _entry(request, kind: str) -> dict | None:
    return next((e for e in (request.deadline_explanation or []) if e.get("kind") == kind), None)


def _note(request, kind: str, note: str) -> None:
    entry = _entry(request, kind)
    if entry is None:
        return
    entry = dict(entry, notes=[*entry.get("notes", []), note])
    entry["text"] = f"{entry['text']} {note}"
    _set_entries(request, entry)


def _submitted(request, jurisdiction, on: date, follow_up_days: int) -> None:
    deadlines = rules.initial_deadlines(jurisdiction, on, follow_up_days=follow_up_days)
    by_kind = {d.kind: d for d in deadlines}
    request.ack_due = by_kind["ack_due"].due if "ack_due" in by_kind else None
    response = by_kind["response_due"]
    request.response_due = response.due
    request.response_due_is_follow_up = response.follow_up
    request.paused_remaining_days = None
    request.paused_on = None
    request.extended = False
    request.deadline_explanation = [d.as_dict() for d in deadlines]


def _acknowledged(request, jurisdiction, on: date, follow_up_days: int) -> None:
    _note(request, "ack_due", f"Acknowledged on {on.isoformat()}.")
    if not jurisdiction.response_after_ack or jurisdiction.response_days is None or request.paused_on:
        return
    if jurisdiction.slug in rules.COUNT_FROM_ACK_DEADLINE:
        return  # already counted from the acknowledgement deadline, which the acknowledgement does not move
    response = rules.response_deadline(jurisdiction, request.submitted_on or on, acknowledged_on=on,
                                       follow_up_days=follow_up_days)
    request.response_due = response.due
    request.response_due_is_follow_up = False
    _set_entries(request, response.as_dict())


def _paused(request, jurisdiction, on: date, follow_up_days: int) -> None:
    if request.paused_on is not None or request.response_due is None:
        return
    day_type = "business" if request.response_due_is_follow_up else rules.day_type_of(jurisdiction)
    remaining = rules.calendar_of(jurisdiction).days_remaining(on, request.response_due, day_type)
    request.paused_on = on
    request.paused_remaining_days = remaining
    previous = request.response_due
    request.response_due = None
    unit = rules.count_words(remaining, day_type)
    paused = rules.Deadline(
        "paused", None, f"The clock stopped on {on.isoformat()} while the agency waits on the requester "
        f"(clarification or fees); {unit} were left before {previous.isoformat()} and resume on the reply",
        jurisdiction.response_citation or jurisdiction.citation)
    entry = paused.as_dict()
    entry["remaining"] = remaining
    _set_entries(request, entry, drop=("response_due",))


def _resumed(request, jurisdiction, on: date, follow_up_days: int) -> None:
    if request.paused_on is None:
        return
    paused_on, remaining = request.paused_on, request.paused_remaining_days
    request.paused_days = (request.paused_days or 0) + max((on - paused_on).days, 0)
    request.paused_on = None
    request.paused_remaining_days = None
    if remaining is None:
        _set_entries(request, drop=("paused",))
        return
    response = rules.resumed_response(jurisdiction, on, remaining, paused_on,
                                      follow_up=request.response_due_is_follow_up)
    request.response_due = response.due
    _set_entries(request, response.as_dict(), drop=("paused",))


def _extended(request, jurisdiction, on: date, follow_up_days: int) -> None:
    if request.extended or request.response_due is None:
        return
    extended = rules.extended_response(jurisdiction, request.response_due,
                                       follow_up=request.response_due_is_follow_up)
    if extended is None:
        _note(request, "response_due", f"The agency announced an extension on {on.isoformat()}, but the law "
                                       "sets no extension period; the date stays.")
        return
    extended.notes.append(f"The agency gave notice of the extension on {on.isoformat()}.")
    request.response_due = extended.due
    request.extended = True
    _set_entries(request, extended.as_dict())


def _determination(request, jurisdiction, on: date, follow_up_days: int) -> None:
    request.determination_on = on
    window = rules.appeal_window(jurisdiction, on)
    request.appeal_due = window.due
    _set_entries(request, window.as_dict(), drop=("paused",))


def _appealed(request, jurisdiction, on: date, follow_up_days: int) -> None:
    request.appealed_on = on
    decision = rules.appeal_decision(jurisdiction, on)
    request.appeal_decision_due = decision.due
    _set_entries(request, decision.as_dict())


_HANDLERS = {
    "submitted": _submitted,
    "acknowledged": _acknowledged,
    "paused": _paused,
    "resumed": _resumed,
    "extended": _extended,
    "determination": _determination,
    "appealed": _appealed,
}


def apply_event(request, jurisdiction, event: str, on: date, *, follow_up_days: int = 10) -> None:
    """Recompute the request's due dates after `event` on `on`, with their explanations."""
    if event not in EVENTS:
        raise ValueError(f"unknown clock event {event!r}")
    _HANDLERS[event](request, jurisdiction, on, follow_up_days)
