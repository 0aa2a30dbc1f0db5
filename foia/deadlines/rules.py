"""Each jurisdiction's clock as rules: which period, counted how, from what, under which citation.

A `Deadline` is a computed date together with everything needed to explain it: the rule, its
citation, the start date and each weekend day and holiday that did not count.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from foia.deadlines.calendar import Count, HolidayCalendar, calendar_for

#: What each due date is called on pages, in mails and in the iCal feed.
LABELS = {
    "ack_due": "Acknowledgement due",
    "response_due": "Response due",
    "appeal_due": "Appeal window closes",
    "appeal_decision_due": "Appeal decision due",
    "paused": "Clock paused",
}
FOLLOW_UP_LABEL = "Follow up"

#: Laws whose second stage counts from the day the acknowledgement was due, not from the day it came.
COUNT_FROM_ACK_DEADLINE = {
    "or": "ORS 192.329(2) counts these days from the date the acknowledgement was due, "
          "whenever the agency actually acknowledged.",
}

#: Where a law says a calendar-day period ending on a weekend or holiday runs to the next business day.
ROLL_FORWARD_CITATIONS = {
    "ca": "Cal. Code Civ. Proc. 12, 12a",
}


def day_type_of(jurisdiction) -> str:
    value = jurisdiction.day_type
    return getattr(value, "value", value) or "business"


def calendar_of(jurisdiction) -> HolidayCalendar:
    """The holiday calendar a jurisdiction counts business days by."""
    return calendar_for(jurisdiction.holiday_country or "US", jurisdiction.holiday_subdiv or None)


def _fmt(day: date | None) -> str:
    return f"{day:%a %b} {day.day}, {day.year}" if day else ""


def _skipped_words(skipped) -> str:
    weekend = [s for s in skipped if s.day.weekday() >= 5]
    holidays = [s for s in skipped if s.day.weekday() < 5]
    weekend_holidays = [s for s in weekend if "(" in s.reason]
    parts = []
    if weekend:
        days = ", ".join(f"{s.day:%a %b} {s.day.day}" for s in weekend)
        parts.append(f"{len(weekend)} weekend day{'' if len(weekend) == 1 else 's'} ({days})")
    if holidays:
        parts.append("holidays: " + "; ".join(f"{s.reason} on {_fmt(s.day)}" for s in holidays))
    text = "Not counted: " + " and ".join(parts) + "."
    if weekend_holidays:
        text += " " + " ".join(f"{s.reason.split('(', 1)[1].rstrip(')')} fell on {_fmt(s.day)}."
                               for s in weekend_holidays)
    return text


def count_words(days: int, day_type: str) -> str:
    noun = "business day" if day_type == "business" else "calendar day"
    return f"{days} {noun}{'' if days == 1 else 's'}"


@dataclass
class Deadline:
    """A due date and its explanation."""

    kind: str
    due: date | None
    rule: str
    citation: str = ""
    start: date | None = None
    start_event: str = ""
    count: Count | None = None
    follow_up: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return FOLLOW_UP_LABEL if self.follow_up else LABELS.get(self.kind, self.kind)

    def text(self) -> str:
        """The explanation as sentences a requester can check with a calendar."""
        if self.due is None:
            return " ".join([f"{LABELS.get(self.kind, self.kind)}: no date. {self.rule}."
                             + (f" ({self.citation})" if self.citation else ""), *self.notes]).strip()
        parts = [f"{self.label} {_fmt(self.due)}: {self.rule}"
                 + (f" ({self.citation})" if self.citation else "") + "."]
        if self.start:
            parts.append(f"Counted from {_fmt(self.start)}, when {self.start_event}; "
                         f"day 1 is the first {'business ' if self.count and self.count.day_type == 'business' else ''}"
                         f"day after it.")
        if self.count and self.count.skipped:
            if self.count.day_type == "business":
                parts.append(_skipped_words(self.count.skipped))
            elif self.count.rolled_from:
                reasons = "; ".join(f"{s.reason} {_fmt(s.day)}" for s in self.count.skipped)
                parts.append(f"The period ended on {_fmt(self.count.rolled_from)}, not a business day ({reasons}), "
                             "so it runs to the next business day.")
        elif self.count and self.count.day_type == "business":
            parts.append("No weekend or holiday fell in between.")
        parts.extend(self.notes)
        return " ".join(parts)

    def as_dict(self) -> dict:
        """The JSON kept in FoiaRequest.deadline_explanation and printed by `foia deadline --json`."""
        return {
            "kind": self.kind,
            "label": self.label,
            "date": self.due.isoformat() if self.due else None,
            "rule": self.rule,
            "citation": self.citation,
            "start": self.start.isoformat() if self.start else None,
            "start_event": self.start_event,
            "day_type": self.count.day_type if self.count else None,
            "days": self.count.days if self.count else None,
            "skipped": [s.as_dict() for s in self.count.skipped] if self.count else [],
            "follow_up": self.follow_up,
            "notes": list(self.notes),
            "text": self.text(),
        }


def _count(jurisdiction, start: date, days: int, day_type: str | None = None) -> tuple[Count, list[str]]:
    day_type = day_type or day_type_of(jurisdiction)
    count = calendar_of(jurisdiction).add_days(start, days, day_type)
    notes = []
    if count.rolled_from:
        citation = ROLL_FORWARD_CITATIONS.get(jurisdiction.slug)
        notes.append("A period that ends on a weekend or holiday runs to the next business day"
                     + (f" ({citation})." if citation else "."))
    return count, notes


def ack_deadline(jurisdiction, received: date) -> Deadline | None:
    """When the agency must acknowledge the request; None where the law sets no such stage."""
    if jurisdiction.ack_days is None:
        return None
    day_type = day_type_of(jurisdiction)
    count, notes = _count(jurisdiction, received, jurisdiction.ack_days)
    return Deadline("ack_due", count.due, f"{count_words(jurisdiction.ack_days, day_type)} to acknowledge the request",
                    jurisdiction.ack_citation or jurisdiction.citation, received, "the agency received the request",
                    count, notes=notes)


def response_deadline(jurisdiction, received: date, *, follow_up_days: int = 10, ack: Deadline | None = None,
                      acknowledged_on: date | None = None) -> Deadline:
    """When the agency must respond; a follow-up date (flagged) where the law sets no fixed period."""
    day_type = day_type_of(jurisdiction)
    days = jurisdiction.response_days
    citation = jurisdiction.response_citation or jurisdiction.citation
    if days is None:
        count = calendar_of(jurisdiction).add_business_days(received, follow_up_days)
        what = jurisdiction.notes.strip() if jurisdiction.notes else "it asks for a response promptly or within a reasonable time"
        return Deadline("response_due", count.due,
                        f"no fixed period; a follow-up date {count_words(follow_up_days, 'business')} after receipt",
                        citation, received, "the agency received the request", count, follow_up=True,
                        notes=[f"{jurisdiction.law_name or jurisdiction.name} sets no fixed number of days ({what}). "
                               "This is when to follow up, not a statutory deadline."])
    if jurisdiction.response_after_ack and (ack is not None or acknowledged_on is not None):
        if jurisdiction.slug in COUNT_FROM_ACK_DEADLINE and ack is not None:
            count, notes = _count(jurisdiction, ack.due, days)
            notes.insert(0, COUNT_FROM_ACK_DEADLINE[jurisdiction.slug])
            return Deadline("response_due", count.due, f"{count_words(days, day_type)} after the acknowledgement deadline",
                            citation, ack.due, "the acknowledgement was due", count, notes=notes)
        if acknowledged_on is not None:
            count, notes = _count(jurisdiction, acknowledged_on, days)
            return Deadline("response_due", count.due, f"{count_words(days, day_type)} after the acknowledgement",
                            citation, acknowledged_on, "the agency acknowledged the request", count, notes=notes)
        count, notes = _count(jurisdiction, ack.due, days)
        notes.insert(0, "The law counts these days from the acknowledgement; until the agency acknowledges, "
                        "they are counted from the last day it may do so, and recomputed when it does.")
        return Deadline("response_due", count.due, f"{count_words(days, day_type)} after the acknowledgement",
                        citation, ack.due, "the acknowledgement was due", count, notes=notes)
    count, notes = _count(jurisdiction, received, days)
    return Deadline("response_due", count.due, f"{count_words(days, day_type)} to respond", citation, received,
                    "the agency received the request", count, notes=notes)


def initial_deadlines(jurisdiction, received: date, *, follow_up_days: int = 10) -> list[Deadline]:
    """The acknowledgement (if any) and response deadlines for a request received on `received`."""
    ack = ack_deadline(jurisdiction, received)
    response = response_deadline(jurisdiction, received, follow_up_days=follow_up_days, ack=ack)
    return [d for d in (ack, response) if d is not None]


def resumed_response(jurisdiction, resumed_on: date, remaining: int, paused_on: date, *,
                     follow_up: bool = False) -> Deadline:
    """The response date once a paused clock runs again with the days it still had."""
    day_type = "business" if follow_up else day_type_of(jurisdiction)
    count, notes = _count(jurisdiction, resumed_on, remaining, day_type)
    return Deadline("response_due", count.due,
                    f"the {count_words(remaining, day_type)} left when the clock stopped on {_fmt(paused_on)}",
                    jurisdiction.response_citation or jurisdiction.citation, resumed_on,
                    "the requester answered and the clock ran again", count, follow_up=follow_up, notes=notes)


def extended_response(jurisdiction, current_due: date, *, follow_up: bool = False) -> Deadline | None:
    """The response date after the agency invokes the law's extension; None where the law has none."""
    if jurisdiction.extension_days is None:
        return None
    day_type = day_type_of(jurisdiction)
    count, notes = _count(jurisdiction, current_due, jurisdiction.extension_days)
    return Deadline("response_due", count.due,
                    f"extended by {count_words(jurisdiction.extension_days, day_type)} from the previous due date",
                    jurisdiction.extension_citation or jurisdiction.citation, current_due,
                    "the response was due before the extension", count, follow_up=follow_up, notes=notes)


