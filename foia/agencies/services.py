"""The agency directory: search, create and edit (every change recorded), CSV import, typeahead."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, func, select

from foia.accounts.models import User
from foia.bounds import is_id
from foia.agencies.jurisdictions import find_jurisdiction
from foia.agencies.models import Agency, AgencyChange, AgencySuggestion, Jurisdiction
from foia.errors import NotAllowed, NotFound, ValidationError
from foia.pagination import ListPage, clamp
from foia.requests.access import visible_clause
from foia.requests.models import FoiaRequest

#: The fields a person edits, in the order forms and histories show them.
EDITABLE_FIELDS = ("jurisdiction_id", "name", "abbreviation", "foia_email", "portal_url", "address", "phone",
                   "appeal_contact", "notes", "closed_days")
FIELD_LABELS = {
    "jurisdiction_id": "jurisdiction", "jurisdiction": "jurisdiction", "name": "name",
    "abbreviation": "abbreviation", "foia_email": "FOIA email", "portal_url": "portal", "address": "address",
    "phone": "phone", "appeal_contact": "appeal contact", "notes": "notes", "closed_days": "closure days",
}
MAX_LENGTHS = {"name": 300, "abbreviation": 50, "foia_email": 254, "portal_url": 500, "phone": 50}
#: The columns `import_csv` reads; only `name` is required.
CSV_COLUMNS = ("name", "jurisdiction", "abbreviation", "foia_email", "portal_url", "address", "phone", "notes")
PER_PAGE = 25


# ---------------------------------------------------------------- validation

def normalise_email(address: str) -> str:
    """A valid address, lower-cased, or "" for none; raises ValidationError on the foia_email field."""
    address = (address or "").strip()
    if not address:
        return ""
    from email_validator import EmailNotValidError, validate_email  # here: most commands never check an address

    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(str(error), {"foia_email": f"Not a valid email address: {error}"}) from None


def normalise_portal_url(url: str) -> str:
    """An http(s) address with a host, or "" for none; raises ValidationError on the portal_url field."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        message = "Enter a web address starting with https:// or http://."
        raise ValidationError(message, {"portal_url": message})
    return url


def parse_closed_days(value) -> list[dict]:
    """An agency's closure days from lines like "2026-12-24 Christmas Eve" (or the stored list), sorted by date;
    raises ValidationError on the closed_days field naming the bad line."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        lines = [f"{item.get('date', '')} {item.get('name', '')}" for item in value if isinstance(item, dict)]
    else:
        lines = str(value).replace("\r\n", "\n").split("\n")
    found = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        day_text, _, name = line.partition(" ")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            message = f"Line {number} (“{line[:40]}”) must start with a date as YYYY-MM-DD, e.g. 2026-12-24 Christmas Eve."
            raise ValidationError(message, {"closed_days": message}) from None
        found[day] = name.strip()[:100] or "Agency closed"
    if len(found) > 366:
        raise ValidationError("List at most 366 closure days.", {"closed_days": "List at most 366 closure days."})
    return [{"date": day.isoformat(), "name": found[day]} for day in sorted(found)]


def closed_days_text(days: list[dict] | None) -> str:
    """The closure days as the form shows them, one "YYYY-MM-DD name" per line."""
    return "\n".join(f"{item['date']} {item['name']}" for item in days or [])


_PHONE = re.compile(r"^\+?[\d\s().\-/]+?(\s*(x|ext\.?|extension)\s*\d{1,6})?$", re.IGNORECASE)
PHONE_MESSAGE = "Enter a phone number, like (407) 555-0131 or +1 407 555 0131 ext. 12."


def normalise_phone(phone: str) -> str:
    """A phone number as written (digits, spaces, + ( ) - . /, an extension), or "" for none; raises ValidationError."""
    phone = " ".join((phone or "").split())
    if not phone:
        return ""
    match = _PHONE.match(phone)
    number = phone[:match.start(1)] if match and match.group(1) else phone
    if not match or not 7 <= sum(c.isdigit() for c in number) <= 15:
        raise ValidationError(PHONE_MESSAGE, {"phone": PHONE_MESSAGE})
    return phone


def _clean(session: Session, values: dict, agency: Agency | None = None) -> dict:
    """Normalise and check a full set of editable values; raises one ValidationError naming every bad field."""
    cleaned = {key: (values.get(key) or "").replace("\r\n", "\n").strip()
               if key not in ("jurisdiction_id", "closed_days") else values.get(key) for key in EDITABLE_FIELDS}
    errors: dict[str, str] = {}
    try:
        cleaned["closed_days"] = parse_closed_days(cleaned["closed_days"])
    except ValidationError as error:
        errors.update(error.fields)
    jurisdiction = session.get(Jurisdiction, cleaned["jurisdiction_id"]) if is_id(cleaned["jurisdiction_id"]) else None
    if jurisdiction is None:
        errors["jurisdiction_id"] = "Choose the jurisdiction whose law applies."
    if not cleaned["name"]:
        errors["name"] = "Give the agency's name."
    for key, normalise in (("foia_email", normalise_email), ("portal_url", normalise_portal_url),
                           ("phone", normalise_phone)):
        try:
            cleaned[key] = normalise(cleaned[key])
        except ValidationError as error:
            errors.update(error.fields)
    for key, limit in MAX_LENGTHS.items():
        if key not in errors and len(cleaned[key]) > limit:
            errors[key] = f"Use at most {limit} characters."
    if "name" not in errors and jurisdiction is not None:
        twin = find_agency(session, jurisdiction.id, cleaned["name"])
        if twin is not None and (agency is None or twin.id != agency.id):
            errors["name"] = f"{jurisdiction.name} already has an agency called “{twin.name}”."
    if errors:
        raise ValidationError("Please correct the fields marked.", errors)
    return cleaned


# ---------------------------------------------------------------- reading

def find_agency(session: Session, jurisdiction_id: int, name: str) -> Agency | None:
    """The agency of this jurisdiction with this name (any case), or None."""
    return session.exec(select(Agency).where(Agency.jurisdiction_id == jurisdiction_id,
                                             func.lower(Agency.name) == name.strip().lower())).first()


def get_agency(session: Session, agency_id: int) -> Agency:
    """The agency with this id, or NotFound."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("agency")
    return agency


