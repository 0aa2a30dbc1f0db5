"""How events move a request's statutory clock (interface; the deadlines work fills it in).

The requests service calls `apply_event` whenever something happens that the law counts.
`apply_event` sets request.ack_due, response_due, response_due_is_follow_up, paused_*,
appeal_due, appeal_decision_due and deadline_explanation; it never commits.

Events:
    "submitted"     the agency received the request on `on` (starts the clock)
    "acknowledged"  the agency acknowledged on `on` (next stage where the law has one)
    "paused"        fix_required / payment_required from `on` (remaining days kept)
    "resumed"       the requester replied / paid on `on` (remaining days resume)
    "extended"      the agency invoked its extension on `on`
    "determination" partial / done / no_records / rejected on `on` (opens the appeal window)
    "appealed"      the requester appealed on `on` (starts the appeal decision clock)
"""
from __future__ import annotations

from datetime import date

EVENTS = ("submitted", "acknowledged", "paused", "resumed", "extended", "determination", "appealed")


def apply_event(request, jurisdiction, event: str, on: date, *, follow_up_days: int = 10) -> None:
    """Recompute the request's due dates after `event` on `on` (stub until the deadlines work lands)."""
    if event not in EVENTS:
        raise ValueError(f"unknown clock event {event!r}")
