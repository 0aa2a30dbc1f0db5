"""Events move the clock: acknowledgement, pause and resume, extension, estimate, determination, appeal."""
from datetime import date

import pytest

from foia.deadlines.calendar import ClosedDay, calendar_for
from foia.deadlines.statutory_clock import apply_event
from foia.requests.models import FoiaRequest, Status
from foia.deadlines.rules import calculate
from tests.unit.deadlines.laws import law, unread_law


def new_request(**fields) -> FoiaRequest:
    return FoiaRequest(tracking_code="FOIA-2026-0001", reply_token="t" * 20, owner_id=1, agency_id=1,
                       title="Rekognition", records_sought="emails", status=Status.submitted, **fields)


def entry(request, kind):
    return next(e for e in request.deadline_explanation if e["kind"] == kind)


def test_federal_pause_keeps_the_remaining_business_days_and_resume_restarts_them():
    request = new_request()
    federal = law("federal")
    apply_event(request, federal, "submitted", date(2026, 3, 2))
    assert request.response_due == date(2026, 3, 30)
    # Paused Mon Mar 9: left are Mar 10-13 (4), 16-20 (9), 23-27 (14), Mon Mar 30 (15).
    apply_event(request, federal, "paused", date(2026, 3, 9))
    assert request.response_due is None
    assert request.paused_remaining_days == 15
    assert "15 business days were left" in entry(request, "paused")["text"]
    # Resumed Mon Mar 16: Mar 17-20 (4), 23-27 (9), Mar 30-Apr 3 (14), Mon Apr 6 (15).
    apply_event(request, federal, "resumed", date(2026, 3, 16))
    assert request.response_due == date(2026, 4, 6)
    assert request.paused_days == 7
    assert request.paused_remaining_days is None and request.paused_on is None
    assert not any(e["kind"] == "paused" for e in request.deadline_explanation)
    assert "15 business days left when the clock stopped" in entry(request, "response_due")["text"]
    # The suit date follows the response: deemed exhausted the day after Apr 6.
    assert request.sue_due == date(2026, 4, 7)


def test_pausing_twice_keeps_the_first_pause():
    request = new_request()
    apply_event(request, law("federal"), "submitted", date(2026, 3, 2))
    apply_event(request, law("federal"), "paused", date(2026, 3, 9))
    apply_event(request, law("federal"), "paused", date(2026, 3, 12))
    assert request.paused_on == date(2026, 3, 9) and request.paused_remaining_days == 15


def test_federal_extension_adds_ten_working_days_to_the_current_due_date_once():
    request = new_request()
    apply_event(request, law("federal"), "submitted", date(2026, 3, 2))
    # From Mon Mar 30: Mar 31-Apr 3 (4), Apr 6-10 (9), Mon Apr 13 (10).
    apply_event(request, law("federal"), "extended", date(2026, 3, 20))
    assert request.response_due == date(2026, 4, 13)
    assert request.extended
    assert "5 U.S.C. § 552(a)(6)(B)(i)" in entry(request, "response_due")["text"]
    assert request.sue_due == date(2026, 4, 14)
    apply_event(request, law("federal"), "extended", date(2026, 3, 25))
    assert request.response_due == date(2026, 4, 13)
    assert "the law allows one" in entry(request, "response_due")["text"]


def test_an_extension_to_a_date_the_agency_gave_moves_the_due_date_and_says_if_it_exceeds_the_law():
    request = new_request()
    apply_event(request, law("federal"), "submitted", date(2026, 3, 2))
    apply_event(request, law("federal"), "extended", date(2026, 3, 20), until=date(2026, 5, 1))
    assert request.response_due == date(2026, 5, 1) and request.extended
    text = entry(request, "response_due")["text"]
    assert "the date the agency gave" in text and "later than the law's extension allows: Mon Apr 13, 2026" in text


def test_california_extension_runs_to_the_24th_day_after_receipt():
    request = new_request(submitted_on=date(2026, 3, 2))
    apply_event(request, law("ca"), "submitted", date(2026, 3, 2))
    apply_event(request, law("ca"), "extended", date(2026, 3, 10))
    assert request.response_due == date(2026, 3, 26)  # Mar 2 + 24 days, a Thursday


def test_a_verified_law_without_extension_keeps_the_date_and_says_the_law_sets_none():
    request = new_request()
    apply_event(request, law("tx"), "submitted", date(2026, 3, 2))
    before = request.response_due
    apply_event(request, law("tx"), "extended", date(2026, 3, 3))
    assert request.response_due == before
    assert "The law sets no extension period; the date stays" in entry(request, "response_due")["text"]


UNREAD = unread_law()


def test_an_unverified_law_without_extension_says_it_is_not_in_our_data_yet():
    request = new_request()
    apply_event(request, UNREAD, "submitted", date(2026, 3, 2))
    apply_event(request, UNREAD, "extended", date(2026, 3, 3))
    text = entry(request, "response_due")["text"]
    assert "Not in our data yet" in text and "sets no" not in text


def test_oregon_acknowledgement_does_not_move_the_second_stage():
    request = new_request()
    apply_event(request, law("or"), "submitted", date(2026, 3, 2))
    apply_event(request, law("or"), "acknowledged", date(2026, 3, 4))
    assert request.ack_due == date(2026, 3, 9)
    assert request.response_due == date(2026, 3, 23)
    assert "ORS 192.329(5)" in entry(request, "response_due")["text"]


