"""How events move a request's statutory clock (the law's count of days; the time source is ports.Clock).

The requests lifecycle calls `apply_event` whenever something happens that the law counts, with the
request's law and the calendar of its agency (rules.agency_calendar). It never commits.

Events, and the fields each sets:
    "submitted"     the agency received the request on `on`: ack_due, response_due (+ _is_follow_up),
                    produce_due and sue_due where the law has them; clears everything later
    "acknowledged"  the agency acknowledged on `on`: stages counted from the acknowledgement move
    "paused"        fix_required / payment_required from `on`: response_due stops (paused_on,
                    paused_remaining_days keep what the clock still had)
    "resumed"       the requester replied / paid on `on`: response_due counts the remaining days again
    "extended"      the agency extended on `on`: response_due (or produce_due) moves by the law's
                    extension, or to `until` when the agency gave a date; extended
    "estimated"     the agency gave its own completion date `until` (None clears it): estimated_completion
    "determination" partial / done / no_records / rejected on `on`: determination_on, appeal_due, and
                    produce_due / sue_due where the law counts them from the decision; after an appeal
                    (appeal_decided_on set by the lifecycle), sue_due where the law counts it from that
    "appealed"      the requester appealed on `on`: appealed_on, appeal_decision_due, sue_due

deadline_explanation holds one entry per kind of date (see rules.Deadline.as_dict), plus a
"paused" entry while the clock stands still.
"""
from __future__ import annotations

from datetime import date

from foia.deadlines import rules
from foia.deadlines.calendar import HolidayCalendar, calendar_for
from foia.deadlines.laws import Law

EVENTS = ("submitted", "acknowledged", "paused", "resumed", "extended", "estimated", "determination", "appealed")


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


def _facts(request, on: date) -> rules.Facts:
    return rules.Facts(received=request.submitted_on or on, ack_due=request.ack_due,
                       acknowledged=request.acknowledged_on,
                       response_due=None if request.response_due_is_follow_up else request.response_due,
                       determination=request.determination_on, appeal_filed=request.appealed_on,
                       appeal_decided=request.appeal_decided_on)


def _set(request, field: str, deadline: rules.Deadline | None) -> None:
    """Put a computed deadline on the request: its date field and its explanation."""
    if deadline is None:
        return
    setattr(request, field, deadline.due)
    _set_entries(request, deadline.as_dict())


def _follow_response(request, law: Law, calendar: HolidayCalendar, on: date) -> None:
    """Stages counted from the response's due date (a suit after a deemed denial) move with it."""
    stage = law.stage("sue")
    if stage is None or not stage.counted or stage.trigger != "response_due":
        return
    facts = _facts(request, on)
    if facts.response_due is None:
        return
    _set(request, "sue_due", rules.stage_deadline(law, calendar, "sue", facts))


