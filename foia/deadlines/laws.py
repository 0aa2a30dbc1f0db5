"""The public-records laws: `foia/data/laws/<slug>.toml`, read and checked (see docs/law-data.md).

One file per jurisdiction holds its stages (acknowledge, respond, produce, extend, appeal,
appeal_decided, sue), each with its count, unit, trigger, rollover, citation and the statute's own
sentence, and the `[holidays]` table that says which days the jurisdiction is closed. Nothing about
a particular state is written in Python: the clock (rules.py) and the calendar (calendar.py) read
these objects. No database is needed, so `foia deadline` works in an empty folder.

A bad file stops loading with one `LawDataError` naming the file and the key.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from foia.deadlines import holiday_lists
from foia.errors import NotFound, ValidationError

LEVELS = ("federal", "state", "local")
STAGE_KINDS = ("acknowledge", "respond", "produce", "extend", "appeal", "appeal_decided", "sue")
#: business and calendar count days; none: the law sets no count ("promptly"); unknown: not read yet.
UNITS = ("business", "calendar", "none", "unknown")
COUNTED_UNITS = ("business", "calendar")
TRIGGERS = ("receipt", "ack_due", "acknowledged", "acknowledged_receipt", "response_due", "determination",
            "appeal_filed", "appeal_decision")
ROLLOVERS = ("next_business_day", "none")
WEEKEND_RULES = ("sat_fri_sun_mon", "sun_mon", "none")
#: The trigger a stage has when its file does not name one.
DEFAULT_TRIGGERS = {"acknowledge": "receipt", "respond": "receipt", "produce": "receipt", "extend": "response_due",
                    "appeal": "determination", "appeal_decided": "appeal_filed", "sue": "response_due"}

TOP_KEYS = {"name", "level", "law_name", "citation", "source_url", "timezone", "verified", "notes", "holidays",
            "stages"}
REQUIRED_TOP = ("name", "level", "law_name", "citation", "source_url", "timezone")
STAGE_KEYS = {"kind", "days", "unit", "trigger", "rollover", "citation", "quote", "source_url", "checked",
              "variant", "body", "address", "notes", "extends", "repeatable", "last_day"}
HOLIDAY_KEYS = {"country", "subdiv", "weekend_rule", "remove", "add", "optional_are_business_days", "optional",
                "citation", "quote", "source_url", "checked"}
ADDED_KEYS = {"name", "rule", "from_year", "until_year", "years", "citation"}
#: What `verified = true` promises for every stage and for the holidays table.
EVIDENCE = ("citation", "quote", "source_url", "checked")

#: A law file's name without .toml: a lower-case jurisdiction slug (federal, fl, ...).
SLUG = re.compile(r"[a-z][a-z0-9_]{0,31}")

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1}
_FIXED = re.compile(r"^(\d\d)-(\d\d)$")
_NTH = re.compile(r"^(1st|2nd|3rd|4th|5th|last) (\w+) of (\w+)$")
_AFTER = re.compile(r"^(\w+) after (1st|2nd|3rd|4th|5th|last) (\w+) of (\w+)$")
_RELATIVE = re.compile(r"^(thanksgiving|easter)([+-]\d+)?$")


class LawDataError(ValidationError):
    """A law data file that cannot be used; the message names the file and the key."""


# The objects ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stage:
    """One period the law sets: who must act by when, counted how, from what, and where it says so."""

    kind: str
    unit: str
    days: int | None = None
    trigger: str = "receipt"
    rollover: str = "none"
    citation: str = ""
    quote: str = ""
    source_url: str = ""
    checked: date | None = None
    #: Set: the stage applies only in that case; empty: the default stage of its kind.
    variant: str = ""
    #: appeal / appeal_decided: who decides, and where the appeal goes.
    body: str = ""
    address: str = ""
    notes: str = ""
    #: extend: which stage the extension moves (respond or produce).
    extends: str = "respond"
    #: extend: the agency may take the extension again (each time from the current due date).
    repeatable: bool = False
    #: sue: the date is the last day to go to court (else the first day the requester may).
    last_day: bool = False

    @property
    def counted(self) -> bool:
        """The stage has a number of days to count."""
        return self.unit in COUNTED_UNITS

    @property
    def has_evidence(self) -> bool:
        return all(getattr(self, key) for key in EVIDENCE)


@dataclass(frozen=True)
class AddedHoliday:
    """A closed day the `holidays` package lacks, by a rule of the small vocabulary in docs/law-data.md."""

    name: str
    rule: str
    from_year: int | None = None
    until_year: int | None = None
    #: "even" / "odd": only in those years (election days); "" every year.
    years: str = ""
    citation: str = ""

    def on(self, year: int) -> date | None:
        """The day in `year`, or None when the rule does not apply that year."""
        if (self.from_year and year < self.from_year) or (self.until_year and year > self.until_year):
            return None
        if self.years and (year % 2 == 0) != (self.years == "even"):
            return None
        return rule_date(self.rule, year)


@dataclass(frozen=True)
class HolidayRules:
    """Which days a jurisdiction is closed: the package's list, minus `remove`, plus `add`, moved per `weekend_rule`."""

    country: str = "US"
    subdiv: str | None = None
    weekend_rule: str = "sat_fri_sun_mon"
    remove: tuple[str, ...] = ()
    add: tuple[AddedHoliday, ...] = ()
    optional_are_business_days: bool = False
    #: Names (the package's or added) of optional holidays: business days when optional_are_business_days.
    optional: tuple[str, ...] = ()
    citation: str = ""
    quote: str = ""
    source_url: str = ""
    checked: date | None = None

    @property
    def has_evidence(self) -> bool:
        return all(getattr(self, key) for key in EVIDENCE)


