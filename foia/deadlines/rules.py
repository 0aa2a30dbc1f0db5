"""A law's stages as dated, explained deadlines: which period, counted how, from what, under which words.

Every stage of a law file (docs/law-data.md) becomes a `Deadline` the same way: its trigger gives
day 0, its unit counts business or calendar days on the jurisdiction's (and agency's) calendar,
its rollover moves a calendar-day period that ends on a closed day, and its citation and quote
say where the law sets it. A stage the law does not have says "the law sets none" when the file
is verified and "not in our data yet" otherwise; `unit = "none"` ("promptly") and `unit =
"unknown"` (not read yet) give no statutory date, and a respond stage then gets a follow-up
date, flagged as such.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from foia.deadlines.calendar import ClosedDay, Count, HolidayCalendar, calendar_for
from foia.deadlines.laws import Law, Stage
from foia.requests.status import AGENCY_DATES, DUE_DATE_LABELS, due_date_label, running_dates

#: The request's date field (and the `foia deadline --json` key) each stage kind sets.
DATE_OF_STAGE = {"acknowledge": "ack_due", "respond": "response_due", "produce": "produce_due",
                 "extend": "extended_due", "appeal": "appeal_due", "appeal_decided": "appeal_decision_due",
                 "sue": "sue_due"}
WHAT = {"acknowledge": "to acknowledge the request", "respond": "to respond (grant or deny)",
        "produce": "to produce the records", "extend": "more by extension", "appeal": "to appeal",
        "appeal_decided": "to decide the appeal", "sue": "before the requester may go to court"}
#: What each stage kind is called on the Laws pages.
STAGE_TITLES = {"acknowledge": "Acknowledge", "respond": "Respond", "produce": "Produce the records",
                "extend": "Extension", "appeal": "Appeal", "appeal_decided": "Appeal decided",
                "sue": "Going to court"}
NO_STAGE = {"acknowledge": "no deadline to acknowledge", "respond": "no deadline to respond",
            "produce": "no separate deadline to produce the records", "extend": "no extension period",
            "appeal": "no deadline to appeal", "appeal_decided": "no deadline to decide an appeal",
            "sue": "no date for going to court"}
TRIGGER_WORDS = {"receipt": "the agency received the request", "ack_due": "the acknowledgement was due",
                 "acknowledged": "the agency acknowledged the request",
                 "acknowledged_receipt": "the agency acknowledged receipt of the request",
                 "response_due": "the response was due", "determination": "the agency made its decision",
                 "appeal_filed": "the appeal was filed", "appeal_decision": "the appeal was decided"}
NOT_STATUTORY = "This is when to follow up, not a statutory deadline."


def what(stage: Stage) -> str:
    """What a stage's days are for: WHAT, except that a suit's last day is a limit, not a wait."""
    return "to go to court" if stage.kind == "sue" and stage.last_day else WHAT[stage.kind]


def fmt(day: date | None) -> str:
    """"Mon Mar 2, 2026"."""
    return f"{day:%a %b} {day.day}, {day.year}" if day else ""


def count_words(days: int, unit: str) -> str:
    noun = {"business": "business day", "calendar": "calendar day"}.get(unit, "day")
    return f"{days} {noun}{'' if days == 1 else 's'}"


def agency_calendar(law: Law, agency=None) -> HolidayCalendar:
    """The calendar a request to `agency` counts by: its law's holidays and the agency's own closure days."""
    closures = tuple(ClosedDay(date.fromisoformat(c["date"]), c.get("name") or "Agency closed")
                     for c in (getattr(agency, "closed_days", None) or []))
    return calendar_for(law.holidays, closures, agency.name if agency is not None and closures else "")


def _skipped_words(count: Count) -> str:
    weekend = [s for s in count.skipped if s.day.weekday() >= 5]
    closed = [s for s in count.skipped if s.day.weekday() < 5]
    parts = []
    if weekend:
        days = ", ".join(f"{s.day:%a %b} {s.day.day}" for s in weekend)
        parts.append(f"{len(weekend)} weekend day{'' if len(weekend) == 1 else 's'} ({days})")
    if closed:
        parts.append("closed days: " + "; ".join(f"{s.reason} on {fmt(s.day)} [{s.rule}]" for s in closed))
    text = "Not counted: " + " and ".join(parts) + "."
    for s in weekend:
        if "(" in s.reason:
            text += f" {s.reason.split('(', 1)[1].rstrip(')')} fell on {fmt(s.day)}."
    return text


@dataclass
class Deadline:
    """A due date (or the reason there is none) and everything needed to explain it."""

    kind: str
    due: date | None
    rule: str
    stage: Stage | None = None
    start: date | None = None
    start_event: str = ""
    count: Count | None = None
    follow_up: bool = False
    #: statutory | follow_up | none (the law sets none) | unknown (not in our data yet) | agency | requester
    basis: str = "statutory"
    notes: list[str] = field(default_factory=list)
    citation: str = ""

    def __post_init__(self):
        if self.stage is not None and not self.citation:
            self.citation = self.stage.citation

    @property
    def label(self) -> str:
        return due_date_label(self.kind, follow_up=self.follow_up,
                              last_day=bool(self.stage and self.stage.last_day))

    def text(self) -> str:
        """The explanation as sentences a requester can check with a calendar."""
        cite = f" ({self.citation})" if self.citation else ""
        if self.due is None:
            parts = [f"{self.label}: no date. {self.rule}{cite}."]
        else:
            parts = [f"{self.label} {fmt(self.due)}: {self.rule}{cite}."]
        if self.start and self.count:
            first = "business day" if self.count.unit == "business" else "day"
            parts.append(f"Counted from {fmt(self.start)}, when {self.start_event}; "
                         f"day 1 is the first {first} after it.")
        if self.count and self.count.unit == "business":
            parts.append(_skipped_words(self.count) if self.count.skipped
                         else "No weekend or closed day fell in between.")
            for note in self.count.counted_optional:
                parts.append(f"{note.reason} on {fmt(note.day)} counted: {note.rule}.")
        elif self.count and self.count.rolled_from:
            reasons = "; ".join(f"{fmt(s.day)}, {s.reason}" + ("" if s.rule == "weekend" else f" [{s.rule}]")
                                for s in self.count.skipped)
            parts.append(f"The period ended on {fmt(self.count.rolled_from)}, not a business day ({reasons}), "
                         "so it runs to the next business day.")
        parts.extend(self.notes)
        if self.stage is not None and self.stage.quote:
            parts.append(f"The law: “{self.stage.quote}”")
        return " ".join(parts)

    def as_dict(self) -> dict:
        """The JSON kept in FoiaRequest.deadline_explanation and printed by `foia deadline --json`."""
        stage = self.stage
        return {
            "kind": self.kind,
            "label": self.label,
            "date": self.due.isoformat() if self.due else None,
            "basis": self.basis,
            "rule": self.rule,
            "citation": self.citation,
            "quote": stage.quote if stage else "",
            "source_url": stage.source_url if stage else "",
            "checked": stage.checked.isoformat() if stage and stage.checked else None,
            "variant": stage.variant if stage else "",
            "body": stage.body if stage else "",
            "address": stage.address if stage else "",
            "last_day": bool(stage and stage.last_day),
            "start": self.start.isoformat() if self.start else None,
            "start_event": self.start_event,
            "unit": self.count.unit if self.count else (stage.unit if stage else None),
            "days": self.count.days if self.count else (stage.days if stage else None),
            "skipped": [s.as_dict() for s in self.count.skipped] if self.count else [],
            "follow_up": self.follow_up,
            "notes": list(self.notes),
            "text": self.text(),
        }


@dataclass
class Facts:
    """What is known about a request's progress: the days a stage's trigger can name."""

    received: date
    ack_due: date | None = None
    acknowledged: date | None = None
    response_due: date | None = None
    determination: date | None = None
    appeal_filed: date | None = None
    appeal_decided: date | None = None


def _absent(law: Law, kind: str) -> Deadline:
    """A stage the law file does not have: "the law sets none" if verified, else "not in our data yet"."""
    name = DATE_OF_STAGE[kind]
    if law.verified:
        return Deadline(name, None, f"The law sets {NO_STAGE[kind]}", basis="none", citation=law.citation)
    return Deadline(name, None, f"Not in our data yet: {law.name}'s entry has not been checked against the statute "
                    f"for this stage, so it may or may not set one", basis="unknown", citation=law.citation)


def _variants_note(law: Law, kind: str) -> list[str]:
    variants = law.variants(kind)
    if not variants:
        return []
    words = "; ".join(f"{v.variant}: " + (count_words(v.days, v.unit) if v.counted else
                                          "no fixed number of days" if v.unit == "none" else "not in our data yet")
                      + (f" ({v.citation})" if v.citation else "") for v in variants)
    return [f"Other cases the law names: {words}."]


def _start(stage: Stage, facts: Facts) -> tuple[date | None, str, str]:
    """Day 0 of a stage, the words for it, and a note when it stands in for a day not yet known."""
    trigger = stage.trigger
    if trigger == "receipt":
        return facts.received, TRIGGER_WORDS[trigger], ""
    if trigger == "ack_due":
        if facts.ack_due is None:
            return facts.received, TRIGGER_WORDS["receipt"], "The law counts from the acknowledgement's due date, " \
                                                             "which it does not set; counted from receipt instead."
        return facts.ack_due, TRIGGER_WORDS[trigger], "Counted from the day the acknowledgement was due, whenever " \
                                                      "the agency actually acknowledged."
    if trigger in ("acknowledged", "acknowledged_receipt"):
        if facts.acknowledged is not None:
            return facts.acknowledged, TRIGGER_WORDS[trigger], ""
        if facts.ack_due is not None:
            return facts.ack_due, TRIGGER_WORDS["ack_due"], "The law counts from the agency's acknowledgement; until " \
                "it comes, counted from the last day it may, and recomputed when it does."
        return facts.received, TRIGGER_WORDS["receipt"], "The law counts from the agency's acknowledgement; until " \
            "it comes, counted from receipt (the earliest it can be), and recomputed when it does."
    if trigger == "response_due":
        return facts.response_due, TRIGGER_WORDS[trigger], ""
    if trigger == "determination":
        if facts.determination is None and stage.kind == "produce" and facts.response_due is not None:
            return facts.response_due, TRIGGER_WORDS["response_due"], "The law counts from the agency's decision; " \
                "until it comes, counted from the day the decision is due, and recomputed when it does."
        return facts.determination, TRIGGER_WORDS[trigger], ""
    if trigger == "appeal_filed":
        return facts.appeal_filed, TRIGGER_WORDS[trigger], ""
    return facts.appeal_decided, TRIGGER_WORDS[trigger], ""


def count_stage(law: Law, calendar: HolidayCalendar, stage: Stage, start: date, start_words: str,
                *, name: str | None = None, rule: str | None = None) -> Deadline:
    """A counted stage from a given day 0: the date, the days skipped, and the rollover's reason."""
    roll = stage.unit == "calendar" and stage.rollover == "next_business_day"
    count = calendar.add_days(start, stage.days, stage.unit, roll_forward=roll)
    notes = [stage.notes] if stage.notes else []
    closed = calendar.non_business_day(count.due)
    if closed is not None:
        what_day = f"a {closed.reason}" if closed.rule == "weekend" else closed.reason
        notes.append(f"That day is {what_day} and the law does not move it: act by "
                     f"{fmt(calendar.previous_business_day(count.due))} to be safe.")
    words = rule or f"{count_words(stage.days, stage.unit)} {what(stage)}"
    return Deadline(name or DATE_OF_STAGE[stage.kind], count.due, words, stage, start, start_words, count, notes=notes)