def appeal_window(jurisdiction, determination_on: date) -> Deadline:
    """The requester's last day to appeal (calendar days, never moved later: missing it is fatal)."""
    citation = jurisdiction.appeal_citation or jurisdiction.citation
    if jurisdiction.appeal_window_days is None:
        return Deadline("appeal_due", None, "The law sets no deadline to appeal; appeal soon anyway", citation)
    count = calendar_of(jurisdiction).add_calendar_days(determination_on, jurisdiction.appeal_window_days,
                                                        roll_forward=False)
    notes = []
    reason = calendar_of(jurisdiction).non_business_reason(count.due)
    if reason:
        notes.append(f"That day is a {reason}; send the appeal by the business day before to be safe.")
    return Deadline("appeal_due", count.due, f"{count_words(jurisdiction.appeal_window_days, 'calendar')} to appeal",
                    citation, determination_on, "the agency's determination was made", count, notes=notes)


def appeal_decision(jurisdiction, appealed_on: date) -> Deadline:
    """When the appeal body must decide."""
    citation = jurisdiction.appeal_citation or jurisdiction.citation
    if jurisdiction.appeal_response_days is None:
        return Deadline("appeal_decision_due", None, "The law sets no deadline to decide an appeal", citation)
    day_type = day_type_of(jurisdiction)
    count, notes = _count(jurisdiction, appealed_on, jurisdiction.appeal_response_days)
    return Deadline("appeal_decision_due", count.due,
                    f"{count_words(jurisdiction.appeal_response_days, day_type)} to decide the appeal",
                    citation, appealed_on, "the appeal was filed", count, notes=notes)


