"""Requests: filing (one agency or a batch), letters, the lifecycle, fees, notes and lists.

Every function takes the session, the acting user and `now`; none commits (the caller does, once per
action), and each one that acts on a request checks the actor's rights through foia.requests.access.
"""
from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from foia import bounds
from foia.accounts.models import Team, TeamMembership, User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines import clock, rules
from foia.deadlines.calendar import law_today
from foia.deadlines.laws import law_for
from foia.errors import InvalidTransition, NotFound, ValidationError
from foia.pagination import Page, clamp
from foia.ports import local_date
from foia.requests import access, letters
from foia.requests.models import (AGENCY_DATES, DUE_DATE_LABELS, OPEN_STATUSES, TRANSITIONS, FeeWaiver,
                                  FoiaRequest, RequestBatch, RequestEvent, Status, SubmissionMethod, Visibility,
                                  RUNNING_DATES, due_date_label, running_dates)
from foia.requests.timeline import add_event

TOKEN_ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 24
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
EDITABLE_FIELDS = ("title", "records_sought", "agency_tracking_number", "max_fee_cents", "expedited",
                   "visibility", "embargo_until", "team_id", "notes", "auto_follow_up")
FIELD_LABELS = {
    "title": "title", "records_sought": "records sought", "agency_tracking_number": "agency tracking number",
    "max_fee_cents": "maximum fee", "expedited": "expedited processing", "visibility": "visibility",
    "embargo_until": "embargo date", "team_id": "team", "notes": "notes", "auto_follow_up": "automatic follow-ups",
    "fee_estimate_cents": "fee estimate", "fee_paid_cents": "amount paid", "fee_waiver": "fee waiver",
}


# Small value helpers ------------------------------------------------------------------------------

def _shown_value(name: str, value, names: dict) -> str:
    """A changed field's stored value in words: money as dollars, dates as dates, teams by name."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.endswith("_cents") and isinstance(value, int):
        return letters.money(value)
    if name == "team_id":
        return names.get(value, f"team #{value}")
    if name in ("visibility", "fee_waiver"):
        return str(value).replace("_", " ")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return date.fromisoformat(value).strftime("%b %-d, %Y")
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


def dollars_to_cents(value) -> int | None:
    """"12.50" or Decimal("12.5") -> 1250; None or "" -> None. Raises ValueError on nonsense or < 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise ValueError("Enter an amount in dollars, like 25 or 12.50.") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("Enter an amount of zero or more.")
    if amount * 100 > bounds.MAX_FEE_CENTS:
        raise ValueError(bounds.MONEY_MESSAGE)
    return int((amount * 100).quantize(Decimal("1")))


def new_reply_token() -> str:
    """An unguessable token that fits an email local part: lowercase letters and digits only."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def next_tracking_code(session: Session, year: int) -> str:
    """FOIA-<year>-<sequence>: one more than the highest sequence used this year, at least 4 digits."""
    prefix = f"FOIA-{year}-"
    codes = session.exec(select(FoiaRequest.tracking_code).where(FoiaRequest.tracking_code.startswith(prefix)))
    highest = max((int(code[len(prefix):]) for code in codes if code[len(prefix):].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


#: Today where the request's law counts days; the one helper is deadlines.calendar.law_today.
jurisdiction_today = law_today


def current_due(request: FoiaRequest) -> date | None:
    """The soonest date the agency must still meet now (its running dates: see RUNNING_DATES)."""
    dates = [getattr(request, name) for name in running_dates(request) if name in AGENCY_DATES]
    return min((day for day in dates if day is not None), default=None)


def is_overdue(request: FoiaRequest, today: date) -> bool:
    """A date the agency must meet in the request's status has passed (derived, never stored).

    After a partial release the statutory deadline was met; later releases are late only against a
    production date or the agency's own estimate.
    """
    due = current_due(request)
    return due is not None and due < today


def due_phrase(due: date | None, today: date) -> str:
    """"due today", "in 3 days", "5 days overdue"."""
    if due is None:
        return ""
    days = (due - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    return "1 day overdue" if days == -1 else f"{-days} days overdue"


# Creating requests --------------------------------------------------------------------------------

@dataclass
class NewRequest:
    """What the requester filled in on the new-request form."""

    agency_ids: list[int]
    title: str
    records_sought: str
    fee_waiver: bool = False
    expedited: bool = False
    max_fee_cents: int | None = None
    visibility: Visibility = Visibility.private
    embargo_until: date | None = None
    team_id: int | None = None

    @property
    def letter_facts(self) -> letters.LetterFacts:
        return letters.LetterFacts(title=self.title.strip(), records_sought=self.records_sought.strip(),
                                   fee_waiver=self.fee_waiver, expedited=self.expedited,
                                   max_fee_cents=self.max_fee_cents)


@dataclass
class LetterDraft:
    """One agency's letter as shown in the preview step."""

    agency: Agency
    jurisdiction: Jurisdiction
    text: str


