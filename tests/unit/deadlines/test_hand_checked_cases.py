"""Due dates worked out by hand with a calendar, counted through the shipped law files; the comment shows the count."""
from datetime import date

import pytest

from foia.deadlines import rules
from tests.unit.deadlines.laws import calendar, law

# (jurisdiction, received, expected ack_due, expected response_due, a skipped-day name the explanation must name)
CASES = [
    # Federal, 20 business days, no holiday in reach. Received Mon 2026-03-02:
    # Mar 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), Mar 30 (20).
    ("federal", date(2026, 3, 2), None, date(2026, 3, 30), None),
    # Federal over Christmas and a Saturday New Year's Day (observed Fri 2021-12-31). Received Mon 2021-12-20:
    # Dec 21-23 (3), Fri Dec 24 Christmas observed, Dec 27-30 (7), Fri Dec 31 New Year's observed,
    # Jan 3-7 (12), Jan 10-14 (17), Mon Jan 17 MLK Day, Jan 18-20 (20).
    ("federal", date(2021, 12, 20), None, date(2022, 1, 20), "New Year's Day (observed)"),
    # Federal, June 2020: Juneteenth was not yet a legal holiday, so Fri 2020-06-19 counts. Received Mon 2020-06-01:
    # Jun 2-5 (4), 8-12 (9), 15-19 (14), 22-26 (19), Mon Jun 29 (20).
    ("federal", date(2020, 6, 1), None, date(2020, 6, 29), None),
    # Federal, June 2022: Juneteenth (Sun Jun 19) observed Mon Jun 20. Received Wed 2022-06-01:
    # Jun 2-3 (2), 6-10 (7), 13-17 (12), Mon Jun 20 skipped, 21-24 (16), 27-30 (20).
    ("federal", date(2022, 6, 1), None, date(2022, 6, 30), "Juneteenth National Independence Day (observed)"),
    # Federal, 2021: Juneteenth Sat Jun 19 observed Fri Jun 18; Independence Day Sun Jul 4 observed Mon Jul 5.
    # Received Tue 2021-06-15: Jun 16-17 (2), Fri 18 skipped, 21-25 (7), Jun 28-Jul 2 (12), Mon Jul 5 skipped,
    # Jul 6-9 (16), 12-15 (20).
    ("federal", date(2021, 6, 15), None, date(2021, 7, 15), "Independence Day (observed)"),
    # Federal, Thanksgiving: only the Thursday is a federal holiday. Received Mon 2025-11-24:
    # Nov 25-26 (2), Thu 27 skipped, Fri 28 (3), Dec 1-5 (8), 8-12 (13), 15-19 (18), Dec 22-23 (20).
    ("federal", date(2025, 11, 24), None, date(2025, 12, 23), "Thanksgiving Day"),
    # Washington, 5 business days, WA's own holidays: Native American Heritage Day (day after Thanksgiving).
    # Received Tue 2025-11-25: Wed 26 (1), Thu 27 Thanksgiving, Fri 28 Native American Heritage Day,
    # weekend, Dec 1-4 (5).  (By the federal calendar it would be Wed Dec 3.)
    ("wa", date(2025, 11, 25), None, date(2025, 12, 4), "Native American Heritage Day"),
    # Washington has no Columbus Day: Mon 2025-10-13 counts. Received Fri 2025-10-10: Oct 13-17 (5).
    # (Federal agencies skip Columbus Day: they would be due Mon Oct 20.)
    ("wa", date(2025, 10, 10), None, date(2025, 10, 17), None),
    # Washington, a Saturday New Year's Day observed Fri 2021-12-31. Received Wed 2021-12-29:
    # Thu Dec 30 (1), Fri Dec 31 skipped, weekend, Jan 3-6 (5).
    ("wa", date(2021, 12, 29), None, date(2022, 1, 6), "New Year's Day (observed)"),
    # Oregon, two stages: acknowledge within 5 business days, then 10 business days counted from the
    # acknowledgement deadline (ORS 192.329(5)). Received Mon 2026-03-02: ack Mar 3-6 (4), Mon 9 (5);
    # response Mar 10-13 (4), 16-20 (9), Mon 23 (10).
    ("or", date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 23), None),
    # Oregon over Memorial Day. Received Fri 2025-05-23: ack Mon 26 Memorial Day skipped, 27-30 (4), Mon Jun 2 (5);
    # response Jun 3-6 (4), 9-13 (9), Mon Jun 16 (10).
    ("or", date(2025, 5, 23), date(2025, 6, 2), date(2025, 6, 16), "Memorial Day"),
    # New York: 5 business days to acknowledge; until it does, 20 business days counted from the last day
    # it may. Received Mon 2026-03-02: ack Mon Mar 9; response Mar 10-13 (4), 16-20 (9), 23-27 (14),
    # Mar 30-Apr 3 (19), Mon Apr 6 (20).
    ("ny", date(2026, 3, 2), date(2026, 3, 9), date(2026, 4, 6), None),
    # California, 10 calendar days. Received Mon 2026-03-02 + 10 = Thu Mar 12, a business day.
    ("ca", date(2026, 3, 2), None, date(2026, 3, 12), None),
    # California, 10 calendar days ending on Sat 2026-03-14: runs to Mon Mar 16 (Code Civ. Proc. 12a).
    ("ca", date(2026, 3, 4), None, date(2026, 3, 16), "Saturday"),
    # California's own holiday: Sat 2026-03-21 + 10 = Tue Mar 31, Cesar Chavez Day: runs to Wed Apr 1.
    ("ca", date(2026, 3, 21), None, date(2026, 4, 1), "Cesar Chavez Day"),
    # Alaska, 10 working days (2 AAC 96.325(a)); Seward's Day is the last Monday of March (AS 44.12.010(a)(4)).
    # Received Tue 2026-03-24: Mar 25-27 (3), Mon 30 Seward's Day skipped, Mar 31-Apr 3 (7), Apr 6-8 (10).
    ("ak", date(2026, 3, 24), None, date(2026, 4, 8), "Seward's Day"),
    # Alaska: Independence Day is Sat 2026-07-04, so Fri Jul 3 is also a legal holiday (AS 44.12.025).
    # Received Mon 2026-06-29: Jun 30-Jul 2 (3), Fri Jul 3 skipped, Jul 6-10 (8), Jul 13-14 (10).
    ("ak", date(2026, 6, 29), None, date(2026, 7, 14), "Independence Day (observed)"),
    # Alaska keeps no Columbus Day, and Alaska Day (Sun 2026-10-18) makes Mon Oct 19 a holiday (AS 44.12.020).
    # Received Fri 2026-10-09: Mon Oct 12-16 (5), Mon 19 skipped, Oct 20-23 (9), Mon Oct 26 (10).
    ("ak", date(2026, 10, 9), None, date(2026, 10, 26), "Alaska Day (observed)"),
    # Alabama: acknowledge within 10 days (Ala. Code 36-12-44(a)(3)); Thu 2026-04-02 + 10 = Sun Apr 12, which
    # runs to Mon Apr 13 (Ala. Code 1-1-4). Then 15 business days from it (not yet acknowledged): Apr 14-17 (4),
    # Apr 20-24 (9), Mon Apr 27 Confederate Memorial Day skipped (Ala. Code 1-3-8), Apr 28-May 1 (13), May 4-5 (15).
    ("al", date(2026, 4, 2), date(2026, 4, 13), date(2026, 5, 5), "Confederate Memorial Day"),
    # Delaware, 15 business days (29 Del. C. 10003(h)(1)); Good Friday is a legal holiday (1 Del. C. 501).
    # Received Wed 2026-03-25: Mar 26-27 (2), Mar 30-Apr 2 (6), Fri Apr 3 skipped, Apr 6-10 (11), Apr 13-16 (15).
    ("de", date(2026, 3, 25), None, date(2026, 4, 16), "Good Friday"),
    # Delaware, general election day in an even year and Veterans Day. Received Fri 2026-10-30: Mon Nov 2 (1),
    # Tue Nov 3 skipped, Nov 4-6 (4), Nov 9-10 (6), Wed 11 skipped, Nov 12-13 (8), Nov 16-20 (13), Nov 23-24 (15).
    ("de", date(2026, 10, 30), None, date(2026, 11, 24), "Election Day"),
    # Illinois, 5 business days (5 ILCS 140/3(d)); Lincoln's Birthday and Presidents Day (205 ILCS 630/17).
    # Received Wed 2026-02-11: Thu Feb 12 skipped, Fri 13 (1), Mon 16 skipped, Feb 17-20 (5).
    ("il", date(2026, 2, 11), None, date(2026, 2, 20), "Lincoln's Birthday"),
    # Illinois, Casimir Pulaski Day (first Monday in March). Received Fri 2026-02-27: Mon Mar 2 skipped, Mar 3-6 (4),
    # Mon Mar 9 (5).
    ("il", date(2026, 2, 27), None, date(2026, 3, 9), "Casimir Pulaski Day"),
    # Kentucky, 5 days excepting Saturdays, Sundays and legal holidays (KRS 61.880(1)); state offices close on
    # Thanksgiving and the day after (KRS 18A.190(1)(i)). Received Wed 2026-11-25: Thu 26 and Fri 27 skipped,
    # Nov 30-Dec 4 (5).
    ("ky", date(2026, 11, 25), None, date(2026, 12, 4), "Day after Thanksgiving"),
    # Louisiana, 3 days exclusive of Saturdays, Sundays and legal public holidays (R.S. 44:32(D)); Mardi Gras is a
    # legal holiday (R.S. 1:55(A)(1)). Received Fri 2027-02-05: Mon Feb 8 (1), Tue 9 Mardi Gras skipped, Feb 10-11 (3).
    ("la", date(2027, 2, 5), None, date(2027, 2, 11), "Mardi Gras"),
    # Maryland: the 10-working-day notice (Gen. Prov. 4-203(b)(2)) skips Maryland Day, Mar 25 (Gen. Prov. 1-111);
    # the decision is due 30 calendar days after receipt (4-203(a)(1)). Received Mon 2026-03-16: notice Mar 17-20 (4),
    # Mar 23-24 (6), Wed 25 skipped, Mar 26-27 (8), Mar 30-31 (10); decision Mar 16 + 30 = Wed Apr 15.
    ("md", date(2026, 3, 16), date(2026, 3, 31), date(2026, 4, 15), "Maryland Day"),
    # Maine: acknowledge, and deny in writing, within 5 working days (1 M.R.S. 408-A); Patriot's Day is the third
    # Monday in April (4 M.R.S. 1051). Received Thu 2026-04-16: Fri 17 (1), Mon 20 skipped, Apr 21-24 (5).
    ("me", date(2026, 4, 16), date(2026, 4, 24), date(2026, 4, 24), "Patriots' Day"),
]


