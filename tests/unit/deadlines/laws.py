"""The laws the deadline tests count by, fixed here so the tests do not move when the data file is edited."""
from __future__ import annotations

from sqlmodel import select

from foia.agencies.models import DayType, Jurisdiction

LAWS = {
    "federal": dict(name="United States (federal)", level="federal", law_name="Freedom of Information Act",
                    citation="5 U.S.C. 552", holiday_country="US", holiday_subdiv=None, ack_days=None,
                    response_days=20, response_after_ack=False, day_type=DayType.business, extension_days=10,
                    appeal_window_days=90, appeal_response_days=20,
                    response_citation="5 U.S.C. 552(a)(6)(A)(i)", extension_citation="5 U.S.C. 552(a)(6)(B)(i)",
                    appeal_citation="5 U.S.C. 552(a)(6)(A)(i)(III)(aa)", timezone="America/New_York"),
    "or": dict(name="Oregon", law_name="Oregon Public Records Law", citation="ORS 192.311 to 192.478",
               holiday_country="US", holiday_subdiv="OR", ack_days=5, response_days=10, response_after_ack=True,
               day_type=DayType.business, extension_days=None, appeal_window_days=None, appeal_response_days=None,
               ack_citation="ORS 192.324(2)", response_citation="ORS 192.329(2)", timezone="America/Los_Angeles"),
    "ny": dict(name="New York", law_name="Freedom of Information Law", citation="N.Y. Pub. Off. Law 84-90",
               holiday_country="US", holiday_subdiv="NY", ack_days=5, response_days=20, response_after_ack=True,
               day_type=DayType.business, extension_days=None, appeal_window_days=30, appeal_response_days=10,
               ack_citation="Pub. Off. Law 89(3)(a)", response_citation="Pub. Off. Law 89(3)(a)",
               appeal_citation="Pub. Off. Law 89(4)(a)", timezone="America/New_York"),
    "ca": dict(name="California", law_name="California Public Records Act", citation="Cal. Gov. Code 7920.000 ff.",
               holiday_country="US", holiday_subdiv="CA", ack_days=None, response_days=10, response_after_ack=False,
               day_type=DayType.calendar, extension_days=14, appeal_window_days=None, appeal_response_days=None,
               response_citation="Cal. Gov. Code 7922.535(a)", extension_citation="Cal. Gov. Code 7922.535(b)",
               timezone="America/Los_Angeles"),
    "wa": dict(name="Washington", law_name="Public Records Act", citation="RCW 42.56", holiday_country="US",
               holiday_subdiv="WA", ack_days=None, response_days=5, response_after_ack=False,
               day_type=DayType.business, extension_days=None, appeal_window_days=None, appeal_response_days=None,
               response_citation="RCW 42.56.520(1)", timezone="America/Los_Angeles"),
    "fl": dict(name="Florida", law_name="Florida Public Records Act", citation="Fla. Stat. ch. 119",
               holiday_country="US", holiday_subdiv="FL", ack_days=None, response_days=None, response_after_ack=False,
               day_type=DayType.business, extension_days=None, appeal_window_days=None, appeal_response_days=None,
               response_citation="Fla. Stat. 119.07(1)(c)", timezone="America/New_York",
               notes="Acknowledge promptly; produce within a reasonable time."),
}


def law(slug: str) -> Jurisdiction:
    """An unsaved Jurisdiction with the test's values (for the pure clock tests)."""
    return Jurisdiction(slug=slug, **LAWS[slug])


def ensure_laws(session) -> dict[str, Jurisdiction]:
    """Make the database's jurisdictions hold the test's values (inserting missing ones); commits."""
    found = {}
    for slug, values in LAWS.items():
        row = session.exec(select(Jurisdiction).where(Jurisdiction.slug == slug)).first()
        if row is None:
            row = Jurisdiction(slug=slug, **values)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        session.add(row)
        found[slug] = row
    session.commit()
    return found