def _text_clause(text: str):
    pattern = "%" + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.or_(*(func.lower(column).like(pattern, escape="\\")
                    for column in (Agency.name, Agency.abbreviation, Agency.foia_email)))


def search_agencies(session: Session, text: str = "", jurisdiction: str | None = None, page: int = 1,
                    per_page: int = PER_PAGE) -> ListPage:
    """Directory search: text in name, abbreviation or email; optional jurisdiction slug; by name."""
    query = select(Agency, Jurisdiction).join(Jurisdiction, Agency.jurisdiction_id == Jurisdiction.id)
    if text.strip():
        query = query.where(_text_clause(text))
    if jurisdiction:
        query = query.where(Jurisdiction.slug == jurisdiction.lower())
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    number = clamp(page, total, per_page)
    rows = session.exec(query.order_by(func.lower(Agency.name), Jurisdiction.name, Agency.id)
                        .offset((number - 1) * per_page).limit(per_page)).all()
    return ListPage(items=[tuple(row) for row in rows], total=total, number=number, per_page=per_page)


def suggest(session: Session, text: str, limit: int = 10) -> list[dict]:
    """Agencies matching typed text for a typeahead: names starting with it first."""
    text = text.strip()
    if not text:
        return []
    starts = func.lower(Agency.name).like(text.lower().replace("%", "").replace("_", "") + "%")
    rows = session.exec(
        select(Agency, Jurisdiction).join(Jurisdiction, Agency.jurisdiction_id == Jurisdiction.id)
        .where(_text_clause(text))
        .order_by(sa.case((starts, 0), else_=1), func.lower(Agency.name), Agency.id)
        .limit(max(1, min(limit, 50)))
    ).all()
    return [{"id": agency.id, "name": agency.name, "jurisdiction": jurisdiction.name,
             "jurisdiction_slug": jurisdiction.slug, "email": agency.foia_email} for agency, jurisdiction in rows]


def agency_history(session: Session, agency: Agency) -> list[tuple[AgencyChange, User | None]]:
    """The agency's changes, newest first, each with the user who made it (None: import or system)."""
    rows = session.exec(
        select(AgencyChange, User).join(User, AgencyChange.actor_id == User.id, isouter=True)
        .where(AgencyChange.agency_id == agency.id).order_by(AgencyChange.at.desc(), AgencyChange.id.desc())
    ).all()
    return [tuple(row) for row in rows]


