"""The public-records laws: loads foia/data/jurisdictions.toml into the Jurisdiction table."""
from __future__ import annotations

import functools
import tomllib
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlmodel import Session, select

from foia.agencies.models import DayType, Jurisdiction
from foia.errors import NotFound, ValidationError

LEVELS = ("federal", "state", "local")
REQUIRED = ("name", "level", "law_name", "citation", "source_url", "timezone")
DAY_COUNTS = ("ack_days", "response_days", "extension_days", "appeal_window_days", "appeal_response_days")
#: Every column the data file may set, with the value a missing key stands for.
DEFAULTS = {
    "name": "", "level": "state", "law_name": "", "citation": "", "source_url": "",
    "timezone": "America/New_York", "holiday_country": "US", "holiday_subdiv": None,
    "ack_days": None, "response_days": None, "response_after_ack": False, "day_type": DayType.business,
    "extension_days": None, "appeal_window_days": None, "appeal_response_days": None,
    "ack_citation": "", "response_citation": "", "extension_citation": "", "appeal_citation": "",
    "notes": "", "verified": False,
}


class JurisdictionDataError(ValidationError):
    """The jurisdictions data file has an entry that cannot be loaded."""


def _data_text() -> bytes:
    return resources.files("foia").joinpath("data").joinpath("jurisdictions.toml").read_bytes()


def _problem(slug: str, message: str) -> JurisdictionDataError:
    return JurisdictionDataError(f"jurisdictions.toml [{slug}]: {message}")


def validate_entry(slug: str, raw: dict) -> dict:
    """The entry with every column filled in (missing keys as their defaults); raises on bad data."""
    if not isinstance(raw, dict):
        raise _problem(slug, "must be a table")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise _problem(slug, f"unknown key(s): {', '.join(unknown)}")
    missing = [key for key in REQUIRED if not str(raw.get(key, "")).strip()]
    if missing:
        raise _problem(slug, f"missing {', '.join(missing)}")
    entry = {**DEFAULTS, **raw}
    for key in ("name", "level", "law_name", "citation", "source_url", "timezone", "holiday_country",
                "ack_citation", "response_citation", "extension_citation", "appeal_citation", "notes"):
        if not isinstance(entry[key], str):
            raise _problem(slug, f"{key} must be text")
    if entry["level"] not in LEVELS:
        raise _problem(slug, f"level must be one of {', '.join(LEVELS)}, not {entry['level']!r}")
    try:
        entry["day_type"] = DayType(entry["day_type"])
    except ValueError:
        raise _problem(slug, f"day_type must be business or calendar, not {entry['day_type']!r}") from None
    for key in DAY_COUNTS:
        value = entry[key]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise _problem(slug, f"{key} must be a whole number of days, not {value!r}")
    for key in ("response_after_ack", "verified"):
        if not isinstance(entry[key], bool):
            raise _problem(slug, f"{key} must be true or false")
    if entry["response_after_ack"] and entry["ack_days"] is None:
        raise _problem(slug, "response_after_ack needs ack_days")
    if not entry["source_url"].startswith(("https://", "http://")):
        raise _problem(slug, "source_url must be an http(s) address")
    try:
        ZoneInfo(entry["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise _problem(slug, f"unknown time zone {entry['timezone']!r}") from None
    try:
        holidays.country_holidays(entry["holiday_country"], subdiv=entry["holiday_subdiv"])
    except NotImplementedError:
        raise _problem(slug, f"the holidays package has no calendar {entry['holiday_country']}/"
                             f"{entry['holiday_subdiv']}") from None
    return entry


def parse_jurisdiction_data(text: bytes | str) -> dict[str, dict]:
    """Validate a jurisdictions TOML document: {slug: entry with every column}."""
    try:
        document = tomllib.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except tomllib.TOMLDecodeError as error:
        raise JurisdictionDataError(f"jurisdictions.toml is not valid TOML: {error}") from None
    entries = {}
    for slug, raw in document.items():
        if slug != slug.lower() or not slug.replace("_", "").isalnum() or len(slug) > 32:
            raise _problem(slug, "slugs are lower-case letters and digits")
        entries[slug] = validate_entry(slug, raw)
    return entries


@functools.cache
def _packaged_data() -> dict[str, dict]:
    return parse_jurisdiction_data(_data_text())


def load_jurisdiction_data() -> dict[str, dict]:
    """The packaged foia/data/jurisdictions.toml, validated: {slug: entry with every column}."""
    return {slug: dict(entry) for slug, entry in _packaged_data().items()}


def sync_jurisdictions(session: Session, data: dict[str, dict] | None = None) -> int:
    """Insert or update every jurisdiction of the data file by slug; returns how many rows changed."""
    entries = load_jurisdiction_data() if data is None else data
    existing = {j.slug: j for j in session.exec(select(Jurisdiction))}
    changed = 0
    for slug, entry in entries.items():
        jurisdiction = existing.get(slug)
        if jurisdiction is None:
            session.add(Jurisdiction(slug=slug, **entry))
            changed += 1
            continue
        differs = False
        for key, value in entry.items():
            if getattr(jurisdiction, key) != value:
                setattr(jurisdiction, key, value)
                differs = True
        changed += differs
    session.flush()
    return changed


def list_jurisdictions(session: Session) -> list[Jurisdiction]:
    """Every jurisdiction: federal first, then by name."""
    rows = session.exec(select(Jurisdiction).order_by(Jurisdiction.name)).all()
    return sorted(rows, key=lambda j: (j.level != "federal", j.name))


def get_jurisdiction(session: Session, slug: str) -> Jurisdiction:
    """The jurisdiction with this slug, or NotFound."""
    jurisdiction = session.exec(select(Jurisdiction).where(Jurisdiction.slug == slug.lower())).first()
    if jurisdiction is None:
        raise NotFound("jurisdiction")
    return jurisdiction


def find_jurisdiction(session: Session, text: str) -> Jurisdiction | None:
    """The jurisdiction named by its slug or its name (any case), or None."""
    wanted = text.strip().lower()
    if not wanted:
        return None
    for jurisdiction in session.exec(select(Jurisdiction)):
        if wanted in (jurisdiction.slug, jurisdiction.name.lower()):
            return jurisdiction
    return None


def _days(count: int, day_type: DayType) -> str:
    unit = "business day" if day_type == DayType.business else "calendar day"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def rules_summary(jurisdiction: Jurisdiction) -> str:
    """The clock in plain words: "20 business days; +10 extension; appeal within 90 days"."""
    parts = []
    if jurisdiction.ack_days is not None:
        parts.append(f"acknowledge in {_days(jurisdiction.ack_days, jurisdiction.day_type)}")
    if jurisdiction.response_days is None:
        parts.append("no fixed period (prompt / reasonable time)")
    elif jurisdiction.response_after_ack:
        parts.append("then " + _days(jurisdiction.response_days, jurisdiction.day_type).replace(" ", " more ", 1))
    else:
        parts.append(_days(jurisdiction.response_days, jurisdiction.day_type))
    if jurisdiction.extension_days is not None:
        parts.append(f"+{jurisdiction.extension_days} extension")
    if jurisdiction.appeal_window_days is not None:
        parts.append(f"appeal within {jurisdiction.appeal_window_days} days")
    if jurisdiction.appeal_response_days is not None:
        parts.append(f"appeal decided in {_days(jurisdiction.appeal_response_days, jurisdiction.day_type)}")
    return "; ".join(parts)
