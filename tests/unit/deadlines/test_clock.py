"""Events move the clock: acknowledgement, pause and resume, extension, determination, appeal."""
from datetime import date

import pytest

from foia.deadlines.clock import apply_event
from foia.requests.models import FoiaRequest, Status
from tests.unit.deadlines.laws import law


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
    assert "5 U.S.C. 552(a)(6)(B)(i)" in entry(request, "response_due")["text"]
    apply_event(request, law("federal"), "extended", date(2026, 3, 25))
    assert request.response_due == date(2026, 4, 13)


def test_california_extension_is_fourteen_calendar_days():
    request = new_request()
    apply_event(request, law("ca"), "submitted", date(2026, 3, 2))
    apply_event(request, law("ca"), "extended", date(2026, 3, 10))
    assert request.response_due == date(2026, 3, 26)  # Thu Mar 12 + 14


def test_law_without_extension_keeps_the_date_and_says_why():
    request = new_request()
    apply_event(request, law("wa"), "submitted", date(2026, 3, 2))
    before = request.response_due
    apply_event(request, law("wa"), "extended", date(2026, 3, 3))
    assert request.response_due == before
    assert "sets no extension period" in entry(request, "response_due")["text"]


def test_oregon_acknowledgement_does_not_move_the_second_stage():
    request = new_request()
    apply_event(request, law("or"), "submitted", date(2026, 3, 2))
    apply_event(request, law("or"), "acknowledged", date(2026, 3, 4))
    assert request.ack_due == date(2026, 3, 9)
    assert request.response_due == date(2026, 3, 23)
    assert "ORS 192.329(2)" in entry(request, "response_due")["text"]


def test_new_york_counts_twenty_business_days_from_the_actual_acknowledgement():
    request = new_request(submitted_on=date(2026, 3, 2))
    apply_event(request, law("ny"), "submitted", date(2026, 3, 2))
    assert request.response_due == date(2026, 4, 6)
    # Acknowledged Wed Mar 4: Mar 5-6 (2), 9-13 (7), 16-20 (12), 23-27 (17), Mar 30-Apr 1 (20).
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
    # Appealed Wed Jul 1: Thu Jul 2 (1), Fri Jul 3 Independence Day observed, Jul 6-10 (6), 13-17 (11),
    # 20-24 (16), Jul 27-30 (20).
    apply_event(request, federal, "appealed", date(2026, 7, 1))
    assert request.appeal_decision_due == date(2026, 7, 30)
    assert "Independence Day (observed)" in entry(request, "appeal_decision_due")["text"]


def test_a_law_without_an_appeal_deadline_says_so():
    request = new_request()
    apply_event(request, law("wa"), "submitted", date(2026, 3, 2))
    apply_event(request, law("wa"), "determination", date(2026, 3, 5))
    assert request.appeal_due is None
    assert "no deadline to appeal" in entry(request, "appeal_due")["text"]


def test_follow_up_date_pauses_and_resumes_in_business_days():
    request = new_request()
    apply_event(request, law("fl"), "submitted", date(2026, 3, 2))
    assert request.response_due_is_follow_up and request.response_due == date(2026, 3, 16)
    apply_event(request, law("fl"), "paused", date(2026, 3, 6))  # left: Mar 9-13 (5), Mon 16 (6)
    apply_event(request, law("fl"), "resumed", date(2026, 3, 20))  # Mar 23-27 (5), Mon Mar 30 (6)
    assert request.response_due == date(2026, 3, 30)
    assert request.response_due_is_follow_up


def test_unknown_event_is_refused():
    with pytest.raises(ValueError):
        apply_event(new_request(), law("federal"), "lost", date(2026, 3, 2))