@pytest.mark.parametrize("slug,received,ack_due,response_due,named", CASES,
                         ids=[f"{c[0]}-{c[1].isoformat()}" for c in CASES])
def test_due_dates_match_the_hand_count(slug, received, ack_due, response_due, named):
    result = rules.calculate(law(slug), received)
    assert result["ack_due"] == (ack_due.isoformat() if ack_due else None)
    assert result["response_due"] == response_due.isoformat()
    if named:
        assert any(named in entry["text"] for entry in result["explanation"]), result["explanation"]


def test_juneteenth_is_a_federal_holiday_only_from_2021():
    federal = calendar("federal")
    assert federal.holiday_name(date(2020, 6, 19)) is None
    assert federal.holiday_name(date(2021, 6, 18)) == "Juneteenth National Independence Day (observed)"
    assert federal.holiday_name(date(2023, 6, 19)) == "Juneteenth National Independence Day"


def test_saturday_new_years_day_is_observed_on_the_friday_before():
    federal = calendar("federal")
    assert federal.holiday_name(date(2021, 12, 31)) == "New Year's Day (observed)"
    assert not federal.is_business_day(date(2021, 12, 31))


def test_executive_order_closures_are_not_legal_public_holidays():
    # Christmas Eve 2024 and the Jan 9, 2025 day of mourning closed offices by executive order only.
    assert calendar("federal").is_business_day(date(2024, 12, 24))
    assert calendar("federal").is_business_day(date(2025, 1, 9))


