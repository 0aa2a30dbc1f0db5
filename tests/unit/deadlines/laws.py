"""The laws the deadline tests count by: the shipped foia/data/laws/*.toml, so an error in the data fails them."""
from __future__ import annotations

from foia.deadlines.calendar import HolidayCalendar, calendar_for
from foia.deadlines.laws import Law, all_laws, get_law


def law(slug: str) -> Law:
    """A shipped law, as `foia deadline` reads it."""
    return get_law(slug)


def calendar(slug: str) -> HolidayCalendar:
    """A shipped law's calendar (no agency closure days)."""
    return calendar_for(get_law(slug).holidays)


def shipped_laws() -> dict[str, Law]:
    """Every shipped law by slug."""
    return all_laws()