def _check_team(session: Session, owner: User, team_id: int | None, errors: dict) -> None:
    if team_id is None:
        return
    if (not bounds.is_id(team_id) or session.get(Team, team_id) is None
            or session.get(TeamMembership, (team_id, owner.id)) is None):
        errors["team_id"] = "Choose one of your own teams."


def _check_visibility(visibility: Visibility, embargo_until: date | None, today: date, errors: dict,
                      *, require_future: bool) -> None:
    if visibility == Visibility.embargoed:
        if embargo_until is None:
            errors["embargo_until"] = "Give the date the embargo ends."
        elif bounds.date_problem(embargo_until):
            errors["embargo_until"] = bounds.DATE_MESSAGE
        elif require_future and embargo_until <= today:
            errors["embargo_until"] = "The embargo must end after today."


def check_new_request(session: Session, actor: User, new: NewRequest, now: datetime) -> list[Agency]:
    """The agencies of a valid new request, in the order given; ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    title = new.title.strip()
    if not title:
        errors["title"] = "Give the request a short title."
    elif len(title) > 300:
        errors["title"] = "Keep the title under 300 characters."
    if not new.records_sought.strip():
        errors["records_sought"] = "Describe the records you are asking for."
    agency_ids = list(dict.fromkeys(new.agency_ids))
    real_ids = [agency_id for agency_id in agency_ids if bounds.is_id(agency_id)]
    agencies = {a.id: a for a in session.exec(select(Agency).where(Agency.id.in_(real_ids)))} if real_ids else {}
    if not agency_ids:
        errors["agency_ids"] = "Choose at least one agency."
    elif len(agencies) != len(agency_ids):
        errors["agency_ids"] = "One of the chosen agencies no longer exists."
    if bounds.money_problem(new.max_fee_cents):
        errors["max_fee"] = bounds.MONEY_MESSAGE
    _check_visibility(new.visibility, new.embargo_until, local_date(now), errors, require_future=True)
    _check_team(session, actor, new.team_id, errors)
    if errors:
        raise ValidationError("Please correct the marked fields.", errors)
    return [agencies[i] for i in agency_ids]


def preview_letters(session: Session, actor: User, new: NewRequest, now: datetime) -> list[LetterDraft]:
    """Each agency's letter for a new request, rendered but not saved."""
    drafts = []
    for agency in check_new_request(session, actor, new, now):
        jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
        text = letters.render_letter(agency, jurisdiction, actor, new.letter_facts, law_today(jurisdiction, now))
        drafts.append(LetterDraft(agency=agency, jurisdiction=jurisdiction, text=text))
    return drafts


def _insert_with_unique_codes(session: Session, request: FoiaRequest, year: int) -> None:
    """Add the request under the next free tracking code, retrying when another process took it."""
    for _ in range(20):
        request.tracking_code = next_tracking_code(session, year)
        request.reply_token = new_reply_token()
        try:
            with session.begin_nested():
                session.add(request)
                session.flush()
            return
        except IntegrityError:
            continue
    raise ValidationError("Could not allot a tracking code; please try again.")