def follow_up_deadline(law: Law, calendar: HolidayCalendar, received: date, follow_up_days: int,
                       stage: Stage | None) -> Deadline:
    """Where the law sets no response period: a follow-up date, flagged as not statutory."""
    count = calendar.add_business_days(received, follow_up_days)
    if stage is not None and stage.unit == "none":
        note = (f"{law.law_name or law.name} sets no fixed number of days for a response"
                + (f" (“{stage.quote}”)" if stage.quote else "") + f". {NOT_STATUTORY}")
        basis = "none"
    else:
        note = (f"Not in our data yet: {law.name}'s response period has not been read from the statute"
                + (f" ({stage.notes.rstrip('.')})" if stage is not None and stage.notes else "") + f". {NOT_STATUTORY}")
        basis = "unknown"
    deadline = Deadline("response_due", count.due,
                        f"no fixed period; a follow-up date {count_words(follow_up_days, 'business')} after receipt",
                        None, received, TRIGGER_WORDS["receipt"], count, follow_up=True, basis=basis, notes=[note],
                        citation=(stage.citation if stage is not None and stage.citation else law.citation))
    return deadline


def stage_deadline(law: Law, calendar: HolidayCalendar, kind: str, facts: Facts, *, follow_up_days: int = 10,
                   extends: str = "respond") -> Deadline | None:
    """The deadline of a law's default stage of `kind` given what is known; None when its trigger has not happened.

    A stage the law does not have gives a dateless deadline saying so ("the law sets none" or "not in our
    data yet"); a respond stage without a count gives a flagged follow-up date.
    """
    stage = law.stage(kind, extends=extends)
    variants = _variants_note(law, kind)
    if stage is None:
        if kind == "respond":
            deadline = follow_up_deadline(law, calendar, facts.received, follow_up_days, None)
            if law.verified:
                deadline.basis = "none"
                deadline.notes = [f"{law.law_name or law.name} sets no deadline to respond. {NOT_STATUTORY}"]
        else:
            deadline = _absent(law, kind)
        deadline.notes.extend(variants)
        return deadline
    if not stage.counted:
        if kind == "respond":
            deadline = follow_up_deadline(law, calendar, facts.received, follow_up_days, stage)
        elif stage.unit == "none":
            deadline = Deadline(DATE_OF_STAGE[kind], None, f"The law sets no number of days {WHAT[kind]}", stage,
                                basis="none", notes=[stage.notes] if stage.notes else [])
        else:
            deadline = Deadline(DATE_OF_STAGE[kind], None, "Not in our data yet: this stage has not been read from "
                                "the statute", stage, basis="unknown",
                                notes=[stage.notes] if stage.notes else [])
        deadline.notes.extend(variants)
        return deadline
    start, start_words, note = _start(stage, facts)
    if start is None:
        return None
    deadline = count_stage(law, calendar, stage, start, start_words)
    if note:
        deadline.notes.insert(0, note)
    deadline.notes.extend(variants)
    return deadline


