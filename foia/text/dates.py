"""Reading a date and time as a mail program printed it: "Sent:" lines of printouts, odd Date headers.

One home for the rule, used by release splitting and by the mail parser's fallback. python-dateutil
reads the value (12- and 24-hour clocks, weekday names, "at", commas, numeric and written months);
this module only evens out what it does not know: "noon" and "midnight", "p.m.", Outlook's
"(UTC-05:00) Eastern Time (US & Canada)" and the US zone abbreviations. A value without a whole
date (day, month and year) is refused rather than completed from today.
"""
from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

_HOURS = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
          "AKST": -9, "AKDT": -8, "HST": -10, "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2}
ZONE_ABBREVIATIONS = {name: timezone(timedelta(hours=hours), name) for name, hours in _HOURS.items()}
#: Outlook prints "(UTC-05:00) Eastern Time (US & Canada)" with the standard offset all year: use the zone.
OUTLOOK_ZONES = {"eastern": "America/New_York", "central": "America/Chicago", "mountain": "America/Denver",
                 "arizona": "America/Phoenix", "pacific": "America/Los_Angeles", "alaska": "America/Anchorage",
                 "hawaii": "Pacific/Honolulu", "coordinated universal": "UTC", "greenwich": "Europe/London"}

_OUTLOOK_ZONE = re.compile(r"\(\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d\d))?\s*\)\s*([A-Za-z .&()'-]*)$")
_NOON = re.compile(r"\b(?:12(?::00)?\s*)?noon\b", re.IGNORECASE)
_MIDNIGHT = re.compile(r"\b(?:12(?::00)?\s*)?midnight\b", re.IGNORECASE)
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?(?=\s|$|,)", re.IGNORECASE)
_COMMENT = re.compile(r"\s*\((?:[A-Z]{2,5}|[A-Za-z ]+Time)\)\s*$")
_FIRST_DEFAULT = datetime(2001, 1, 1)
_SECOND_DEFAULT = datetime(2002, 2, 2)


def _outlook_zone(value: str) -> tuple[str, object | None]:
    """The value without Outlook's zone suffix, and the zone it names (None when there is none)."""
    match = _OUTLOOK_ZONE.search(value)
    if not match:
        return value, None
    sign, hours, minutes, name = match.groups()
    lowered = name.lower()
    for key, zone_name in OUTLOOK_ZONES.items():
        if lowered.startswith(key):
            return value[:match.start()].strip(), ZoneInfo(zone_name)
    if sign:
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        return value[:match.start()].strip(), timezone(offset if sign == "+" else -offset)
    return value[:match.start()].strip(), UTC


def _parse(value: str) -> datetime | None:
    results = []
    for default in (_FIRST_DEFAULT, _SECOND_DEFAULT):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown zone names are read as "no zone"
            try:
                results.append(dateutil_parser.parse(value, default=default, tzinfos=ZONE_ABBREVIATIONS))
            except (ValueError, OverflowError, TypeError):
                return None
    first, second = results
    if first.date() != second.date():
        return None  # the day, month or year was missing and would have been made up
    return first


def read_printed_date(text: str, default_timezone: str = "America/New_York") -> datetime | None:
    """A printed date and time as a UTC datetime, or None; a time without a zone is in `default_timezone`."""
    value = re.sub(r"\s+", " ", text or "").strip().rstrip(".").strip()
    if not value or len(value) > 200 or not re.search(r"\d", value):
        return None
    value, zone = _outlook_zone(value)
    value = _COMMENT.sub("", value)
    value = _NOON.sub("12:00 PM", value)
    value = _MIDNIGHT.sub("12:00 AM", value)
    value = _DOTTED_MERIDIEM.sub(lambda m: f"{m.group(1).upper()}M", value)
    parsed = _parse(value)
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or ZoneInfo(default_timezone))
    return parsed.astimezone(UTC)


def has_clock_words(text: str) -> bool:
    """True when a value says AM/PM, noon or midnight: strict RFC 5322 readers would drop those."""
    return bool(re.search(r"\b(?:[ap]\.?m\.?|noon|midnight)(?=\W|$)", text or "", re.IGNORECASE))