def _submitted(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    deadlines = rules.initial_deadlines(law, calendar, on, follow_up_days=follow_up_days)
    by_kind = {d.kind: d for d in deadlines}
    request.ack_due = by_kind["ack_due"].due if "ack_due" in by_kind else None
    response = by_kind["response_due"]
    request.response_due = response.due
    request.response_due_is_follow_up = response.follow_up
    request.produce_due = by_kind["produce_due"].due if "produce_due" in by_kind else None
    request.sue_due = by_kind["sue_due"].due if "sue_due" in by_kind else None
    request.paused_remaining_days = None
    request.paused_on = None
    request.extended = False
    request.deadline_explanation = [d.as_dict() for d in deadlines]


def _acknowledged(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    _note(request, "ack_due", f"Acknowledged on {rules.fmt(on)}.")
    if request.paused_on:
        return
    facts = _facts(request, on)
    facts.acknowledged = on
    for kind, field in (("respond", "response_due"), ("produce", "produce_due"), ("sue", "sue_due")):
        stage = law.stage(kind)
        if stage is None or not stage.counted:
            continue
        if stage.trigger in ("acknowledged", "acknowledged_receipt"):
            if kind == "respond" and request.extended:
                continue  # an extension already set the date
            deadline = rules.stage_deadline(law, calendar, kind, facts)
            _set(request, field, deadline)
            if kind == "respond":
                request.response_due_is_follow_up = False
                facts.response_due = deadline.due
                _follow_response(request, law, calendar, on)
        elif stage.trigger == "ack_due" and kind == "respond":
            _note(request, "response_due", "The acknowledgement does not move this date: the law counts from the "
                                           "day the acknowledgement was due.")


def _paused(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    if request.paused_on is not None or request.response_due is None:
        return
    stage = law.stage("respond")
    unit = stage.unit if stage is not None and stage.counted and not request.response_due_is_follow_up else "business"
    remaining = calendar.days_remaining(on, request.response_due, unit)
    request.paused_on = on
    request.paused_remaining_days = remaining
    previous = request.response_due
    request.response_due = None
    paused = rules.Deadline(
        "paused", None, f"The clock stopped on {rules.fmt(on)} while the agency waits on the requester "
        f"(clarification or fees); {rules.count_words(remaining, unit)} were left before {rules.fmt(previous)} "
        f"and resume on the reply", citation=(stage.citation if stage else law.citation), basis="statutory")
    entry = paused.as_dict()
    entry["remaining"] = remaining
    entry["unit"] = unit
    _set_entries(request, entry, drop=("response_due",))


def _resumed(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    if request.paused_on is None:
        return
    paused_on, remaining = request.paused_on, request.paused_remaining_days
    unit = (_entry(request, "paused") or {}).get("unit") or "business"
    request.paused_days = (request.paused_days or 0) + max((on - paused_on).days, 0)
    request.paused_on = None
    request.paused_remaining_days = None
    if remaining is None:
        _set_entries(request, drop=("paused",))
        return
    response = rules.resumed_response(law, calendar, on, remaining, paused_on, unit,
                                      follow_up=request.response_due_is_follow_up)
    request.response_due = response.due
    _set_entries(request, response.as_dict(), drop=("paused",))
    _follow_response(request, law, calendar, on)


def _extended(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    stage = law.stage("extend") or law.stage("extend", extends="produce")
    extends = stage.extends if stage is not None else "respond"
    field = "produce_due" if extends == "produce" else "response_due"
    current = getattr(request, field)
    if current is None and until is None:
        _note(request, field, f"The agency announced an extension on {rules.fmt(on)}; there is no running due date "
                              "to move.")
        return
    lawful = rules.extension(law, calendar, _facts(request, on), None if request.response_due_is_follow_up
                             and field == "response_due" else current, extends=extends)
    if until is not None:
        deadline = rules.Deadline(field, until,
                                  f"the date the agency gave when it extended its time on {rules.fmt(on)}", stage,
                                  basis="agency", citation=(stage.citation if stage else law.citation))
        if lawful.due is not None and until > lawful.due:
            deadline.notes.append(f"That is later than the law's extension allows: {rules.fmt(lawful.due)} "
                                  f"({lawful.rule}).")
        elif lawful.due is None:
            deadline.notes.append(lawful.text())
    elif lawful.due is None:
        _note(request, field, f"The agency announced an extension on {rules.fmt(on)}. {lawful.rule}; the date stays.")
        return
    elif request.extended and not (stage is not None and stage.repeatable):
        _note(request, field, f"The agency announced another extension on {rules.fmt(on)}, but the law allows one; "
                              "the date stays.")
        return
    else:
        deadline = lawful
        deadline.kind = field
        deadline.notes.append(f"The agency gave notice of the extension on {rules.fmt(on)}.")
    deadline.follow_up = False
    request.extended = True
    setattr(request, field, deadline.due)
    if field == "response_due":
        request.response_due_is_follow_up = False
    _set_entries(request, deadline.as_dict())
    if field == "response_due":
        _follow_response(request, law, calendar, on)


def _estimated(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    request.estimated_completion = until
    if until is None:
        _set_entries(request, drop=("estimated_completion",))
        return
    entry = rules.Deadline("estimated_completion", until, f"the agency's own estimate, given on {rules.fmt(on)}; "
                           "not a statutory deadline, shown beside the law's dates", basis="agency")
    _set_entries(request, entry.as_dict())


def _determination(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    request.determination_on = on
    facts = _facts(request, on)
    facts.determination = on
    window = rules.stage_deadline(law, calendar, "appeal", facts)
    request.appeal_due = window.due
    _set_entries(request, window.as_dict(), drop=("paused",))
    triggers = {"determination"} | ({"appeal_decision"} if request.appeal_decided_on == on else set())
    for kind, field in (("produce", "produce_due"), ("sue", "sue_due")):
        stage = law.stage(kind)
        if stage is not None and stage.counted and stage.trigger in triggers:
            _set(request, field, rules.stage_deadline(law, calendar, kind, facts))


def _appealed(request, law: Law, calendar: HolidayCalendar, on: date, follow_up_days: int, until) -> None:
    request.appealed_on = on
    facts = _facts(request, on)
    facts.appeal_filed = on
    decision = rules.stage_deadline(law, calendar, "appeal_decided", facts)
    request.appeal_decision_due = decision.due
    _set_entries(request, decision.as_dict())
    stage = law.stage("sue")
    if stage is not None and stage.counted and stage.trigger == "appeal_filed":
        _set(request, "sue_due", rules.stage_deadline(law, calendar, "sue", facts))


_HANDLERS = {
    "submitted": _submitted,
    "acknowledged": _acknowledged,
    "paused": _paused,
    "resumed": _resumed,
    "extended": _extended,
    "estimated": _estimated,
    "determination": _determination,
    "appealed": _appealed,
}


def apply_event(request, law: Law, event: str, on: date, *, calendar: HolidayCalendar | None = None,
                follow_up_days: int = 10, until: date | None = None) -> None:
    """Recompute the request's due dates after `event` on `on`, with their explanations.

    `calendar` is the agency's (its law's holidays and its own closure days); `until` is a date the
    agency gave (extended, estimated).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown clock event {event!r}")
    _HANDLERS[event](request, law, calendar or calendar_for(law.holidays), on, follow_up_days, until)
