"""The laws the deadline tests count by: the shipped foia/data/laws/*.toml, so an error in the data fails them."""
from __future__ import annotations

from foia.deadlines.calendar import HolidayCalendar, calendar_for
from foia.deadlines.laws import Law, all_laws, get_law, parse_law


def law(slug: str) -> Law:
    """A shipped law, as `foia deadline` reads it."""
    return get_law(slug)


def calendar(slug: str) -> HolidayCalendar:
    """A shipped law's calendar (no agency closure days)."""
    return calendar_for(get_law(slug).holidays)


def shipped_laws() -> dict[str, Law]:
    """Every shipped law by slug."""
    return all_laws()


def unread_law() -> Law:
    """A law whose file has not been read in the statute's words yet: 5 business days to respond, an
    appeal not yet read, nothing more (what it lacks is "not in our data yet", never "the law sets none")."""
    return parse_law("zz", """
name = "Nowhere"
level = "state"
law_name = "Nowhere Records Act"
citation = "N. Code § 1"
source_url = "https://example.org/code"
timezone = "America/Chicago"
verified = false

[holidays]
country = "US"
subdiv = "TX"

[[stages]]
kind = "respond"
days = 5
unit = "business"
trigger = "receipt"
citation = "N. Code § 1(b)"

[[stages]]
kind = "appeal"
unit = "unknown"
trigger = "determination"
citation = "N. Code § 2"
""")