def create_requests(session: Session, actor: User, new: NewRequest, now: datetime,
                    letter_texts: dict[int, str] | None = None) -> list[FoiaRequest]:
    """Draft one request per agency (a batch when there are several), with their letters.

    `letter_texts` maps agency ids to letters edited in the preview; missing ones are rendered.
    """
    agencies = check_new_request(session, actor, new, now)
    letter_texts = letter_texts or {}
    empty = [a for a in agencies if a.id in letter_texts and not letter_texts[a.id].strip()]
    if empty:
        raise ValidationError(f"The letter to {empty[0].name} is empty.", {f"letter-{empty[0].id}": "Write the letter."})
    batch = None
    if len(agencies) > 1:
        batch = RequestBatch(owner_id=actor.id, title=new.title.strip(), created_at=now)
        session.add(batch)
        session.flush()
    year = local_date(now).year
    created = []
    for agency in agencies:
        jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
        text = letter_texts.get(agency.id) or letters.render_letter(
            agency, jurisdiction, actor, new.letter_facts, law_today(jurisdiction, now))
        request = FoiaRequest(
            tracking_code="", reply_token="", owner_id=actor.id, team_id=new.team_id,
            batch_id=batch.id if batch else None, agency_id=agency.id, title=new.title.strip(),
            records_sought=new.records_sought.strip(), letter_text=text.replace("\r\n", "\n"),
            visibility=new.visibility,
            embargo_until=new.embargo_until if new.visibility == Visibility.embargoed else None,
            fee_waiver=FeeWaiver.requested if new.fee_waiver else FeeWaiver.not_requested,
            expedited=new.expedited, max_fee_cents=new.max_fee_cents, created_at=now, updated_at=now)
        _insert_with_unique_codes(session, request, year)
        summary = f"Request to {agency.name} drafted"
        if batch:
            summary += f" (one of {len(agencies)} in a batch)"
        add_event(session, request, actor, "created", summary, now, to_status=Status.draft)
        created.append(request)
    return created


# Reading ------------------------------------------------------------------------------------------

@dataclass
class RequestView:
    """A request with its agency and jurisdiction, and what the clock says today."""

    request: FoiaRequest
    agency: Agency
    jurisdiction: Jurisdiction
    today: date

    @property
    def due(self) -> date | None:
        return current_due(self.request)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.request, self.today)

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days

    @property
    def due_phrase(self) -> str:
        return due_phrase(self.due, self.today)


def _view(session: Session, request: FoiaRequest, now: datetime) -> RequestView:
    agency = session.get(Agency, request.agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
    return RequestView(request, agency, jurisdiction, law_today(jurisdiction, now))


def get_request(session: Session, actor: User | None, request_id: int, now: datetime) -> RequestView:
    """A request the actor may see, with its agency and jurisdiction; NotFound otherwise."""
    return _view(session, access.get_visible_request(session, actor, request_id, now), now)


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


def teams_for(session: Session, user: User) -> list[Team]:
    """Teams a request of this user may be shared with."""
    return list(session.exec(
        select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id).order_by(Team.name)))


def agency_choices(session: Session) -> list[tuple[Jurisdiction, list[Agency]]]:
    """Every agency grouped by jurisdiction (federal first, then by name), for the agency picker."""
    rows = session.exec(select(Agency, Jurisdiction).join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .order_by(Jurisdiction.name, Agency.name))
    groups: dict[int, tuple[Jurisdiction, list[Agency]]] = {}
    for agency, jurisdiction in rows:
        groups.setdefault(jurisdiction.id, (jurisdiction, []))[1].append(agency)
    return sorted(groups.values(), key=lambda group: (group[0].slug != "federal", group[0].name))


def agencies_with_requests(session: Session, actor: User | None, now: datetime) -> list[tuple[Jurisdiction, list[Agency]]]:
    """The agencies of the requests the actor may see, grouped like agency_choices (for the list's filter)."""
    agency_ids = select(FoiaRequest.agency_id).where(access.visible_clause(actor, now))
    rows = session.exec(select(Agency, Jurisdiction).join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .where(Agency.id.in_(agency_ids)).order_by(Jurisdiction.name, Agency.name))
    groups: dict[int, tuple[Jurisdiction, list[Agency]]] = {}
    for agency, jurisdiction in rows:
        groups.setdefault(jurisdiction.id, (jurisdiction, []))[1].append(agency)
    return sorted(groups.values(), key=lambda group: (group[0].slug != "federal", group[0].name))


@dataclass
class BatchView:
    batch: RequestBatch
    members: list[RequestView]
    owner: User


def get_batch(session: Session, actor: User | None, batch_id: int, now: datetime) -> BatchView:
    """A batch with those of its requests the actor may see; NotFound when they may see none."""
    batch = session.get(RequestBatch, batch_id)
    if batch is None:
        raise NotFound("batch")
    requests = session.exec(select(FoiaRequest).where(FoiaRequest.batch_id == batch.id,
                                                      access.visible_clause(actor, now))
                            .order_by(FoiaRequest.id))
    members = [_view(session, request, now) for request in requests]
    if not members:
        raise NotFound("batch")
    return BatchView(batch, members, session.get(User, batch.owner_id))


# Listing ------------------------------------------------------------------------------------------

