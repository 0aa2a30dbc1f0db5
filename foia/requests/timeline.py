"""A request's timeline: every domain records what it did to a request here, and the page reads it back."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from foia.accounts.models import Team, User
from foia.rendering import format_date, format_money
from foia.requests import access
from foia.requests.models import FeeWaiver, FoiaRequest, RequestEvent, Status, Visibility


def add_event(session: Session, request: FoiaRequest, actor: User | None, kind: str, summary: str, now: datetime,
              *, from_status: Status | None = None, to_status: Status | None = None,
              detail: dict | None = None) -> RequestEvent:
    """Record one thing that happened to a request (actor None: the system)."""
    event = RequestEvent(request_id=request.id, actor_id=actor.id if actor else None, at=now, kind=kind,
                         summary=summary, from_status=from_status, to_status=to_status, detail=detail or {})
    session.add(event)
    request.updated_at = now
    return event


def as_stored(value):
    """A value as the timeline stores it in JSON: dates as ISO strings."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


FIELD_LABELS = {
    "title": "title", "records_sought": "records sought", "agency_tracking_number": "agency tracking number",
    "max_fee_cents": "maximum fee", "expedited": "expedited processing", "visibility": "visibility",
    "embargo_until": "embargo date", "team_id": "team", "notes": "notes", "auto_follow_up": "automatic follow-ups",
    "fee_estimate_cents": "fee estimate", "fee_paid_cents": "amount paid", "fee_waiver": "fee waiver",
}


def _shown_value(name: str, value, names: dict) -> str:
    """A changed field's stored value in words: money as dollars, dates as dates, teams by name."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.endswith("_cents") and isinstance(value, int):
        return format_money(value)
    if name == "team_id":
        return names.get(value, f"team #{value}")
    if name in ("visibility", "fee_waiver"):
        return str(value).replace("_", " ")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return format_date(value)
    return str(value)


def describe_change(name: str, old, new, names: dict | None = None) -> str:
    """One edited field for the timeline: "agency tracking number set to “PRR 2018-0113”", "... cleared", "a → b"."""
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    label = label[:1].upper() + label[1:]
    before, after = _shown_value(name, old, names or {}), _shown_value(name, new, names or {})
    if not before:
        return f"{label} set to “{after}”"
    if not after:
        return f"{label} cleared (was “{before}”)"
    return f"{label}: “{before}” → “{after}”"


@dataclass
class TimelineEntry:
    event: RequestEvent
    actor_name: str
    #: An edit's changed fields in words ("Agency tracking number set to “PRR 2018-0113”").
    changes: list[str] = field(default_factory=list)


def timeline(session: Session, request: FoiaRequest, actor: User | None) -> list[TimelineEntry]:
    """The request's events the actor may read, newest first, with who did each ("System" for jobs) and
    edits in words."""
    rows = session.exec(
        select(RequestEvent, User).join(User, User.id == RequestEvent.actor_id, isouter=True)
        .where(RequestEvent.request_id == request.id)
        .order_by(RequestEvent.at.desc(), RequestEvent.id.desc())).all()
    seen = {event.id for event in access.events_seen_by(session, actor, request, [event for event, _ in rows])}
    rows = [(event, user) for event, user in rows if event.id in seen]
    edits = {event.id: (event.detail or {}).get("changes", {}) for event, _ in rows if event.kind == "edited"}
    team_ids = {value for changes in edits.values() for value in changes.get("team_id", []) if value}
    names = dict(session.exec(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all()) if team_ids else {}
    return [TimelineEntry(event, user.public_name if user else "System",
                          [describe_change(name, *pair, names=names) for name, pair in edits.get(event.id, {}).items()])
            for event, user in rows]


def apply_changes(request: FoiaRequest, values: dict) -> dict:
    """Set the values that differ on the request; return {field: [old, new]} as the timeline stores them."""
    changes = {}
    for name, value in values.items():
        old = getattr(request, name)
        if old != value:
            changes[name] = [as_stored(old.value if isinstance(old, Visibility | FeeWaiver) else old),
                             as_stored(value.value if isinstance(value, Visibility | FeeWaiver) else value)]
            setattr(request, name, value)
    return changes
