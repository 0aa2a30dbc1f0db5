"""What the requester adds to the clock, through the pages: agency closure days, the agency's own estimate,
extensions to a date, "remind me", and the dates every view shows alike (RUNNING_DATES)."""
from datetime import UTC, date, datetime

from icalendar import Calendar
from sqlmodel import select

from foia.agencies.models import Agency
from foia.reminders import services as reminders
from foia.mail import outbox
from foia.requests.models import FoiaRequest, RequestEvent, Status


def _submit(client, request_id, on="2026-12-18"):
    response = client.post_form(f"/requests/{request_id}/submit", {"submit-submitted_on": on, "submit-method": "email"},
                                follow_redirects=True)
    assert "Marked as submitted" in response.get_data(as_text=True), response.get_data(as_text=True)


def test_agency_closure_days_are_saved_shown_and_skipped_by_the_clock(client, session, make, clock):
    clock.at = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)
    rita = make.user("rita@example.org")
    agency = make.agency("Orlando Police Department", jurisdiction="tx")
    mine = make.request(owner=rita, agency=agency)
    client.login("rita@example.org")
    form = {"jurisdiction_id": agency.jurisdiction_id, "name": agency.name, "foia_email": agency.foia_email}
    bad = client.post_form(f"/agencies/{agency.id}/edit", dict(form, closed_days="Dec 28 city closure"))
    assert bad.status_code == 200 and "must start with a date as YYYY-MM-DD" in bad.get_data(as_text=True)
    session.close()  # a fresh read of what the app wrote
    assert session.get(Agency, agency.id).closed_days == []
    ok = client.post_form(f"/agencies/{agency.id}/edit",
                          dict(form, closed_days="2026-12-28 City closure\r\n2026-12-29 City closure"))
    assert ok.status_code == 302
    page = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "Mon Dec 28, 2026" in page and "City closure" in page
    edit = client.get(f"/agencies/{agency.id}/edit").get_data(as_text=True)
    assert "2026-12-28 City closure" in edit
    _submit(client, mine.id)
    session.close()  # a fresh read of what the app wrote
    mine = session.get(FoiaRequest, mine.id)
    # Texas, 10 business days from Fri Dec 18: Dec 21-23 (3), Dec 24, 25 holidays, Dec 28, 29 closed by the
    # agency, Dec 30, 31 (5), Jan 1 holiday, Jan 4-8 (10).
    assert mine.response_due == date(2027, 1, 8)
    page = client.get(f"/requests/{mine.id}").get_data(as_text=True)
    assert "City closure on Mon Dec 28, 2026 [closed by Orlando Police Department]" in page


def test_estimate_extension_to_a_date_and_reminder_set_on_the_request_page(client, session, make, clock):
    owner = make.user("rita@example.org")
    request = make.request(owner=owner, agency=make.agency("FBI", jurisdiction="federal"))
    client.login("rita@example.org")
    _submit(client, request.id, "2026-03-02")
    clock.at = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Remind me" in page and "The agency&#39;s own estimate" in page or "The agency's own estimate" in page

    client.post_form(f"/requests/{request.id}/estimate", {"estimate-on": "2026-03-20", "estimate-until": "2026-05-15"})
    client.post_form(f"/requests/{request.id}/extension",
                     {"extension-on": "2026-03-20", "extension-until": "2026-04-24", "extension-note": "Their letter"})
    client.post_form(f"/requests/{request.id}/reminder", {"remind-weeks": "3", "remind-note": "Chase the estimate",
                                                          "remind-action": "set"})
    session.close()  # a fresh read of what the app wrote
    request = session.get(FoiaRequest, request.id)
    assert request.estimated_completion == date(2026, 5, 15)
    assert request.response_due == date(2026, 4, 24) and request.extended
    assert (request.remind_on, request.remind_note) == (date(2026, 4, 10), "Chase the estimate")
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Agency&#39;s estimated completion" in page or "Agency's estimated completion" in page
    assert "Fri Apr 24, 2026" in page and "the date the agency gave" in page
    assert "Your reminder" in page and "Chase the estimate" in page

    # Bad input: a clear message, nothing changed.
    response = client.post_form(f"/requests/{request.id}/reminder", {"remind-on": "2026-03-01", "remind-action": "set"},
                                follow_redirects=True)
    assert "Choose a day after today." in response.get_data(as_text=True)
    response = client.post_form(f"/requests/{request.id}/estimate", {"estimate-on": "not a date"},
                                follow_redirects=True)
    assert response.status_code == 200 and "Not a valid date value" in response.get_data(as_text=True)
    session.close()  # a fresh read of what the app wrote
    request = session.get(FoiaRequest, request.id)
    assert request.remind_on == date(2026, 4, 10) and request.estimated_completion == date(2026, 5, 15)

    # Someone else cannot touch it.
    make.user("mallory@example.org")
    client.post_form("/logout")
    client.login("mallory@example.org")
    assert client.post_form(f"/requests/{request.id}/reminder", {"remind-weeks": "1"}).status_code == 404
    assert client.post_form(f"/requests/{request.id}/estimate", {"estimate-on": "2026-03-20"}).status_code == 404


def test_done_runs_its_appeal_window_in_the_panel_the_feed_and_the_reminders(client, session, make, runtime):
    owner = make.user("rita@example.org", remind_days_ahead=3)
    request = make.request(owner=owner, agency=make.agency("FBI", jurisdiction="federal"))
    client.login("rita@example.org")
    _submit(client, request.id, "2026-03-02")
    client.post_form(f"/requests/{request.id}/status", {"status-status": "done", "status-on": "2026-03-02",
                                                        "confirmed": "yes"})  # closing is confirmed first
    session.close()  # a fresh read of what the app wrote
    request = session.get(FoiaRequest, request.id)
    assert request.status == Status.done and request.appeal_due == date(2026, 5, 31)
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert 'data-kind="appeal_due"' in page and "Sun May 31, 2026" in page
    client.post_form("/account/reminders/feed", {"action": "regenerate"})
    session.close()  # a fresh read of what the app wrote
    token = session.get(type(owner), owner.id).ical_token
    events = Calendar.from_ical(client.get(f"/calendar/{token}.ics").get_data()).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events if "Appeal window closes" in str(e["summary"])] == [date(2026, 5, 31)]
    result = reminders.send_reminders(runtime, as_of=date(2026, 5, 27))
    assert result.sent == 1
    outbox.dispatch_due(runtime)
    sent = list((runtime.instance_path / "outbox").glob("*.eml"))
    assert any(b"Appeal window closes" in path.read_bytes() for path in sent)


def test_a_reminder_set_by_hand_is_mailed_on_its_day_whatever_the_status(client, session, make, runtime, clock):
    owner = make.user("rita@example.org", reminder_kinds="overdue")
    request = make.request(owner=owner, agency=make.agency(jurisdiction="federal"))
    client.login("rita@example.org")
    client.post_form(f"/requests/{request.id}/reminder", {"remind-on": "2026-03-20", "remind-note": "Send it at last",
                                                          "remind-action": "set"})
    assert reminders.send_reminders(runtime, as_of=date(2026, 3, 19)).sent == 0
    assert reminders.send_reminders(runtime, as_of=date(2026, 3, 20)).sent == 1
    outbox.dispatch_due(runtime)
    (mail,) = (runtime.instance_path / "outbox").glob("*.eml")
    assert b"Send it at last" in mail.read_bytes()
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id,
                                                     RequestEvent.kind == "reminder")).all()
    assert "Reminder set for Mar 20, 2026: Send it at last" in events[0].summary