def requests_to_agency(session: Session, actor: User | None, now: datetime, agency: Agency,
                       limit: int = 100) -> list[FoiaRequest]:
    """The requests to this agency that the actor may see, newest first."""
    return list(session.exec(
        select(FoiaRequest).where(FoiaRequest.agency_id == agency.id, visible_clause(actor, now))
        .order_by(FoiaRequest.id.desc()).limit(limit)
    ).all())


def agencies_in(session: Session, jurisdiction: Jurisdiction) -> list[Agency]:
    """Every agency of a jurisdiction, by name."""
    return list(session.exec(select(Agency).where(Agency.jurisdiction_id == jurisdiction.id)
                             .order_by(func.lower(Agency.name))).all())


def count_agencies_by_jurisdiction(session: Session) -> dict[int, int]:
    """{jurisdiction id: number of agencies}."""
    rows = session.exec(select(Agency.jurisdiction_id, func.count()).group_by(Agency.jurisdiction_id)).all()
    return {jurisdiction_id: count for jurisdiction_id, count in rows}


# ---------------------------------------------------------------- writing

def _display(session: Session, key: str, value):
    if key == "jurisdiction_id":
        jurisdiction = session.get(Jurisdiction, value) if value else None
        return jurisdiction.slug if jurisdiction else None
    return value


def _summary(verb: str, keys) -> str:
    names = [FIELD_LABELS.get(key, key) for key in keys]
    text = f"{verb} {', '.join(names)}"
    return text if len(text) <= 300 else text[:297] + "…"


def create_agency(session: Session, actor: User | None, now: datetime, **values) -> Agency:
    """Add an agency and record its creation; the caller commits. Raises ValidationError with fields."""
    cleaned = _clean(session, values)
    agency = Agency(**cleaned, created_at=now, updated_at=now)
    session.add(agency)
    session.flush()
    session.add(AgencyChange(agency_id=agency.id, actor_id=actor.id if actor else None, at=now,
                             changes={}, summary="created"))
    session.flush()
    return agency


def update_agency(session: Session, actor: User | None, now: datetime, agency: Agency, **values) -> AgencyChange | None:
    """Change the given fields, recording old → new; None when nothing changed. A new FOIA email
    clears the "email failing" mark. The caller commits."""
    current = {key: getattr(agency, key) for key in EDITABLE_FIELDS}
    cleaned = _clean(session, {**current, **values}, agency)
    changed = {key: [_display(session, key, current[key]), _display(session, key, cleaned[key])]
               for key in EDITABLE_FIELDS if cleaned[key] != current[key]}
    if not changed:
        return None
    for key in EDITABLE_FIELDS:
        setattr(agency, key, cleaned[key])
    if "foia_email" in changed:
        agency.email_failing_since = None
        agency.email_failing_reason = ""
    agency.updated_at = now
    changes = {("jurisdiction" if key == "jurisdiction_id" else key): pair for key, pair in changed.items()}
    change = AgencyChange(agency_id=agency.id, actor_id=actor.id if actor else None, at=now,
                          changes=changes, summary=_summary("changed", changes))
    session.add(agency)
    session.add(change)
    session.flush()
    return change


def mark_email_failing(session: Session, agency: Agency, now: datetime, reason: str) -> None:
    """Note that mail to the agency's FOIA address bounced (kept until the address is edited)."""
    if agency.email_failing_since is None:
        agency.email_failing_since = now
    agency.email_failing_reason = reason.strip()[:2000]
    session.add(agency)
    session.flush()


# ---------------------------------------------------------------- CSV import

@dataclass
class ImportReport:
    """What an import did, row by row; row numbers count the header as row 1, as a spreadsheet does."""

    created: list[tuple[int, str]] = field(default_factory=list)
    updated: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": len(self.created), "updated": len(self.updated), "skipped": len(self.skipped),
                "rejected": [{"row": row, "reason": reason} for row, reason in self.rejected]}