def initial_deadlines(law: Law, calendar: HolidayCalendar, received: date, *, follow_up_days: int = 10,
                      acknowledged: date | None = None) -> list[Deadline]:
    """The deadlines that start with the request's receipt: acknowledgement, response, production, suit."""
    facts = Facts(received=received, acknowledged=acknowledged)
    found = []
    ack = stage_deadline(law, calendar, "acknowledge", facts) if law.stage("acknowledge") or law.variants(
        "acknowledge") else None
    if ack is not None:
        facts.ack_due = ack.due
        found.append(ack)
    response = stage_deadline(law, calendar, "respond", facts, follow_up_days=follow_up_days)
    found.append(response)
    if not response.follow_up:
        facts.response_due = response.due
    for kind in ("produce", "sue"):
        if law.stage(kind) is not None:
            deadline = stage_deadline(law, calendar, kind, facts)
            if deadline is not None and (kind != "sue" or deadline.due is not None or not law.stage(kind).counted):
                found.append(deadline)
    return found


def extension(law: Law, calendar: HolidayCalendar, facts: Facts, current_due: date | None, *,
              extends: str = "respond") -> Deadline:
    """The date the law's extension gives (from the current due date or from receipt, as its trigger says)."""
    stage = law.stage("extend", extends=extends)
    if stage is None or not stage.counted:
        deadline = stage_deadline(law, calendar, "extend", facts, extends=extends)
        return deadline
    if stage.trigger == "response_due":
        if current_due is None:
            return Deadline("extended_due", None, "The extension counts from the response's due date, "
                            "which the law does not set", stage)
        return count_stage(law, calendar, stage, current_due, "the response was due before the extension",
                           name="extended_due",
                           rule=f"extended by {count_words(stage.days, stage.unit)} from the previous due date")
    start, start_words, note = _start(stage, facts)
    deadline = count_stage(law, calendar, stage, start, start_words, name="extended_due",
                           rule=f"extended to {count_words(stage.days, stage.unit)} from when {start_words}")
    if note:
        deadline.notes.insert(0, note)
    return deadline


