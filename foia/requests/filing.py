"""Filing requests: a new request to one agency or a batch, its letter previewed and rendered, the
request's own facts edited, its draft letter changed, a draft deleted.

Every function takes the session, the acting user and `now`; none commits (the caller does).
"""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from foia import bounds
from foia.accounts.models import Team, TeamMembership, User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines.calendar import law_today
from foia.errors import InvalidTransition, ValidationError
from foia.ports import local_date
from foia.requests import letters
from foia.requests.models import FeeWaiver, FoiaRequest, RequestBatch, RequestEvent, Status, Visibility
from foia.requests.listing import workable_with_jurisdiction
from foia.requests.timeline import FIELD_LABELS, add_event, apply_changes



TOKEN_ALPHABET = string.ascii_lowercase + string.digits


TOKEN_LENGTH = 24


EDITABLE_FIELDS = ("title", "records_sought", "agency_tracking_number", "max_fee_cents", "expedited",
                   "visibility", "embargo_until", "team_id", "notes", "auto_follow_up")


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
class LetterPreview:
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


def preview_letters(session: Session, actor: User, new: NewRequest, now: datetime) -> list[LetterPreview]:
    """Each agency's letter for a new request, rendered but not saved."""
    drafts = []
    for agency in check_new_request(session, actor, new, now):
        jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
        text = letters.render_letter(agency, jurisdiction, actor, new.letter_facts, law_today(jurisdiction, now))
        drafts.append(LetterPreview(agency=agency, jurisdiction=jurisdiction, text=text))
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


def edit_problems(session: Session, actor: User, request_id: int, now: datetime, **values) -> dict[str, str]:
    """Every reason `edit_request` would refuse these values, by field (empty: it would accept them)."""
    request, _ = workable_with_jurisdiction(session, actor, request_id, now)
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
    request, _ = workable_with_jurisdiction(session, actor, request_id, now)
    errors = _edit_problems(session, request, values, now)
    if errors:
        raise ValidationError("Please correct the marked fields.", errors)
    if "notes" in values:
        values["notes"] = (values["notes"] or "").strip()
    changes = apply_changes(request, values)
    if changes:
        labels = ", ".join(FIELD_LABELS[name] for name in changes)
        add_event(session, request, actor, "edited", f"Changed {labels}", now, detail={"changes": changes})
    return request


def update_letter(session: Session, actor: User, request_id: int, text: str, now: datetime) -> FoiaRequest:
    """Replace a draft's letter; once it is sent the letter is what was sent."""
    request, _ = workable_with_jurisdiction(session, actor, request_id, now)
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
    request, jurisdiction = workable_with_jurisdiction(session, actor, request_id, now)
    owner = session.get(User, request.owner_id)
    facts = letters.LetterFacts(title=request.title, records_sought=request.records_sought,
                                fee_waiver=request.fee_waiver != FeeWaiver.not_requested,
                                expedited=request.expedited, max_fee_cents=request.max_fee_cents)
    text = letters.render_letter(session.get(Agency, request.agency_id), jurisdiction, owner, facts,
                                 law_today(jurisdiction, now))
    return update_letter(session, actor, request_id, text, now)


def delete_draft(session: Session, actor: User, request_id: int, now: datetime) -> None:
    """Delete a request that was never sent, with its timeline (and its batch when it was the last one)."""
    request, _ = workable_with_jurisdiction(session, actor, request_id, now)
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
