"""Pure business-day arithmetic on dates, with the holidays that were skipped, by name.

Holidays come from the `holidays` package (public category, observed dates included):

- federal: `holidays.US()` with no subdivision, which is exactly the legal public holidays of
  5 U.S.C. 6103(a): New Year's Day, Martin Luther King Jr. Day, Washington's Birthday, Memorial Day,
  Juneteenth (from 2021 only), Independence Day, Labor Day, Columbus Day, Veterans Day, Thanksgiving and
  Christmas, with a Saturday holiday observed on the Friday before and a Sunday one on the Monday after
  (so New Year's Day 2022, a Saturday, is observed Friday 2021-12-31). Closures by executive order
  (Christmas Eve, days of mourning) and Inauguration Day (6103(c), Washington DC area only) are not
  legal public holidays and are not skipped.
- states: `holidays.US(subdiv=XX)`, the state's own list: Washington has no Columbus Day but Native
  American Heritage Day (the day after Thanksgiving); California adds Cesar Chavez Day and the day after
  Thanksgiving. Known deviation: the package lists a few commemorative days for some states (for
  example California's Susan B. Anthony Day) on which offices stay open; such a day is still skipped, so
  a computed date can be one business day later than the strictest reading of the statute.

Day 1 of a period is the first business day (or, for calendar-day laws, the first day) after receipt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_package

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class SkippedDay:
    """A day that did not count, and why: a weekend day or a holiday (by name)."""

    day: date
    reason: str

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class Count:
    """The result of counting days from a start date: the due date and every day that did not count."""

    start: date
    days: int
    day_type: str  # "business" | "calendar"
    due: date
    skipped: tuple[SkippedDay, ...] = ()
    #: For calendar-day counts: the day the period really ended, when it fell on a non-business day.
    rolled_from: date | None = None

    @property
    def skipped_holidays(self) -> tuple[SkippedDay, ...]:
        return tuple(s for s in self.skipped if s.reason not in ("Saturday", "Sunday"))


@dataclass
class HolidayCalendar:
    """The business days of one jurisdiction: Monday to Friday minus its legal holidays."""

    country: str = "US"
    subdiv: str | None = None
    _years: dict = field(default_factory=dict, repr=False)

    @property
    def description(self) -> str:
        if self.subdiv:
            return f"{self.subdiv} state holidays"
        return f"{self.country} federal holidays" if self.country == "US" else f"{self.country} holidays"

    def _holidays(self, year: int):
        table = self._years.get(year)
        if table is None:
            table = holidays_package.country_holidays(self.country, subdiv=self.subdiv, years=year, observed=True)
            self._years[year] = table
        return table

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name on that day (observed ones say so), or None."""
        return self._holidays(day.year).get(day)

    def non_business_reason(self, day: date) -> str | None:
        """Why a day is not a business day ("Saturday", "Christmas Day (observed)"), or None."""
        holiday = self.holiday_name(day)
        if day.weekday() >= 5:
            return f"{WEEKDAY_NAMES[day.weekday()]} ({holiday})" if holiday else WEEKDAY_NAMES[day.weekday()]
        return holiday

    def is_business_day(self, day: date) -> bool:
        return self.non_business_reason(day) is None

    def next_business_day(self, day: date) -> tuple[date, tuple[SkippedDay, ...]]:
        """The first business day on or after `day`, and the days stepped over to reach it."""
        skipped = []
        while (reason := self.non_business_reason(day)) is not None:
            skipped.append(SkippedDay(day, reason))
            day += timedelta(days=1)
        return day, tuple(skipped)

    def add_business_days(self, start: date, days: int) -> Count:
        """The `days`-th business day after `start` (day 1 is the first business day after it)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted, skipped = start, 0, []
        while counted < days:
            current += timedelta(days=1)
            reason = self.non_business_reason(current)
            if reason is None:
                counted += 1
            else:
                skipped.append(SkippedDay(current, reason))
        return Count(start=start, days=days, day_type="business", due=current, skipped=tuple(skipped))

    def add_calendar_days(self, start: date, days: int, *, roll_forward: bool = True) -> Count:
        """`days` calendar days after `start`; a period ending on a weekend or holiday ends on the next
        business day when `roll_forward` (the usual rule for an agency's deadline)."""
        if days < 0:
            raise ValueError("days must not be negative")
        end = start + timedelta(days=days)
        if not roll_forward:
            return Count(start=start, days=days, day_type="calendar", due=end)
        due, skipped = self.next_business_day(end)
        return Count(start=start, days=days, day_type="calendar", due=due, skipped=skipped,
                     rolled_from=end if due != end else None)

    def add_days(self, start: date, days: int, day_type: str, *, roll_forward: bool = True) -> Count:
        """Business or calendar days, as the law counts them."""
        if day_type == "calendar":
            return self.add_calendar_days(start, days, roll_forward=roll_forward)
        return self.add_business_days(start, days)

    def days_remaining(self, after: date, until: date, day_type: str) -> int:
        """How many days of the kind counted are left after `after` up to and including `until` (0 if past)."""
        if until <= after:
            return 0
        if day_type == "calendar":
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


@lru_cache(maxsize=128)
def calendar_for(country: str = "US", subdiv: str | None = None) -> HolidayCalendar:
    """The (cached) calendar of a country or one of its subdivisions (a US state)."""
    return HolidayCalendar(country=country or "US", subdiv=subdiv or None)


FEDERAL = calendar_for("US", None)