SORTS = {
    "created": (FoiaRequest.created_at, FoiaRequest.id),
    "due": (FoiaRequest.response_due, FoiaRequest.id),
    "title": (sa.func.lower(FoiaRequest.title), FoiaRequest.id),
    "status": (FoiaRequest.status, FoiaRequest.id),
}
DEFAULT_DIRECTION = {"created": "desc", "due": "asc", "title": "asc", "status": "asc"}


@dataclass
class RequestFilters:
    """The list's filters, sort and page, as given in the query string."""

    status: Status | None = None
    agency_id: int | None = None
    text: str = ""
    #: "mine": the actor's and their teams' requests; "all": everything visible, public ones included.
    scope: str = "mine"
    sort: str = "created"
    direction: str = ""
    page: int = 1

    @property
    def order(self) -> str:
        return self.direction if self.direction in ("asc", "desc") else DEFAULT_DIRECTION.get(self.sort, "desc")


def _scope_clause(actor: User | None, now: datetime, scope: str):
    if scope == "all" or actor is None:
        return access.visible_clause(actor, now)
    return sa.and_(access.visible_clause(actor, now), access.workable_clause(actor))


def list_requests(session: Session, actor: User | None, now: datetime, filters: RequestFilters,
                  per_page: int = 25) -> Page:
    """The requests the actor may see that match the filters, sorted, one page of them."""
    conditions = [_scope_clause(actor, now, filters.scope)]
    if filters.status is not None:
        conditions.append(FoiaRequest.status == filters.status)
    if filters.agency_id is not None:
        conditions.append(FoiaRequest.agency_id == filters.agency_id)
    words = filters.text.strip()
    if words:
        escaped = re.sub(r"([%_\\])", r"\\\1", words.lower())
        conditions.append(sa.func.lower(FoiaRequest.title).like(f"%{escaped}%", escape="\\"))
    total = session.exec(select(sa.func.count()).select_from(FoiaRequest).where(*conditions)).one()
    sort = filters.sort if filters.sort in SORTS else "created"
    primary, tiebreak = SORTS[sort]
    descending = filters.order == "desc"
    order = [primary.desc() if descending else primary.asc(), tiebreak.desc() if descending else tiebreak.asc()]
    if sort == "due":
        order.insert(0, FoiaRequest.response_due.is_(None))  # undated last in either direction
    number = clamp(filters.page, total, per_page)
    query = (select(FoiaRequest, Agency, Jurisdiction)
             .join(Agency, Agency.id == FoiaRequest.agency_id)
             .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
             .where(*conditions).order_by(*order).offset((number - 1) * per_page).limit(per_page))
    items = [RequestView(request, agency, jurisdiction, law_today(jurisdiction, now))
             for request, agency, jurisdiction in session.exec(query)]
    return Page(items=items, total=total, number=number, per_page=per_page)


# The lifecycle ------------------------------------------------------------------------------------

def _workable(session: Session, actor: User | None, request_id: int, now: datetime) -> tuple[FoiaRequest, Jurisdiction]:
    request = access.get_workable_request(session, actor, request_id, now)
    agency = session.get(Agency, request.agency_id)
    return request, session.get(Jurisdiction, agency.jurisdiction_id)


