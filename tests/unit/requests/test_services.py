"""The requests services without Flask: filing, the lifecycle, fees, notes, edits, lists and the dashboard."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from foia.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from foia.requests import filing, lifecycle, listing
from foia.web import dashboard
from foia.requests.models import (FeeWaiver, FoiaRequest, RequestBatch, RequestEvent, Status,
                                  SubmissionMethod, Visibility)

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def new(agencies, **fields) -> filing.NewRequest:
    fields.setdefault("title", "Rekognition records")
    fields.setdefault("records_sought", "All emails mentioning Rekognition.")
    return filing.NewRequest(agency_ids=[a.id for a in agencies], **fields)


def events(session, request, kind=None):
    query = select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.id)
    return [e for e in session.exec(query) if kind is None or e.kind == kind]


@pytest.fixture
def owner(make):
    return make.user("owner@example.org", display_name="Olivia Owner")


def test_create_single_request_is_a_draft_with_codes_letter_and_event(session, make, owner):
    agency = make.agency("Orlando Police Department", jurisdiction="fl")
    [request] = filing.create_requests(session, owner, new([agency], fee_waiver=True, max_fee_cents=2500), NOW)
    session.commit()
    assert request.status == Status.draft
    assert request.batch_id is None
    assert re.fullmatch(r"FOIA-2026-\d{4,}", request.tracking_code)
    assert re.fullmatch(r"[a-z0-9]{16,}", request.reply_token)
    assert request.fee_waiver == FeeWaiver.requested and request.max_fee_cents == 2500
    assert "Florida Public Records Act" in request.letter_text
    [created] = events(session, request)
    assert created.kind == "created" and created.actor_id == owner.id and created.at == NOW


def test_several_agencies_make_one_request_each_in_a_batch(session, make, owner):
    orlando = make.agency("Orlando Police Department", jurisdiction="fl")
    washington = make.agency("Washington County Sheriff's Office", jurisdiction="or")
    created = filing.create_requests(session, owner, new([orlando, washington]), NOW,
                                       letter_texts={washington.id: "My own letter to the sheriff."})
    session.commit()
    assert [r.agency_id for r in created] == [orlando.id, washington.id]
    batch = session.get(RequestBatch, created[0].batch_id)
    assert batch.title == "Rekognition records" and created[1].batch_id == batch.id
    assert created[1].letter_text == "My own letter to the sheriff."
    assert "ORS 192.324" in created[0].letter_text or "Florida" in created[0].letter_text
    view = listing.get_batch(session, owner, batch.id, NOW)
    assert [m.agency.name for m in view.members] == ["Orlando Police Department", "Washington County Sheriff's Office"]


def test_tracking_codes_are_unique_and_sequential(session, make, owner):
    agencies = [make.agency() for _ in range(3)]
    created = filing.create_requests(session, owner, new(agencies), NOW)
    created += filing.create_requests(session, owner, new(agencies[:1]), NOW)
    codes = [r.tracking_code for r in created]
    assert len(set(codes)) == 4
    assert codes == sorted(codes)
    assert len({r.reply_token for r in created}) == 4
    session.add(FoiaRequest(tracking_code="FOIA-2026-10000", reply_token="x" * 20, owner_id=owner.id,
                            agency_id=agencies[0].id, title="t", records_sought="r"))
    session.flush()
    assert filing.next_tracking_code(session, 2026) == "FOIA-2026-10001"
    assert filing.next_tracking_code(session, 2031) == "FOIA-2031-0001"


def test_new_request_errors_name_each_field(session, make, owner):
    other_team = make.team("Not mine")
    with pytest.raises(ValidationError) as caught:
        filing.create_requests(session, owner, filing.NewRequest(
            agency_ids=[], title=" ", records_sought="", visibility=Visibility.embargoed, team_id=other_team.id), NOW)
    assert set(caught.value.fields) == {"agency_ids", "title", "records_sought", "embargo_until", "team_id"}
    assert session.exec(select(FoiaRequest)).all() == []


def test_mark_submitted_records_date_method_event_and_runs_the_clock(session, make, owner, monkeypatch):
    calls = []

    def fake_clock(request, law, event, on, calendar=None, follow_up_days=10, until=None):
        calls.append((law.slug, event, on, follow_up_days))
        request.response_due = date(2026, 3, 30)

    monkeypatch.setattr("foia.deadlines.statutory_clock.apply_event", fake_clock)
    request = make.request(owner=owner, agency=make.agency(jurisdiction="federal"))
    lifecycle.mark_submitted(session, owner, request.id, date(2026, 3, 2), SubmissionMethod.portal, NOW,
                            follow_up_days=7)
    session.commit()
    assert request.status == Status.submitted and request.submitted_on == date(2026, 3, 2)
    assert request.submission_method == SubmissionMethod.portal
    assert calls == [("federal", "submitted", date(2026, 3, 2), 7)]
    kinds = [(e.kind, e.actor_id) for e in events(session, request)]
    assert kinds == [("submitted", owner.id), ("deadline", owner.id)]
    assert "Mar 30, 2026" in events(session, request, "deadline")[0].summary


def test_allowed_transitions_set_dates_and_refused_ones_raise(session, make, owner):
    request = make.request(owner=owner, status=Status.submitted, submitted_on=date(2026, 2, 2))
    lifecycle.change_status(session, owner, request.id, Status.acknowledged, date(2026, 2, 5), NOW, note="Letter came")
    assert request.acknowledged_on == date(2026, 2, 5)
    lifecycle.change_status(session, owner, request.id, Status.partial, date(2026, 2, 20), NOW)
    assert request.determination_on == date(2026, 2, 20) and request.completed_on is None
    lifecycle.change_status(session, owner, request.id, Status.done, date(2026, 2, 25), NOW)
    assert request.completed_on == date(2026, 2, 25)
    lifecycle.change_status(session, owner, request.id, Status.appealing, date(2026, 2, 27), NOW)
    assert request.appealed_on == date(2026, 2, 27) and request.completed_on is None
    session.commit()
    status_events = events(session, request, "status")
    assert [(e.from_status, e.to_status) for e in status_events] == [
        (Status.submitted, Status.acknowledged), (Status.acknowledged, Status.partial),
        (Status.partial, Status.done), (Status.done, Status.appealing)]
    assert "Letter came" in status_events[0].summary
    assert all(e.actor_id == owner.id for e in status_events)

    with pytest.raises(InvalidTransition):
        lifecycle.change_status(session, owner, request.id, Status.draft, date(2026, 2, 28), NOW)
    draft = make.request(owner=owner)
    with pytest.raises(InvalidTransition):
        lifecycle.change_status(session, owner, draft.id, Status.done, date(2026, 2, 28), NOW)
    with pytest.raises(InvalidTransition):
        lifecycle.mark_submitted(session, owner, request.id, date(2026, 2, 28), SubmissionMethod.email, NOW)


def test_status_dates_cannot_be_in_the_future_or_before_submission(session, make, owner):
    request = make.request(owner=owner, status=Status.submitted, submitted_on=date(2026, 2, 2))
    with pytest.raises(ValidationError):
        lifecycle.change_status(session, owner, request.id, Status.acknowledged, date(2026, 4, 1), NOW)
    with pytest.raises(ValidationError):
        lifecycle.change_status(session, owner, request.id, Status.acknowledged, date(2026, 1, 1), NOW)
    assert request.status == Status.submitted


def test_pause_and_resume_call_the_clock(session, make, owner, monkeypatch):
    seen = []
    monkeypatch.setattr("foia.deadlines.statutory_clock.apply_event",
                        lambda request, law, event, on, **kwargs: seen.append(event))
    request = make.request(owner=owner, status=Status.submitted, submitted_on=date(2026, 2, 2))
    lifecycle.change_status(session, owner, request.id, Status.payment_required, date(2026, 2, 3), NOW)
    lifecycle.change_status(session, owner, request.id, Status.acknowledged, date(2026, 2, 4), NOW)
    lifecycle.record_extension(session, owner, request.id, date(2026, 2, 5), NOW, note="Unusual circumstances")
    lifecycle.change_status(session, owner, request.id, Status.rejected, date(2026, 2, 6), NOW)
    assert seen == ["paused", "resumed", "extended", "determination"]
    assert "Unusual circumstances" in events(session, request, "extension")[0].summary


def test_recording_an_extension_moves_the_due_date_by_the_law_or_to_the_agencys_date(session, make, owner):
    federal = make.agency(jurisdiction="federal")
    request = make.request(owner=owner, agency=federal)
    lifecycle.mark_submitted(session, owner, request.id, date(2026, 2, 2), SubmissionMethod.email, NOW)
    assert request.response_due == date(2026, 3, 3)  # 20 working days; Mon Feb 16 Washington's Birthday skipped
    lifecycle.record_extension(session, owner, request.id, date(2026, 2, 20), NOW)
    # 10 working days from Tue Mar 3: Mar 4-6 (3), Mar 9-13 (8), Mar 16, 17 (10).
    assert request.response_due == date(2026, 3, 17) and request.extended
    assert "Response due Mar 17, 2026" in events(session, request, "deadline")[-1].summary
    other = make.request(owner=owner, agency=federal)
    lifecycle.mark_submitted(session, owner, other.id, date(2026, 2, 2), SubmissionMethod.email, NOW)
    lifecycle.record_extension(session, owner, other.id, date(2026, 2, 20), NOW, until=date(2026, 4, 30))
    assert other.response_due == date(2026, 4, 30)
    with pytest.raises(ValidationError):
        lifecycle.record_extension(session, owner, other.id, date(2026, 2, 20), NOW, until=date(2026, 2, 1))
    assert other.response_due == date(2026, 4, 30)


def test_the_agencys_estimate_and_a_reminder_set_by_hand_are_recorded(session, make, owner):
    request = make.request(owner=owner, agency=make.agency(jurisdiction="federal"))
    with pytest.raises(InvalidTransition):
        lifecycle.record_estimate(session, owner, request.id, date(2026, 2, 20), date(2026, 5, 1), NOW)
    lifecycle.mark_submitted(session, owner, request.id, date(2026, 2, 2), SubmissionMethod.email, NOW)
    lifecycle.record_estimate(session, owner, request.id, date(2026, 2, 20), date(2026, 5, 1), NOW)
    assert request.estimated_completion == date(2026, 5, 1)
    assert "estimated completion by May 1, 2026" in events(session, request, "estimate")[0].summary
    # "in 2 weeks" from the jurisdiction's today (NOW is Mon Mar 2, 2026 in New York).
    lifecycle.set_reminder(session, owner, request.id, NOW, weeks=2, note="Call the records officer")
    assert (request.remind_on, request.remind_note) == (date(2026, 3, 16), "Call the records officer")
    for bad in ({"on": date(2026, 3, 2)}, {"weeks": 0}, {"weeks": 200}, {"on": date(2026, 4, 1), "weeks": 1}):
        with pytest.raises(ValidationError):
            lifecycle.set_reminder(session, owner, request.id, NOW, **bad)
    assert request.remind_on == date(2026, 3, 16)
    lifecycle.set_reminder(session, owner, request.id, NOW)
    assert request.remind_on is None and request.remind_note == ""


def test_fees_are_recorded_with_an_event(session, make, owner):
    request = make.request(owner=owner, status=Status.submitted, fee_waiver=FeeWaiver.requested)
    lifecycle.update_fees(session, owner, request.id, NOW, estimate_cents=12050, paid_cents=5000,
                         fee_waiver=FeeWaiver.denied)
    session.commit()
    assert (request.fee_estimate_cents, request.fee_paid_cents, request.fee_waiver) == (12050, 5000, FeeWaiver.denied)
    [fee] = events(session, request, "fee")
    assert fee.summary == "Fees: estimate $120.50, paid $50.00, waiver denied"
    assert fee.detail["changes"]["fee_waiver"] == ["requested", "denied"]
    lifecycle.update_fees(session, owner, request.id, NOW, estimate_cents=12050, paid_cents=5000,
                         fee_waiver=FeeWaiver.denied)
    assert len(events(session, request, "fee")) == 1  # nothing changed, nothing recorded


def test_dollars_to_cents():
    assert filing.dollars_to_cents("12.5") == 1250
    assert filing.dollars_to_cents("$1,000") == 100000
    assert filing.dollars_to_cents("") is None
    with pytest.raises(ValueError):
        filing.dollars_to_cents("-1")
    with pytest.raises(ValueError):
        filing.dollars_to_cents("lots")


def test_edits_record_old_and_new_values(session, make, owner):
    request = make.request(owner=owner, title="Old title")
    filing.edit_request(session, owner, request.id, NOW, title="New title", agency_tracking_number="PRR-113")
    session.commit()
    [edit] = events(session, request, "edited")
    assert edit.detail["changes"] == {"title": ["Old title", "New title"], "agency_tracking_number": ["", "PRR-113"]}
    assert edit.actor_id == owner.id
    with pytest.raises(ValidationError) as caught:
        filing.edit_request(session, owner, request.id, NOW, title="")
    assert "title" in caught.value.fields


def test_notes_letters_withdraw_and_delete(session, make, owner):
    request = make.request(owner=owner, letter_text="Dear records officer")
    lifecycle.add_note(session, owner, request.id, "Called the clerk.", NOW)
    filing.update_letter(session, owner, request.id, "A better letter", NOW)
    assert request.letter_text == "A better letter"
    with pytest.raises(ValidationError):
        lifecycle.add_note(session, owner, request.id, "  ", NOW)
    session.commit()
    assert [e.kind for e in events(session, request)] == ["note", "letter"]

    sent = make.request(owner=owner, status=Status.submitted)
    with pytest.raises(InvalidTransition):
        filing.update_letter(session, owner, sent.id, "changed", NOW)
    with pytest.raises(InvalidTransition):
        filing.delete_draft(session, owner, sent.id, NOW)
    lifecycle.withdraw(session, owner, sent.id, date(2026, 3, 2), NOW)
    assert sent.status == Status.withdrawn and sent.completed_on == date(2026, 3, 2)

    filing.delete_draft(session, owner, request.id, NOW)
    session.commit()
    assert session.get(FoiaRequest, request.id) is None
    assert session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).all() == []


def test_deleting_the_last_draft_of_a_batch_deletes_the_batch(session, make, owner):
    created = filing.create_requests(session, owner, new([make.agency(), make.agency()]), NOW)
    session.commit()
    batch_id = created[0].batch_id
    for request in created:
        filing.delete_draft(session, owner, request.id, NOW)
    session.commit()
    assert session.get(RequestBatch, batch_id) is None


def test_others_cannot_act_on_a_request(session, make, owner):
    stranger = make.user()
    private = make.request(owner=owner, status=Status.submitted)
    public = make.request(owner=owner, status=Status.submitted, visibility=Visibility.public)
    with pytest.raises(NotFound):
        lifecycle.add_note(session, stranger, private.id, "hi", NOW)
    with pytest.raises(NotFound):
        lifecycle.change_status(session, None, private.id, Status.done, date(2026, 3, 1), NOW)
    with pytest.raises(NotAllowed):
        lifecycle.change_status(session, stranger, public.id, Status.done, date(2026, 3, 1), NOW)
    assert private.status == public.status == Status.submitted
    assert events(session, private) == [] and events(session, public) == []


def test_list_filters_sorts_and_pages(session, make, owner):
    orlando = make.agency("Orlando Police Department")
    sheriff = make.agency("Washington County Sheriff", jurisdiction="or")
    make.request(owner=owner, agency=orlando, title="Body cam footage", status=Status.submitted,
                 response_due=date(2026, 3, 10))
    make.request(owner=owner, agency=sheriff, title="Rekognition contracts", status=Status.submitted,
                 response_due=date(2026, 3, 5))
    make.request(owner=owner, agency=sheriff, title="Alpha draft")
    make.request(title="Someone else's private request")

    def titles(**filters):
        page = listing.list_requests(session, owner, NOW, listing.RequestFilters(**filters), per_page=2)
        return [v.request.title for v in page.items], page

    assert titles(sort="title")[0] == ["Alpha draft", "Body cam footage"]
    listed, page = titles(sort="title", page=2)
    assert listed == ["Rekognition contracts"] and page.total == 3 and page.pages == 2 and page.has_prev
    assert titles(sort="due")[0] == ["Rekognition contracts", "Body cam footage"]
    assert titles(status=Status.draft)[0] == ["Alpha draft"]
    assert titles(agency_id=orlando.id)[0] == ["Body cam footage"]
    assert titles(text="REKOG")[0] == ["Rekognition contracts"]
    assert titles(text="100%")[0] == []


def test_dashboard_counts_and_attention(session, make, owner):
    agency = make.agency(jurisdiction="federal")
    make.request(owner=owner, agency=agency, title="Late", status=Status.submitted, response_due=date(2026, 2, 20))
    make.request(owner=owner, agency=agency, title="Soon", status=Status.acknowledged, response_due=date(2026, 3, 5))
    make.request(owner=owner, agency=agency, title="In two weeks", status=Status.acknowledged,
                 response_due=date(2026, 3, 16))
    make.request(owner=owner, agency=agency, title="Later", status=Status.submitted, response_due=date(2026, 4, 20))
    make.request(owner=owner, agency=agency, title="Pay up", status=Status.payment_required,
                 response_due=date(2026, 2, 1))
    make.request(owner=owner, agency=agency, title="Denied", status=Status.rejected, appeal_due=date(2026, 3, 10))
    # A partial release met the statutory deadline: later releases have no due date to miss.
    make.request(owner=owner, agency=agency, title="Partly released", status=Status.partial,
                 response_due=date(2026, 2, 1))
    make.request(owner=owner, agency=agency, title="Unsent")
    make.request(agency=agency, title="Not mine", status=Status.submitted, response_due=date(2026, 2, 1))
    board = dashboard.build(session, owner, NOW).workload
    assert board.counts[Status.submitted] == 2 and board.counts[Status.draft] == 1 and board.total == 8
    assert [view.request.title for view, _ in board.overdue] == ["Late"]
    assert board.overdue[0][0].due_phrase == "10 days overdue"
    # Today is Mon Mar 2, 2026: the next 14 days run to Mar 16, both ends included.
    assert [(d.view.request.title, d.label, d.days_left) for d in board.coming_up] == [
        ("Soon", "Response due", 3), ("Denied", "Appeal window closes", 8), ("In two weeks", "Response due", 14)]
    assert [v.request.title for v in board.waiting_on_you] == ["Pay up"]
    assert [v.request.title for v in board.drafts] == ["Unsent"]
    march = {day.day.day: [d.view.request.title for d in day.due] for week in board.calendar.weeks for day in week
             if day.in_month and day.due}
    assert march == {5: ["Soon"], 10: ["Denied"], 16: ["In two weeks"]}
    april = dashboard.build(session, owner, NOW, month="2026-04").workload
    assert april.calendar.count == 1 and april.calendar.previous == date(2026, 3, 1)
    assert dashboard.build(session, owner, NOW, month="9999-99").workload.calendar.month == date(2026, 3, 1)


def test_overdue_uses_the_jurisdictions_own_today(session, make, owner):
    # 03:00 UTC on Mar 3 is still Mar 2 in Oregon: a response due Mar 2 there is not overdue yet.
    request = make.request(owner=owner, agency=make.agency(jurisdiction="or"), status=Status.submitted,
                           response_due=date(2026, 3, 2))
    view = listing.get_request(session, owner, request.id, datetime(2026, 3, 3, 3, 0, tzinfo=UTC))
    assert view.today == date(2026, 3, 2) and not view.overdue and view.due_phrase == "due today"