def test_new_york_counts_twenty_business_days_from_the_actual_acknowledgement():
    request = new_request(submitted_on=date(2026, 3, 2))
    apply_event(request, law("ny"), "submitted", date(2026, 3, 2))
    assert request.response_due == date(2026, 4, 6)
    # Acknowledged Wed Mar 4: Mar 5-6 (2), 9-13 (7), 16-20 (12), 23-27 (17), Mar 30-Apr 1 (20).
    request.acknowledged_on = date(2026, 3, 4)
    apply_event(request, law("ny"), "acknowledged", date(2026, 3, 4))
    assert request.response_due == date(2026, 4, 1)
    assert entry(request, "response_due")["start"] == "2026-03-04"


def test_determination_opens_the_appeal_window_and_appeal_starts_the_decision_clock():
    request = new_request()
    federal = law("federal")
    apply_event(request, federal, "submitted", date(2026, 3, 2))
    # 90 calendar days from Fri Apr 10: Apr 30 (20), May 31 (51), Jun 30 (81), Thu Jul 9 (90).
    apply_event(request, federal, "determination", date(2026, 4, 10))
    assert request.appeal_due == date(2026, 7, 9)
    assert request.determination_on == date(2026, 4, 10)
    assert entry(request, "appeal_due")["body"] == "the head of the agency (its FOIA appeals office)"
    # Appealed Wed Jul 1: Thu Jul 2 (1), Fri Jul 3 Independence Day observed, Jul 6-10 (6), 13-17 (11),
    # 20-24 (16), Jul 27-30 (20).
    apply_event(request, federal, "appealed", date(2026, 7, 1))
    assert request.appeal_decision_due == date(2026, 7, 30)
    assert "Independence Day (observed)" in entry(request, "appeal_decision_due")["text"]


def test_a_stage_the_law_leaves_uncounted_still_tells_what_the_statute_says_about_it():
    # Missouri: no waiting period before suing, but a limit to sue that runs from a day the app cannot know.
    result = calculate(law("mo"), date(2026, 3, 2))
    assert result["sue_due"] is None
    text = next(entry for entry in result["explanation"] if entry["kind"] == "sue_due")["text"]
    assert "The law sets no number of days before the requester may go to court" in text
    assert "within a year" in text and "never more than two years" in text


def test_a_verified_law_without_an_appeal_says_the_law_sets_none_and_an_unverified_one_says_not_yet_known():
    request = new_request()
    apply_event(request, law("tx"), "submitted", date(2026, 3, 2))
    apply_event(request, law("tx"), "determination", date(2026, 3, 5))
    assert request.appeal_due is None
    assert "The law sets no deadline to appeal" in entry(request, "appeal_due")["text"]
    other = new_request()
    apply_event(other, UNREAD, "submitted", date(2026, 3, 2))
    apply_event(other, UNREAD, "determination", date(2026, 3, 5))
    assert other.appeal_due is None
    text = entry(other, "appeal_due")["text"]
    assert "Not in our data yet" in text and "sets no deadline" not in text


def test_follow_up_date_pauses_and_resumes_in_business_days():
    request = new_request()
    apply_event(request, law("fl"), "submitted", date(2026, 3, 2))
    assert request.response_due_is_follow_up and request.response_due == date(2026, 3, 16)
    apply_event(request, law("fl"), "paused", date(2026, 3, 6))  # left: Mar 9-13 (5), Mon 16 (6)
    apply_event(request, law("fl"), "resumed", date(2026, 3, 20))  # Mar 23-27 (5), Mon Mar 30 (6)
    assert request.response_due == date(2026, 3, 30)
    assert request.response_due_is_follow_up


def test_the_agencys_estimate_is_kept_beside_the_statutory_date_and_can_be_removed():
    request = new_request()
    apply_event(request, law("federal"), "submitted", date(2026, 3, 2))
    apply_event(request, law("federal"), "estimated", date(2026, 3, 10), until=date(2026, 6, 1))
    assert request.estimated_completion == date(2026, 6, 1) and request.response_due == date(2026, 3, 30)
    assert entry(request, "estimated_completion")["basis"] == "agency"
    apply_event(request, law("federal"), "estimated", date(2026, 3, 11), until=None)
    assert request.estimated_completion is None
    assert not any(e["kind"] == "estimated_completion" for e in request.deadline_explanation)


def test_agency_closure_days_are_skipped_and_named():
    request = new_request()
    federal = law("federal")
    closed = calendar_for(federal.holidays, (ClosedDay(date(2026, 3, 27), "Office move"),), "FBI Records Office")
    # Mar 3-6 (4), 9-13 (9), 16-20 (14), 23-26 (18), Fri Mar 27 closed, Mar 30-31 (20).
    apply_event(request, federal, "submitted", date(2026, 3, 2), calendar=closed)
    assert request.response_due == date(2026, 3, 31)
    text = entry(request, "response_due")["text"]
    assert "Office move on Fri Mar 27, 2026 [closed by FBI Records Office]" in text


def test_unknown_event_is_refused():
    with pytest.raises(ValueError):
        apply_event(new_request(), law("federal"), "lost", date(2026, 3, 2))