def _run_clock(session: Session, actor: User | None, request: FoiaRequest, jurisdiction: Jurisdiction,
               event: str, on: date, now: datetime, follow_up_days: int, until: date | None = None) -> None:
    """Move the statutory clock (the law's stages, the agency's calendar) and record a "deadline" event when a
    due date changed."""
    before = {name: getattr(request, name) for name in DUE_FIELDS}
    agency = session.get(Agency, request.agency_id)
    law = law_for(jurisdiction)
    clock.apply_event(request, law, event, on, calendar=rules.agency_calendar(law, agency),
                      follow_up_days=follow_up_days, until=until)
    changes = {name: [_plain(before[name]), _plain(getattr(request, name))]
               for name in DUE_FIELDS if before[name] != getattr(request, name)}
    if not changes:
        return
    parts = []
    for name in DUE_DATE_LABELS:
        value = getattr(request, name)
        follow_up = name == "response_due" and request.response_due_is_follow_up
        label = due_date_label(name, follow_up=follow_up)
        if name in changes and value is not None:
            parts.append(f"{label} {value.strftime('%b %-d, %Y')}" + (" (the law sets no fixed period)" if follow_up else ""))
        elif name in changes:
            parts.append(f"{label}: no date")
    add_event(session, request, actor, "deadline", "; ".join(parts) or "Due dates recomputed", now,
              detail={"changes": changes, "clock_event": event})


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


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
    request, jurisdiction = _workable(session, actor, request_id, now)
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
              f"Submitted by {METHOD_LABELS[method]} on {on.strftime('%b %-d, %Y')}" + (f". {note.strip()}" if note.strip() else ""),
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
    request, jurisdiction = _workable(session, actor, request_id, now)
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
    if new_status in (Status.done, Status.no_records, Status.rejected, Status.withdrawn):
        request.completed_on = on
    elif request.completed_on is not None:
        request.completed_on = None
    if new_status == Status.appealing:
        request.appealed_on = on
    summary = f"{old.label} → {new_status.label} on {on.strftime('%b %-d, %Y')}"
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
    request, jurisdiction = _workable(session, actor, request_id, now)
    if request.status not in OPEN_STATUSES:
        raise InvalidTransition("Only a request still waiting on the agency can be extended.")
    on = _check_event_date(on, now, request, jurisdiction=jurisdiction)
    if until is not None and until < on:
        raise ValidationError("The new date is before the notice.", {"until": "Give a date after the notice."})
    stage = law_for(jurisdiction).stage("extend")
    summary = f"The agency extended its time on {on.strftime('%b %-d, %Y')}"
    if until is not None:
        summary += f", to {until.strftime('%b %-d, %Y')}"
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
    request, jurisdiction = _workable(session, actor, request_id, now)
    if request.status in (Status.draft, Status.withdrawn):
        raise InvalidTransition("Only a submitted request can have the agency's estimate.")
    on = _check_event_date(on, now, request, jurisdiction=jurisdiction)
    if until is not None and until < on:
        raise ValidationError("The estimate is before the letter that gave it.",
                              {"until": "Give a date on or after the letter."})
    if until == request.estimated_completion:
        return request
    summary = (f"The agency estimated completion by {until.strftime('%b %-d, %Y')} (letter of {on.strftime('%b %-d, %Y')})"
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
    request, jurisdiction = _workable(session, actor, request_id, now)
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
    summary = (f"Reminder set for {on.strftime('%b %-d, %Y')}" + (f": {note}" if note else "")) if on else "Reminder removed"
    add_event(session, request, actor, "reminder", summary, now,
              detail={"remind_on": on.isoformat() if on else None, "note": note})
    return request


def update_fees(session: Session, actor: User, request_id: int, now: datetime, *, estimate_cents: int | None,
                paid_cents: int | None, fee_waiver: FeeWaiver) -> FoiaRequest:
    """Record the agency's fee estimate, what was paid, and the waiver decision."""
    request, _ = _workable(session, actor, request_id, now)
    errors = {}
    if bounds.money_problem(estimate_cents):
        errors["fee_estimate"] = bounds.MONEY_MESSAGE
    if bounds.money_problem(paid_cents):
        errors["fee_paid"] = bounds.MONEY_MESSAGE
    if errors:
        raise ValidationError("Please correct the fees.", errors)
    new_values = {"fee_estimate_cents": estimate_cents, "fee_paid_cents": paid_cents or 0, "fee_waiver": fee_waiver}
    changes = _apply(request, new_values)
    if not changes:
        return request
    parts = []
    if "fee_estimate_cents" in changes:
        parts.append(f"estimate {letters.money(estimate_cents) or 'none'}")
    if "fee_paid_cents" in changes:
        parts.append(f"paid {letters.money(paid_cents or 0)}")
    if "fee_waiver" in changes:
        parts.append(f"waiver {fee_waiver.value.replace('_', ' ')}")
    add_event(session, request, actor, "fee", "Fees: " + ", ".join(parts), now, detail={"changes": changes})
    return request


def add_note(session: Session, actor: User, request_id: int, text: str, now: datetime) -> RequestEvent:
    """A note on the request's timeline."""
    request, _ = _workable(session, actor, request_id, now)
    text = text.strip()
    if not text:
        raise ValidationError("Write something first.", {"text": "Write something first."})
    return add_event(session, request, actor, "note", text, now)


def _apply(request: FoiaRequest, values: dict) -> dict:
    """Set the values that differ; return {field: [old, new]} in JSON-friendly form."""
    changes = {}
    for name, value in values.items():
        old = getattr(request, name)
        if old != value:
            changes[name] = [_plain(old.value if isinstance(old, Visibility | FeeWaiver) else old),
                             _plain(value.value if isinstance(value, Visibility | FeeWaiver) else value)]
            setattr(request, name, value)
    return changes


def edit_problems(session: Session, actor: User, request_id: int, now: datetime, **values) -> dict[str, str]:
    """Every reason `edit_request` would refuse these values, by field (empty: it would accept them)."""
    request, _ = _workable(session, actor, request_id, now)
    return _edit_problems(session, request, dict(values), now)


def _edit_problems(session: Session, request: FoiaRequest, values: dict, now: datetime) -> dict[str, str]:
    """Check (and tidy, in place) a set of edited values; {field: message} for each one refused."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            errors["title"] = "Give the request a short title."
        elif len(values["title"]) > 300:
            errors["title"] = "Keep the title under 300 characters."
    if "records_sought" in values:
        values["records_sought"] = (values["records_sought"] or "").strip()
        if not values["records_sought"]:
            errors["records_sought"] = "Describe the records you are asking for."
    if "agency_tracking_number" in values:
        values["agency_tracking_number"] = (values["agency_tracking_number"] or "").strip()
        if len(values["agency_tracking_number"]) > 100:
            errors["agency_tracking_number"] = "Keep it under 100 characters."
    if bounds.money_problem(values.get("max_fee_cents")):
        errors["max_fee"] = bounds.MONEY_MESSAGE
    visibility = values.get("visibility", request.visibility)
    if visibility != Visibility.embargoed:
        values["embargo_until"] = None
    _check_visibility(visibility, values.get("embargo_until", request.embargo_until), local_date(now), errors,
                      require_future=False)
    if values.get("team_id") is not None and values["team_id"] != request.team_id:
        _check_team(session, session.get(User, request.owner_id), values["team_id"], errors)
    return errors


def edit_request(session: Session, actor: User, request_id: int, now: datetime, **values) -> FoiaRequest:
    """Change the request's own facts (title, records sought, agency tracking number, sharing, ...)."""
    request, _ = _workable(session, actor, request_id, now)
    errors = _edit_problems(session, request, values, now)
    if errors:
        raise ValidationError("Please correct the marked fields.", errors)
    if "notes" in values:
        values["notes"] = (values["notes"] or "").strip()
    changes = _apply(request, values)
    if changes:
        labels = ", ".join(FIELD_LABELS[name] for name in changes)
        add_event(session, request, actor, "edited", f"Changed {labels}", now, detail={"changes": changes})
    return request


def update_letter(session: Session, actor: User, request_id: int, text: str, now: datetime) -> FoiaRequest:
    """Replace a draft's letter; once it is sent the letter is what was sent."""
    request, _ = _workable(session, actor, request_id, now)
    if request.status != Status.draft:
        raise InvalidTransition("The letter of a submitted request cannot be changed.")
    text = (text or "").replace("\r\n", "\n")
    if not text.strip():
        raise ValidationError("The letter is empty.", {"letter_text": "Write the letter."})
    if text != request.letter_text:
        add_event(session, request, actor, "letter", "Letter edited", now,
                  detail={"changes": {"letter_text": [request.letter_text, text]}})
        request.letter_text = text
    return request


def regenerate_letter(session: Session, actor: User, request_id: int, now: datetime) -> FoiaRequest:
    """Render a draft's letter again from the template (after the request's facts changed)."""
    request, jurisdiction = _workable(session, actor, request_id, now)
    owner = session.get(User, request.owner_id)
    facts = letters.LetterFacts(title=request.title, records_sought=request.records_sought,
                                fee_waiver=request.fee_waiver != FeeWaiver.not_requested,
                                expedited=request.expedited, max_fee_cents=request.max_fee_cents)
    text = letters.render_letter(session.get(Agency, request.agency_id), jurisdiction, owner, facts,
                                 law_today(jurisdiction, now))
    return update_letter(session, actor, request_id, text, now)


def delete_draft(session: Session, actor: User, request_id: int, now: datetime) -> None:
    """Delete a request that was never sent, with its timeline (and its batch when it was the last one)."""
    request, _ = _workable(session, actor, request_id, now)
    if request.status != Status.draft:
        raise InvalidTransition("Only drafts can be deleted; withdraw a submitted request instead.")
    batch_id = request.batch_id
    session.exec(sa.delete(RequestEvent).where(RequestEvent.request_id == request.id))
    session.delete(request)
    session.flush()
    if batch_id is not None:
        remaining = session.exec(select(sa.func.count()).select_from(FoiaRequest)
                                 .where(FoiaRequest.batch_id == batch_id)).one()
        if remaining == 0:
            session.exec(sa.delete(RequestBatch).where(RequestBatch.id == batch_id))