def test_state_calendars_follow_the_state():
    washington = calendar("wa")
    assert washington.is_business_day(date(2025, 10, 13))  # no Columbus Day in Washington
    assert not calendar("federal").is_business_day(date(2025, 10, 13))
    assert washington.holiday_name(date(2025, 11, 28)) == "Native American Heritage Day"
    assert calendar("federal").is_business_day(date(2025, 11, 28))


def test_day_one_is_the_first_business_day_after_receipt():
    # Received on a Saturday: Mon is day 1.
    count = calendar("federal").add_business_days(date(2026, 3, 7), 1)
    assert count.due == date(2026, 3, 9)
    assert [s.reason for s in count.skipped] == ["Sunday"]


def test_explanation_names_rule_citation_quote_start_and_skipped_days_with_their_rule():
    result = rules.calculate(law("federal"), date(2021, 12, 20))
    entry = result["explanation"][0]
    assert entry["rule"] == "20 business days to respond (grant or deny)"
    assert entry["citation"] == "5 U.S.C. § 552(a)(6)(A)(i)"
    assert entry["quote"].startswith("determine within 20 days (excepting Saturdays, Sundays, and legal public holidays)")
    assert entry["start"] == "2021-12-20"
    skipped = {s["date"]: s for s in entry["skipped"]}
    assert skipped["2021-12-24"]["reason"] == "Christmas Day (observed)"
    assert skipped["2021-12-24"]["rule"].startswith("5 U.S.C. § 6103(a), (b)(1)")
    assert "on the Friday before" in skipped["2021-12-24"]["rule"]
    assert skipped["2022-01-17"]["reason"] == "Martin Luther King Jr. Day"
    assert skipped["2022-01-08"]["reason"] == "Saturday"
    assert "Martin Luther King Jr. Day on Mon Jan 17, 2022 [5 U.S.C. § 6103" in entry["text"]


def test_no_fixed_period_is_a_flagged_follow_up_date_not_a_response_date():
    result = rules.calculate(law("fl"), date(2026, 3, 2), follow_up_days=5)
    assert result["response_due"] is None
    assert result["follow_up_on"] == "2026-03-09"
    assert result["response_due_is_follow_up"] is True
    response = next(e for e in result["explanation"] if e["kind"] == "response_due")
    assert "not a statutory deadline" in response["text"] and response["basis"] == "none"
    assert "promptly and respond to such requests in good faith" in response["text"]


def test_illinois_attorney_general_decides_a_request_for_review_in_60_days():
    # 5 ILCS 140/9.5(f): 60 days after the request for review is received. Filed Mon 2026-03-02:
    # Mar 2 + 29 = Mar 31, + 30 = Apr 30, + 1 = Fri May 1.
    result = rules.calculate(law("il"), date(2026, 1, 5), determination=date(2026, 1, 12),
                             appeal_filed=date(2026, 3, 2))
    # The request for review is due 60 days after the denial: Jan 12 + 19 = Jan 31, + 28 = Feb 28, + 13 = Fri Mar 13.
    assert result["appeal_due"] == "2026-03-13"
    assert result["appeal_decided_due"] == "2026-05-01"