def resumed_response(law: Law, calendar: HolidayCalendar, resumed_on: date, remaining: int, paused_on: date,
                     unit: str, *, follow_up: bool = False) -> Deadline:
    """The response date once a paused clock runs again with the days it still had."""
    stage = law.stage("respond")
    count = calendar.add_days(resumed_on, remaining, unit, roll_forward=bool(
        stage and stage.unit == "calendar" and stage.rollover == "next_business_day"))
    return Deadline("response_due", count.due,
                    f"the {count_words(remaining, unit)} left when the clock stopped on {fmt(paused_on)}",
                    None, resumed_on, "the requester answered and the clock ran again", count, follow_up=follow_up,
                    basis="follow_up" if follow_up else "statutory",
                    citation=(stage.citation if stage else law.citation))


def waiting(stage: Stage) -> Deadline:
    """A counted stage whose day 0 has not come yet: the period in words and the event that starts it."""
    return Deadline(DATE_OF_STAGE[stage.kind], None, f"{count_words(stage.days, stage.unit)} {what(stage)}, "
                    f"counted from when {TRIGGER_WORDS[stage.trigger]} (give that date to see the day)", stage,
                    basis="statutory")


def calculate(law: Law, received: date, *, determination: date | None = None, appeal_filed: date | None = None,
              appeal_decided: date | None = None, follow_up_days: int = 10,
              calendar: HolidayCalendar | None = None) -> dict:
    """Every due date for a request received on `received` (and, when given, decided, appealed and decided on
    appeal on those days).

    The DESIGN.md shape {"ack_due", "response_due", "explanation"} plus the other stages' dates.
    """
    calendar = calendar or calendar_for(law.holidays)
    deadlines = initial_deadlines(law, calendar, received, follow_up_days=follow_up_days)
    by_kind = {d.kind: d for d in deadlines}
    ack, response = by_kind.get("ack_due"), by_kind["response_due"]
    facts = Facts(received=received, ack_due=ack.due if ack else None,
                  response_due=None if response.follow_up else response.due,
                  determination=determination, appeal_filed=appeal_filed, appeal_decided=appeal_decided)
    entries = list(deadlines)
    if determination is not None and "produce_due" in by_kind:
        produce = stage_deadline(law, calendar, "produce", facts)
        entries = [produce if e.kind == "produce_due" else e for e in entries]
        by_kind["produce_due"] = produce
    # The law's extension of the response, or (where it extends only the production) of the production.
    extends = "produce" if law.stage("extend") is None and law.stage("extend", extends="produce") else "respond"
    produced = by_kind.get("produce_due")
    extended = extension(law, calendar, facts, facts.response_due if extends == "respond"
                         else (produced.due if produced is not None else None), extends=extends)
    if extended.due is not None:
        extended.notes.insert(0, "If the agency takes the extension the law allows.")
    if extended.due is not None or law.stage("extend", extends=extends) is not None:
        entries.append(extended)
    appeal = stage_deadline(law, calendar, "appeal", facts) or waiting(law.stage("appeal"))
    entries.append(appeal)
    decided = None
    if law.stage("appeal_decided") is not None:
        decided = stage_deadline(law, calendar, "appeal_decided", facts) or waiting(law.stage("appeal_decided"))
        entries.append(decided)
    if "sue_due" not in by_kind and law.stage("sue") is not None:
        sue = stage_deadline(law, calendar, "sue", facts) or waiting(law.stage("sue"))
        entries.append(sue)
        if sue.due is not None:
            by_kind["sue_due"] = sue

    def day(deadline: Deadline | None) -> str | None:
        return deadline.due.isoformat() if deadline is not None and deadline.due else None

    return {
        "jurisdiction": law.slug,
        "received": received.isoformat(),
        "verified": law.verified,
        "ack_due": day(ack),
        "response_due": None if response.follow_up else day(response),
        "response_due_is_follow_up": response.follow_up,
        "follow_up_on": day(response) if response.follow_up else None,
        "produce_due": day(by_kind.get("produce_due")),
        "extended_due": day(extended),
        "determination": determination.isoformat() if determination else None,
        "appeal_due": day(appeal),
        "appeal_filed": appeal_filed.isoformat() if appeal_filed else None,
        "appeal_decided_due": day(decided),
        "appeal_decided": appeal_decided.isoformat() if appeal_decided else None,
        "sue_due": day(by_kind.get("sue_due")),
        "explanation": [d.as_dict() for d in entries],
    }


