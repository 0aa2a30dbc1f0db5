"""Pure day arithmetic on a jurisdiction's calendar, with every day that did not count and the rule behind it.

A jurisdiction's closed days come from its law file's `[holidays]` table (see docs/law-data.md):
the `holidays` package's list for the country and subdivision (observed=False), minus `remove`,
plus `add`, each holiday on a weekend moved to a weekday as `weekend_rule` says (federal:
5 U.S.C. 6103(b), Saturday's on Friday and Sunday's on Monday; New York: only Sunday's; Texas:
none), and optional holidays counted as business days where `optional_are_business_days`.
An agency's own closure days (a city closed on an extra day) are added on top.

Day 1 of a period is the first business day (or, for calendar-day counts, the first day) after its
start. "Today" is always the jurisdiction's own date: `law_today`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from foia.deadlines import holiday_lists
from foia.deadlines.laws import HolidayRules, get_law
from foia.ports import local_date

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKEND_RULE_WORDS = {
    "sat_fri_sun_mon": "a holiday on a Saturday is observed on the Friday before, one on a Sunday on the Monday after",
    "sun_mon": "only a holiday on a Sunday moves, to the Monday after",
    "none": "a holiday on a weekend is not observed on another day",
}


def law_today(jurisdiction, now: datetime) -> date:
    """Today's date where a law counts days: in the jurisdiction's (or law's) own time zone.

    Without a jurisdiction (a page before one is chosen) it is the federal law's date.
    """
    return local_date(now, getattr(jurisdiction, "timezone", None) or get_law("federal").timezone)


@dataclass(frozen=True)
class ClosedDay:
    """A day an agency is closed besides its law's holidays (from the agency's own list)."""

    day: date
    name: str


@dataclass(frozen=True)
class Holiday:
    """A holiday on a day, and the rule that makes it one."""

    name: str
    rule: str
    optional: bool = False


@dataclass(frozen=True)
class SkippedDay:
    """A day that did not count, why (weekend day or holiday, by name) and the rule behind it."""

    day: date
    reason: str
    rule: str = ""

    @property
    def words(self) -> str:
        return f"{self.reason} ({self.rule})" if self.rule else self.reason

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "reason": self.reason, "rule": self.rule}


@dataclass(frozen=True)
class Count:
    """The result of counting days from a start date: the due date and every day that did not count."""

    start: date
    days: int
    unit: str  # "business" | "calendar"
    due: date
    skipped: tuple[SkippedDay, ...] = ()
    #: For calendar-day counts rolled to the next business day: the day the period really ended.
    rolled_from: date | None = None
    #: Optional holidays inside the period that counted as business days.
    counted_optional: tuple[SkippedDay, ...] = ()

    @property
    def day_type(self) -> str:
        return self.unit


class HolidayCalendar:
    """The business days of one jurisdiction (and agency): Monday to Friday minus its closed days."""

    def __init__(self, rules: HolidayRules, closures: tuple[ClosedDay, ...] = (), closed_by: str = ""):
        self.rules = rules
        self.closures = {c.day: c.name for c in closures}
        self.closed_by = closed_by
        self._years: dict[int, tuple[dict, dict]] = {}

    @property
    def description(self) -> str:
        where = f"{self.rules.country}/{self.rules.subdiv}" if self.rules.subdiv else self.rules.country
        text = f"{where} holidays"
        if self.rules.citation:
            text += f" ({self.rules.citation})"
        return text + "; " + WEEKEND_RULE_WORDS[self.rules.weekend_rule]

    def _rule_words(self, holiday_citation: str = "") -> str:
        if holiday_citation or self.rules.citation:
            return holiday_citation or self.rules.citation
        where = f"{self.rules.country}/{self.rules.subdiv}" if self.rules.subdiv else self.rules.country
        return f"the holidays package's {where} list, not yet checked against the law"

    def _listed(self, year: int) -> list[tuple[date, str, str]]:
        """(day, name, rule) of each holiday in `year` before weekend observance."""
        rules = self.rules
        found = [(day, name, self._rule_words()) for day, name in holiday_lists.listed(rules.country, rules.subdiv, year)
                 if name not in rules.remove]
        for added in rules.add:
            day = added.on(year)
            if day is not None:
                found.append((day, added.name, self._rule_words(added.citation)))
        return found

    def _tables(self, year: int) -> tuple[dict, dict]:
        """({day: [closed Holiday]}, {day: [optional Holiday counted as a business day]}) for one year."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        closed: dict[date, list[Holiday]] = {}
        optional: dict[date, list[Holiday]] = {}
        weekend_rule = self.rules.weekend_rule
        for source_year in (year - 1, year, year + 1):
            for day, name, rule in self._listed(source_year):
                is_optional = name in self.rules.optional
                target = optional if is_optional and self.rules.optional_are_business_days else closed
                if day.year == year:
                    target.setdefault(day, []).append(Holiday(name, rule, is_optional))
                moved = None
                if day.weekday() == 5 and weekend_rule == "sat_fri_sun_mon":
                    moved = day - timedelta(days=1)
                elif day.weekday() == 6 and weekend_rule in ("sat_fri_sun_mon", "sun_mon"):
                    moved = day + timedelta(days=1)
                if moved is not None and moved.year == year:
                    words = f"{rule}; {WEEKEND_RULE_WORDS[weekend_rule]}"
                    target.setdefault(moved, []).append(Holiday(f"{name} (observed)", words, is_optional))
        self._years[year] = (closed, optional)
        return closed, optional

    def holidays_on(self, day: date) -> list[Holiday]:
        """The holidays that close the jurisdiction on a day (observed ones say so)."""
        return list(self._tables(day.year)[0].get(day, []))

    def holiday_name(self, day: date) -> str | None:
        """The closed day's holiday names joined ("Christmas Day (observed)"), or None."""
        names = [h.name for h in self.holidays_on(day)]
        return "; ".join(names) if names else None

    def optional_holiday(self, day: date) -> SkippedDay | None:
        """An optional holiday that counts as a business day, with the rule saying so; None otherwise."""
        found = self._tables(day.year)[1].get(day)
        if not found or day.weekday() >= 5 or self.non_business_day(day):
            return None
        names = "; ".join(h.name for h in found)
        return SkippedDay(day, names, f"{found[0].rule}: an optional holiday, counted as a business day unless "
                                      "the agency closes for it (add it to the agency's closure days)")

    def non_business_day(self, day: date) -> SkippedDay | None:
        """Why a day is not a business day (weekend, holiday, agency closure), or None."""
        holidays = self.holidays_on(day)
        if day.weekday() >= 5:
            weekday = WEEKDAY_NAMES[day.weekday()]
            if holidays:
                return SkippedDay(day, f"{weekday} ({'; '.join(h.name for h in holidays)})", "weekend")
            return SkippedDay(day, weekday, "weekend")
        if holidays:
            return SkippedDay(day, "; ".join(h.name for h in holidays), holidays[0].rule)
        if day in self.closures:
            return SkippedDay(day, self.closures[day], f"closed by {self.closed_by or 'the agency'}")
        return None

    def non_business_reason(self, day: date) -> str | None:
        """The words for why a day is not a business day, or None."""
        skipped = self.non_business_day(day)
        return skipped.reason if skipped else None

    def is_business_day(self, day: date) -> bool:
        return self.non_business_day(day) is None

    def next_business_day(self, day: date) -> tuple[date, tuple[SkippedDay, ...]]:
        """The first business day on or after `day`, and the days stepped over to reach it."""
        skipped = []
        while (reason := self.non_business_day(day)) is not None:
            skipped.append(reason)
            day += timedelta(days=1)
        return day, tuple(skipped)

    def previous_business_day(self, day: date) -> date:
        """The last business day before `day`."""
        day -= timedelta(days=1)
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def add_business_days(self, start: date, days: int) -> Count:
        """The `days`-th business day after `start` (day 1 is the first business day after it)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted, skipped, optional = start, 0, [], []
        while counted < days:
            current += timedelta(days=1)
            reason = self.non_business_day(current)
            if reason is None:
                counted += 1
                if (note := self.optional_holiday(current)) is not None:
                    optional.append(note)
            else:
                skipped.append(reason)
        return Count(start=start, days=days, unit="business", due=current, skipped=tuple(skipped),
                     counted_optional=tuple(optional))

    def add_calendar_days(self, start: date, days: int, *, roll_forward: bool) -> Count:
        """`days` calendar days after `start`; a period ending on a closed day runs to the next business day
        when `roll_forward` (where a statute says so)."""
        if days < 0:
            raise ValueError("days must not be negative")
        end = start + timedelta(days=days)
        if not roll_forward:
            return Count(start=start, days=days, unit="calendar", due=end)
        due, skipped = self.next_business_day(end)
        return Count(start=start, days=days, unit="calendar", due=due, skipped=skipped,
                     rolled_from=end if due != end else None)

    def add_days(self, start: date, days: int, unit: str, *, roll_forward: bool = False) -> Count:
        """Business or calendar days, as the law counts them."""
        if unit == "calendar":
            return self.add_calendar_days(start, days, roll_forward=roll_forward)
        if unit == "business":
            return self.add_business_days(start, days)
        raise ValueError(f"cannot count days in unit {unit!r}")

    def days_remaining(self, after: date, until: date, unit: str) -> int:
        """How many days of the unit are left after `after` up to and including `until` (0 if past)."""
        if until <= after:
            return 0
        if unit == "calendar":
            return (until - after).days
        count, current = 0, after
        while current < until:
            current += timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        return count

    def subtract_business_days(self, end: date, days: int) -> date:
        """The business day `days` business days before `end` (for "remind N business days ahead")."""
        current, counted = end, 0
        while counted < days:
            current -= timedelta(days=1)
            if self.is_business_day(current):
                counted += 1
        return current


@functools.lru_cache(maxsize=256)
def calendar_for(rules: HolidayRules, closures: tuple[ClosedDay, ...] = (), closed_by: str = "") -> HolidayCalendar:
    """The (cached) calendar of a law's holiday rules, with an agency's own closure days."""
    return HolidayCalendar(rules, closures, closed_by)
