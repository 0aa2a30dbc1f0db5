"""Holidays as each state observes them, read from the shipped law files (one test per rule the issue names)."""
from datetime import date

from foia.deadlines import rules
from foia.deadlines.calendar import ClosedDay, calendar_for
from tests.unit.deadlines.laws import calendar, law


def test_texas_moves_no_weekend_holiday_and_counts_optional_holidays_unless_the_agency_closes():
    texas = calendar("tx")
    # Independence Day 2026 is a Saturday: Friday Jul 3 stays a business day (Gov't Code 552.0031(e)).
    assert texas.is_business_day(date(2026, 7, 3))
    assert not calendar("federal").is_business_day(date(2026, 7, 3))
    # Good Friday and Cesar Chavez Day are optional holidays: business days, and the explanation says why.
    assert texas.is_business_day(date(2026, 4, 3)) and texas.is_business_day(date(2026, 3, 31))
    result = rules.calculate(law("tx"), date(2026, 3, 27))
    text = result["explanation"][0]["text"]
    assert "Good Friday on Fri Apr 3, 2026 counted" in text and "optional holiday" in text
    # An agency that observes Good Friday lists it as a closure day, and the clock skips it.
    observing = calendar_for(law("tx").holidays, (ClosedDay(date(2026, 4, 3), "Good Friday (observed by the agency)"),),
                             "Austin Police Department")
    assert not observing.is_business_day(date(2026, 4, 3))
    # State holidays close the office: Dec 24 and the Friday after Thanksgiving.
    assert not texas.is_business_day(date(2026, 12, 24)) and not texas.is_business_day(date(2026, 11, 27))


def test_new_york_moves_only_sunday_holidays_and_susan_b_anthony_day_is_no_holiday():
    new_york = calendar("ny")
    assert new_york.is_business_day(date(2027, 12, 24))  # Christmas is Saturday Dec 25, 2027: not moved
    assert not new_york.is_business_day(date(2027, 7, 5))  # Independence Day Sunday Jul 4, 2027: Monday off
    assert new_york.holiday_name(date(2027, 7, 5)) == "Independence Day (observed)"
    assert new_york.is_business_day(date(2028, 2, 15))  # Susan B. Anthony Day, a Tuesday
    assert not new_york.is_business_day(date(2026, 11, 3))  # each general election day (Gen. Constr. Law 24)


def test_kansas_excludes_every_day_congress_designates_columbus_day_included():
    kansas = calendar("ks")
    assert not kansas.is_business_day(date(2026, 10, 12))
    assert "Columbus Day" in kansas.holiday_name(date(2026, 10, 12))


def test_california_uses_the_code_of_civil_procedure_list():
    california = calendar("ca")
    assert not california.is_business_day(date(2026, 2, 12))  # Lincoln Day
    assert not california.is_business_day(date(2026, 9, 25))  # Native American Day, fourth Friday in September
    assert not california.is_business_day(date(2026, 11, 27))  # day after Thanksgiving
    assert california.is_business_day(date(2027, 10, 29))  # Diwali is not a holiday under Gov. Code 6700
    assert california.is_business_day(date(2028, 2, 15))  # nor is Susan B. Anthony Day
    assert california.is_business_day(date(2026, 10, 12))  # Columbus Day is no judicial holiday (CCP 135)


def test_massachusetts_keeps_saturday_holidays_on_saturday():
    massachusetts = calendar("ma")
    assert massachusetts.is_business_day(date(2026, 7, 3))
    assert not massachusetts.is_business_day(date(2026, 4, 20))  # Patriots' Day


def test_every_skipped_day_names_the_rule_that_made_it_a_holiday():
    result = rules.calculate(law("ny"), date(2026, 10, 30))
    ack = result["explanation"][0]
    (election,) = [s for s in ack["skipped"] if s["date"] == "2026-11-03"]
    assert election["reason"] == "Election Day" and election["rule"] == "N.Y. Gen. Constr. Law § 24"
    assert "Election Day on Tue Nov 3, 2026 [N.Y. Gen. Constr. Law § 24]" in ack["text"]


def test_agency_closure_days_are_skipped_by_name():
    federal = law("federal")
    closed = calendar_for(federal.holidays, (ClosedDay(date(2026, 12, 24), "Christmas Eve closure"),), "City of Orlando")
    skipped = closed.non_business_day(date(2026, 12, 24))
    assert (skipped.reason, skipped.rule) == ("Christmas Eve closure", "closed by City of Orlando")
    assert calendar("federal").is_business_day(date(2026, 12, 24))


def test_minnesota_executive_branch_closes_the_friday_after_thanksgiving_but_not_columbus_day():
    minnesota = calendar("mn")  # Minn. Stat. 645.44, subd. 5
    assert not minnesota.is_business_day(date(2026, 11, 27))  # Friday after Thanksgiving
    assert minnesota.is_business_day(date(2026, 10, 12))  # Christopher Columbus Day: not for the executive branch
    assert not minnesota.is_business_day(date(2026, 7, 3))  # Independence Day Sat Jul 4, 2026: the Friday before
    assert not minnesota.is_business_day(date(2027, 6, 18))  # Juneteenth Sat Jun 19, 2027: the Friday before


def test_maryland_and_maine_move_only_sunday_holidays():
    maryland, maine = calendar("md"), calendar("me")  # Md. Gen. Prov. 1-111(b); 4 M.R.S. 1051
    for state in (maryland, maine):
        assert state.is_business_day(date(2026, 7, 3))  # Independence Day Sat Jul 4, 2026: Friday stays open
        assert not state.is_business_day(date(2027, 7, 5))  # Independence Day Sun Jul 4, 2027: Monday closed
    assert not maryland.is_business_day(date(2027, 9, 13))  # Defenders' Day Sun Sep 12, 2027: Monday closed
    assert not maryland.is_business_day(date(2026, 11, 27))  # American Indian Heritage Day (the Friday after Thanksgiving)
    assert maine.is_business_day(date(2026, 11, 27))  # no statutory day after Thanksgiving in Maine


def test_alaska_has_seward_and_alaska_days_and_no_columbus_day():
    alaska = calendar("ak")  # AS 44.12.010, .020, .025
    assert not alaska.is_business_day(date(2027, 3, 29))  # Seward's Day, last Monday of March
    assert alaska.is_business_day(date(2027, 10, 11))  # second Monday of October: no holiday
    assert not alaska.is_business_day(date(2027, 10, 18))  # Alaska Day
    assert not alaska.is_business_day(date(2027, 12, 24))  # Christmas Sat Dec 25, 2027: the Friday before