def find_jurisdiction(session, slug: str):
    """The jurisdiction with this slug; ValidationError naming the known ones otherwise."""
    from sqlmodel import select

    from foia.agencies.models import Jurisdiction
    from foia.errors import ValidationError

    found = session.exec(select(Jurisdiction).where(Jurisdiction.slug == (slug or "").strip().lower())).first()
    if found is None:
        known = session.exec(select(Jurisdiction.slug).order_by(Jurisdiction.slug)).all()
        hint = f" (known: {', '.join(known)})" if known and len(known) <= 60 else ""
        raise ValidationError(f"Unknown jurisdiction {slug!r}{hint}.", {"jurisdiction": "Choose a jurisdiction."})
    return found


def calculate(jurisdiction, received: date, *, follow_up_days: int = 10) -> dict:
    """Due dates for a request received on `received`: {"ack_due", "response_due", "explanation"}."""
    deadlines = {d.kind: d for d in initial_deadlines(jurisdiction, received, follow_up_days=follow_up_days)}
    ack, response = deadlines.get("ack_due"), deadlines["response_due"]
    return {
        "jurisdiction": jurisdiction.slug,
        "received": received.isoformat(),
        "ack_due": ack.due.isoformat() if ack else None,
        "response_due": response.due.isoformat() if response.due else None,
        "response_due_is_follow_up": response.follow_up,
        "explanation": [d.as_dict() for d in deadlines.values()],
    }


#: The request's date fields shown on its page, in order.
SHOWN_DATES = ("ack_due", "response_due", "appeal_due", "appeal_decision_due")


def due_items(request, today: date) -> list[dict]:
    """Each due date of a request with its label, explanation and whether it is missed, for display."""
    from foia.requests.models import Status

    explanations = {e.get("kind"): e for e in (request.deadline_explanation or [])}
    status = request.status
    running = {
        "ack_due": status == Status.submitted,
        "response_due": status in (Status.submitted, Status.acknowledged),
        "appeal_due": status in (Status.partial, Status.rejected, Status.no_records, Status.done)
                      and request.appealed_on is None,
        "appeal_decision_due": status == Status.appealing,
    }
    items = []
    for name in SHOWN_DATES:
        day = getattr(request, name)
        entry = explanations.get(name)
        if day is None and entry is None:
            continue
        follow_up = name == "response_due" and request.response_due_is_follow_up
        items.append({
            "kind": name,
            "label": FOLLOW_UP_LABEL if follow_up else LABELS[name],
            "date": day,
            "text": (entry or {}).get("text", ""),
            "skipped": (entry or {}).get("skipped", []),
            "follow_up": follow_up,
            "running": running[name],
            "overdue": bool(running[name] and day is not None and day < today),
            "days_left": (day - today).days if day is not None else None,
        })
    paused = explanations.get("paused")
    if request.paused_on is not None:
        items.append({"kind": "paused", "label": LABELS["paused"], "date": None,
                      "text": (paused or {}).get("text", ""), "skipped": [], "follow_up": False,
                      "running": True, "overdue": False, "days_left": None,
                      "remaining": request.paused_remaining_days})
    return items