@dataclass(frozen=True)
class Law:
    """A jurisdiction's public-records law as its data file states it."""

    slug: str
    name: str
    level: str
    law_name: str
    citation: str
    source_url: str
    timezone: str
    holidays: HolidayRules
    stages: tuple[Stage, ...] = ()
    verified: bool = False
    notes: str = ""
    #: The file it came from, for messages.
    path: str = field(default="", compare=False)

    def stage(self, kind: str, *, extends: str = "respond") -> Stage | None:
        """The default (no-variant) stage of a kind; None where the law sets none."""
        for stage in self.stages:
            if stage.kind == kind and not stage.variant and (kind != "extend" or stage.extends == extends):
                return stage
        return None

    def variants(self, kind: str) -> list[Stage]:
        """The stages of a kind that apply only in some cases."""
        return [stage for stage in self.stages if stage.kind == kind and stage.variant]

    @property
    def unread(self) -> bool:
        """Some stage is not yet read from the statute (unit "unknown")."""
        return any(stage.unit == "unknown" for stage in self.stages)


# Holiday rules ----------------------------------------------------------------------------------

def _nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date | None:
    first = date(year, month, 1)
    if ordinal > 0:
        day = 1 + (weekday - first.weekday()) % 7 + 7 * (ordinal - 1)
    else:
        following = date(year + (month == 12), month % 12 + 1, 1)
        last = following.toordinal() - 1
        day = date.fromordinal(last - (date.fromordinal(last).weekday() - weekday) % 7).day
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _easter(year: int) -> date:
    """Easter Sunday (Western), by the anonymous Gregorian algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def rule_date(rule: str, year: int) -> date | None:
    """The day a holiday rule names in `year` ("12-24", "2nd monday of october", "thanksgiving+1", "easter-2",
    "tuesday after 1st monday of november"); ValueError for a rule outside the vocabulary."""
    text = " ".join(rule.strip().lower().split())
    if match := _FIXED.match(text):
        try:
            return date(year, int(match[1]), int(match[2]))
        except ValueError:
            raise ValueError(f"{rule!r} is not a month and day") from None
    if match := _NTH.match(text):
        ordinal, weekday, month = match.groups()
        if weekday not in WEEKDAYS or month not in MONTHS:
            raise ValueError(f"{rule!r}: weekdays and months are written in English, e.g. 2nd monday of october")
        return _nth_weekday(year, MONTHS.index(month) + 1, WEEKDAYS.index(weekday), ORDINALS[ordinal])
    if match := _AFTER.match(text):
        weekday, ordinal, anchor_day, month = match.groups()
        if weekday not in WEEKDAYS or anchor_day not in WEEKDAYS or month not in MONTHS:
            raise ValueError(f"{rule!r}: weekdays and months are written in English")
        anchor = _nth_weekday(year, MONTHS.index(month) + 1, WEEKDAYS.index(anchor_day), ORDINALS[ordinal])
        return date.fromordinal(anchor.toordinal() + 1 + (WEEKDAYS.index(weekday) - anchor.weekday() - 1) % 7)
    if match := _RELATIVE.match(text):
        base = _nth_weekday(year, 11, 3, 4) if match[1] == "thanksgiving" else _easter(year)
        return date.fromordinal(base.toordinal() + int(match[2] or 0))
    raise ValueError(f"{rule!r} is not a holiday rule (use \"MM-DD\", \"2nd monday of october\", "
                     "\"last monday of may\", \"thanksgiving+1\", \"easter-2\")")


# Reading and checking ---------------------------------------------------------------------------

class _Reader:
    """Checks one file's values, raising LawDataError("<file>: <key> ...")."""

    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, key: str, message: str) -> LawDataError:
        return LawDataError(f"{self.filename}: {key} {message}")

    def text(self, table: dict, key: str, where: str, *, required: bool = False) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise self.fail(f"{where}{key}", f"must be text, not {value!r}")
        if required and not value.strip():
            raise self.fail(f"{where}{key}", "is missing")
        return value.strip()

    def choice(self, table: dict, key: str, where: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.fail(f"{where}{key}", f"is missing (one of {', '.join(allowed)})")
        if value not in allowed:
            raise self.fail(f"{where}{key}", f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def flag(self, table: dict, key: str, where: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}{key}", f"must be true or false, not {value!r}")
        return value

    def day(self, table: dict, key: str, where: str) -> date | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(f"{where}{key}", f"must be a TOML date like 2026-12-01, not {value!r}")
        return value

    def url(self, table: dict, key: str, where: str, *, required: bool = False) -> str:
        value = self.text(table, key, where, required=required)
        if value and not value.startswith(("https://", "http://")):
            raise self.fail(f"{where}{key}", f"must be an http(s) address, not {value!r}")
        return value

    def unknown_keys(self, table: dict, allowed: set[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(f"{where}{unknown[0]}", f"is not a key of the law data format (allowed: "
                                                    f"{', '.join(sorted(allowed))})")

    def stage(self, raw, index: int) -> Stage:
        where = f"stages[{index}]."
        if not isinstance(raw, dict):
            raise self.fail(f"stages[{index}]", "must be a table ([[stages]])")
        self.unknown_keys(raw, STAGE_KEYS, where)
        kind = self.choice(raw, "kind", where, STAGE_KINDS)
        unit = self.choice(raw, "unit", where, UNITS)
        days = raw.get("days")
        if unit in COUNTED_UNITS:
            if isinstance(days, bool) or not isinstance(days, int) or days < 0:
                raise self.fail(f"{where}days", f"must be a whole number of days for unit {unit!r}, not {days!r}")
        elif days is not None:
            raise self.fail(f"{where}days", f"must be left out when unit is {unit!r}")
        extends = self.choice(raw, "extends", where, ("respond", "produce"), "respond")
        if extends != "respond" and kind != "extend":
            raise self.fail(f"{where}extends", "belongs to extend stages only")
        for key in ("repeatable", "last_day"):
            if key in raw and kind != {"repeatable": "extend", "last_day": "sue"}[key]:
                raise self.fail(f"{where}{key}", f"belongs to {'extend' if key == 'repeatable' else 'sue'} stages only")
        return Stage(
            kind=kind, unit=unit, days=days,
            trigger=self.choice(raw, "trigger", where, TRIGGERS, DEFAULT_TRIGGERS[kind]),
            rollover=self.choice(raw, "rollover", where, ROLLOVERS, "none"),
            citation=self.text(raw, "citation", where), quote=self.text(raw, "quote", where),
            source_url=self.url(raw, "source_url", where), checked=self.day(raw, "checked", where),
            variant=self.text(raw, "variant", where), body=self.text(raw, "body", where),
            address=self.text(raw, "address", where), notes=self.text(raw, "notes", where),
            extends=extends, repeatable=self.flag(raw, "repeatable", where), last_day=self.flag(raw, "last_day", where))

    def added(self, raw, index: int) -> AddedHoliday:
        where = f"holidays.add[{index}]."
        if not isinstance(raw, dict):
            raise self.fail(f"holidays.add[{index}]", 'must be a table like {name = "...", rule = "MM-DD"}')
        self.unknown_keys(raw, ADDED_KEYS, where)
        years = {}
        for key in ("from_year", "until_year"):
            value = raw.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise self.fail(f"{where}{key}", f"must be a year, not {value!r}")
            years[key] = value
        holiday = AddedHoliday(name=self.text(raw, "name", where, required=True),
                               rule=self.text(raw, "rule", where, required=True),
                               years=self.choice(raw, "years", where, ("", "even", "odd"), ""),
                               citation=self.text(raw, "citation", where), **years)
        try:
            rule_date(holiday.rule, 2026)
        except ValueError as error:
            raise self.fail(f"{where}rule", str(error)) from None
        return holiday

    def holidays(self, raw) -> HolidayRules:
        where = "holidays."
        if not isinstance(raw, dict):
            raise self.fail("holidays", "must be a table ([holidays])")
        self.unknown_keys(raw, HOLIDAY_KEYS, where)
        country = self.text(raw, "country", where) or "US"
        subdiv = self.text(raw, "subdiv", where) or None
        try:
            names = holiday_lists.names(country, subdiv)
        except NotImplementedError:
            raise self.fail(f"{where}subdiv",
                            f"names no calendar of the holidays package: {country}/{subdiv}") from None
        lists = {}
        for key in ("remove", "optional"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise self.fail(f"{where}{key}", "must be a list of holiday names")
            lists[key] = tuple(v.strip() for v in value)
        added_raw = raw.get("add", [])
        if not isinstance(added_raw, list):
            raise self.fail(f"{where}add", "must be a list of tables")
        added = tuple(self.added(item, index) for index, item in enumerate(added_raw))
        for name in lists["remove"]:
            if name not in names:
                raise self.fail(f"{where}remove", f"names {name!r}, which the holidays package never lists for "
                                                  f"{country}/{subdiv or '-'} (it lists: {', '.join(sorted(names))})")
        for name in lists["optional"]:
            if name not in names and name not in {a.name for a in added}:
                raise self.fail(f"{where}optional", f"names {name!r}, which is neither in the package's list nor added")
        return HolidayRules(
            country=country, subdiv=subdiv,
            weekend_rule=self.choice(raw, "weekend_rule", where, WEEKEND_RULES, "sat_fri_sun_mon"),
            remove=lists["remove"], add=added, optional=lists["optional"],
            optional_are_business_days=self.flag(raw, "optional_are_business_days", where),
            citation=self.text(raw, "citation", where), quote=self.text(raw, "quote", where),
            source_url=self.url(raw, "source_url", where), checked=self.day(raw, "checked", where))

    def law(self, slug: str, document: dict) -> Law:
        self.unknown_keys(document, TOP_KEYS, "")
        for key in REQUIRED_TOP:
            self.text(document, key, "", required=True)
        level = self.choice(document, "level", "", LEVELS)
        timezone = self.text(document, "timezone", "", required=True)
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail("timezone", f"is not an IANA time zone: {timezone!r}") from None
        holidays = self.holidays(document.get("holidays", {}))
        raw_stages = document.get("stages", [])
        if not isinstance(raw_stages, list):
            raise self.fail("stages", "must be a list of tables ([[stages]])")
        stages = tuple(self.stage(raw, index) for index, raw in enumerate(raw_stages))
        seen = set()
        for index, stage in enumerate(stages):
            key = (stage.kind, stage.extends, stage.variant)
            if key in seen:
                raise self.fail(f"stages[{index}].variant", f"repeats a {stage.kind} stage"
                                + (f" for {stage.variant!r}" if stage.variant else " without a variant")
                                + "; each kind has one default stage and one per variant")
            seen.add(key)
        verified = self.flag(document, "verified", "")
        if verified:
            for index, stage in enumerate(stages):
                missing = [key for key in EVIDENCE if not getattr(stage, key)]
                if missing:
                    raise self.fail(f"stages[{index}].{missing[0]}", "is missing, and verified = true promises "
                                                                     "citation, quote, source_url and checked")
                if stage.unit == "unknown":
                    raise self.fail(f"stages[{index}].unit", "is \"unknown\" in a file marked verified = true")
            missing = [key for key in EVIDENCE if not getattr(holidays, key)]
            if missing:
                raise self.fail(f"holidays.{missing[0]}", "is missing, and verified = true promises citation, "
                                                          "quote, source_url and checked")
        return Law(slug=slug, name=self.text(document, "name", ""), level=level,
                   law_name=self.text(document, "law_name", ""), citation=self.text(document, "citation", ""),
                   source_url=self.url(document, "source_url", "", required=True), timezone=timezone,
                   holidays=holidays, stages=stages, verified=verified, notes=self.text(document, "notes", ""),
                   path=self.filename)


def parse_law(slug: str, text: bytes | str, filename: str | None = None) -> Law:
    """One law from the text of its file; LawDataError naming the file and the key for bad data."""
    filename = filename or f"foia/data/laws/{slug}.toml"
    if not SLUG.fullmatch(slug):
        raise LawDataError(f"{filename}: the file name must be a lower-case slug (federal, fl, ...)")
    try:
        document = tomllib.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LawDataError(f"{filename}: not valid TOML: {error}") from None
    return _Reader(filename).law(slug, document)


def _laws_folder():
    return resources.files("foia").joinpath("data").joinpath("laws")


def law_files():
    """Every packaged law file (foia/data/laws/<slug>.toml), by name."""
    return sorted((entry for entry in _laws_folder().iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)


@functools.cache
def _packaged_law(slug: str) -> Law | None:
    """One packaged law, read and checked alone (`foia deadline` needs no other); None if there is none."""
    if not SLUG.fullmatch(slug):
        return None
    entry = _laws_folder().joinpath(f"{slug}.toml")
    if not entry.is_file():
        return None
    return parse_law(slug, entry.read_bytes(), f"foia/data/laws/{entry.name}")


@functools.cache
def _packaged() -> dict[str, Law]:
    slugs = [entry.name.removesuffix(".toml") for entry in law_files()]
    return {slug: _packaged_law(slug) for slug in slugs}


def all_laws() -> dict[str, Law]:
    """Every packaged law by slug, checked: federal first, then by name."""
    laws = _packaged()
    return {slug: laws[slug] for slug in sorted(laws, key=lambda s: (laws[s].level != "federal", laws[s].name))}


def get_law(slug: str) -> Law:
    """The packaged law of a jurisdiction slug; ValidationError naming the known ones otherwise."""
    wanted = (slug or "").strip().lower()
    law = _packaged_law(wanted)
    if law is None:
        known = sorted(entry.name.removesuffix(".toml") for entry in law_files())
        raise ValidationError(f"Unknown jurisdiction {slug!r} (known: {', '.join(known)}).",
                              {"jurisdiction": "Choose a jurisdiction."})
    return law


def law_for(jurisdiction) -> Law:
    """The law of a Jurisdiction row (by its slug); NotFound when no data file has it."""
    law = _packaged_law(jurisdiction.slug) if jurisdiction is not None else None
    if law is None:
        raise NotFound("law data for this jurisdiction")
    return law