def read_csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: value}) for each data row; ValidationError unless it is a CSV with a name column."""
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        header = next(reader, None)
        if not header or "name" not in [column.strip().lower() for column in header]:
            raise ValidationError("The file is not a CSV with a 'name' column.")
        columns = [column.strip().lower() for column in header]
        rows = []
        for row_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((row_number, {column: cell.strip() for column, cell in zip(columns, cells)}))
        return rows
    except csv.Error as error:
        raise ValidationError(f"The file is not a readable CSV: {error}") from None


def _row_problem(error: ValidationError) -> str:
    return "; ".join(f"{FIELD_LABELS.get(key, key)}: {message}" for key, message in error.fields.items()) or str(error)


def import_csv(session: Session, actor: User | None, now: datetime, text: str) -> ImportReport:
    """Create or update agencies from CSV text; a rejected row leaves nothing behind. The caller commits."""
    report = ImportReport()
    seen: dict[tuple[int, str], int] = {}
    for row_number, row in read_csv_rows(text):
        name = row.get("name", "")
        if not name:
            report.rejected.append((row_number, "missing name"))
            continue
        jurisdiction = find_jurisdiction(session, row.get("jurisdiction", ""))
        if jurisdiction is None:
            given = row.get("jurisdiction", "")
            report.rejected.append((row_number, f"unknown jurisdiction “{given}”" if given else "missing jurisdiction"))
            continue
        key = (jurisdiction.id, name.lower())
        if key in seen:
            report.rejected.append((row_number, f"duplicate of row {seen[key]} in this file"))
            continue
        values = {column: row[column] for column in CSV_COLUMNS[2:] if row.get(column)}
        existing = find_agency(session, jurisdiction.id, name)
        try:
            with session.begin_nested():
                if existing is None:
                    create_agency(session, actor, now, jurisdiction_id=jurisdiction.id, name=name, **values)
                    report.created.append((row_number, name))
                elif update_agency(session, actor, now, existing, **values) is None:
                    report.skipped.append((row_number, name))
                else:
                    report.updated.append((row_number, name))
        except ValidationError as error:
            report.rejected.append((row_number, _row_problem(error)))
        else:
            seen[key] = row_number
    return report


# ---------------------------------------------------------------- where mail goes: suggestions

#: Fields that decide where requests go; a non-admin's change to them waits for confirmation.
ROUTING_FIELDS = ("foia_email", "portal_url")


def edit_agency(session: Session, actor: User | None, now: datetime, agency: Agency,
                **values) -> tuple[AgencyChange | None, list[AgencySuggestion]]:
    """Apply an edit; for users who are not admins, a new email or portal becomes a suggestion that an
    admin or one of the agency's past requesters confirms. The caller commits."""
    suggestions: list[AgencySuggestion] = []
    if actor is not None and not actor.is_admin:
        current = {key: getattr(agency, key) for key in EDITABLE_FIELDS}
        cleaned = _clean(session, {**current, **values}, agency)
        for key in ROUTING_FIELDS:
            if key in values and cleaned[key] != current[key]:
                suggestion = AgencySuggestion(agency_id=agency.id, actor_id=actor.id, at=now, field=key,
                                              old_value=current[key] or "", new_value=cleaned[key] or "")
                session.add(suggestion)
                suggestions.append(suggestion)
                values = {k: v for k, v in values.items() if k != key}
    change = update_agency(session, actor, now, agency, **values)
    session.flush()
    return change, suggestions


def open_suggestions(session: Session, agency: Agency) -> list[AgencySuggestion]:
    """Suggested addresses for the agency nobody has confirmed or rejected yet."""
    return list(session.exec(select(AgencySuggestion).where(AgencySuggestion.agency_id == agency.id,
                                                            AgencySuggestion.state == "open")
                             .order_by(AgencySuggestion.at)))


def can_confirm(session: Session, actor: User | None, suggestion: AgencySuggestion) -> bool:
    """Admins, and users (other than its author) who filed a request with the agency, may decide a suggestion."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    if actor.id == suggestion.actor_id:
        return False
    return session.exec(select(FoiaRequest.id).where(FoiaRequest.agency_id == suggestion.agency_id,
                                                     FoiaRequest.owner_id == actor.id,
                                                     FoiaRequest.submitted_on.is_not(None))).first() is not None


def decide_suggestion(session: Session, actor: User, now: datetime, agency: Agency, suggestion_id: int,
                      accept: bool) -> AgencySuggestion:
    """Confirm (apply, recorded in the history) or reject a suggested address. The caller commits."""
    suggestion = session.get(AgencySuggestion, suggestion_id)
    if suggestion is None or suggestion.agency_id != agency.id or suggestion.state != "open":
        raise NotFound("suggestion")
    if not can_confirm(session, actor, suggestion):
        raise NotAllowed("Only an admin or someone who filed a request with this agency can confirm its address.")
    if accept:
        update_agency(session, actor, now, agency, **{suggestion.field: suggestion.new_value})
    suggestion.state = "accepted" if accept else "rejected"
    suggestion.decided_by_id = actor.id
    suggestion.decided_at = now
    session.add(suggestion)
    session.flush()
    return suggestion