def stage_summary(stage: Stage) -> str:
    """One stage in plain words: "20 business days to respond (from receipt)"."""
    if stage.unit == "none":
        words = f"no fixed number of days {WHAT[stage.kind]}"
    elif stage.unit == "unknown":
        words = f"{WHAT[stage.kind]}: not in our data yet"
    else:
        words = f"{count_words(stage.days, stage.unit)} {what(stage)}"
    if stage.counted and stage.trigger != "receipt":
        words += f", counted from when {TRIGGER_WORDS[stage.trigger]}"
    return words


def law_summary(law: Law) -> str:
    """The clock in plain words: "20 business days to respond; 10 business days more by extension; ..."."""
    parts = [stage_summary(stage) for stage in law.stages if not stage.variant]
    if law.stage("respond") is None:
        parts.insert(0, "no deadline to respond" if law.verified else "response period not in our data yet")
    return "; ".join(parts)


def due_items(request, today: date) -> list[dict]:
    """Each due date of a request with its label, explanation, and whether it runs in its status (RUNNING_DATES)
    and is missed, for display."""
    running = running_dates(request)
    explanations = {e.get("kind"): e for e in (request.deadline_explanation or [])}
    items = []
    for name in DUE_DATE_LABELS:
        day = getattr(request, name)
        entry = explanations.get(name) or {}
        if day is None and not entry:
            continue
        follow_up = name == "response_due" and request.response_due_is_follow_up
        is_running = name in running
        items.append({
            "kind": name,
            "label": due_date_label(name, follow_up=follow_up, last_day=bool(entry.get("last_day"))),
            "date": day,
            "text": request.remind_note if name == "remind_on" else entry.get("text", ""),
            "skipped": entry.get("skipped", []),
            "basis": entry.get("basis", "requester" if name == "remind_on" else "statutory"),
            "citation": entry.get("citation", ""),
            "source_url": entry.get("source_url", ""),
            # None: the stage's words were not read in the statute; False: kept before stages carried that date.
            "checked": entry.get("checked", False),
            "follow_up": follow_up,
            "running": is_running,
            "overdue": bool(is_running and name in AGENCY_DATES and day is not None and day < today),
            "days_left": (day - today).days if day is not None else None,
        })
    if request.paused_on is not None:
        paused = explanations.get("paused") or {}
        items.append({"kind": "paused", "label": due_date_label("paused"), "date": None,
                      "text": paused.get("text", ""), "skipped": [], "basis": "statutory", "follow_up": False,
                      "running": True, "overdue": False, "days_left": None,
                      "remaining": request.paused_remaining_days, "unit": paused.get("unit", "business")})
    return items
