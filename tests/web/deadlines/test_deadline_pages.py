"""The calculator page, the request page's deadline panel, sending letters, reminder settings and the feed."""
import json
from datetime import UTC, date, datetime

from sqlmodel import select

from foia.deadlines.statutory_clock import apply_event
from foia.mail import outbox
from foia.mail.models import Message, OutboxMessage
from foia.requests.models import Status


def test_calculator_shows_due_dates_and_the_explanation(client, laws):
    page = client.get("/deadlines?jurisdiction=federal&received=2021-12-20").get_data(as_text=True)
    assert "Thu Jan 20, 2022" in page
    assert "New Year&#39;s Day (observed)" in page or "New Year's Day (observed)" in page
    assert "5 U.S.C. § 552(a)(6)(A)(i)" in page
    # With the decision's date, the appeal window: 90 days after Fri Apr 10, 2026 is Thu Jul 9.
    page = client.get("/deadlines?jurisdiction=federal&received=2026-03-02&determination=2026-04-10")
    assert "Thu Jul 9, 2026" in page.get_data(as_text=True)


def test_calculator_says_when_a_law_has_no_fixed_period(client, laws):
    page = client.get("/deadlines?jurisdiction=fl&received=2026-03-02").get_data(as_text=True)
    assert "Mon Mar 16, 2026" in page and "not a statutory deadline" in page
    assert "promptly and respond to such requests in good faith" in page


def test_calculator_rejects_an_impossible_date_inline(client, laws):
    response = client.get("/deadlines?jurisdiction=federal&received=2026-02-30")
    assert response.status_code == 200
    assert "Give a real date" in response.get_data(as_text=True) or "Not a valid date" in response.get_data(as_text=True)


def submitted(session, make, laws, owner, **fields):
    agency = make.agency("FBI", jurisdiction="federal", foia_email="foia@fbi.example.gov")
    request = make.request(owner=owner, agency=agency, status=Status.submitted, submitted_on=date(2026, 3, 2),
                           **fields)
    apply_event(request, laws["federal"], "submitted", date(2026, 3, 2))
    session.add(request)
    session.commit()
    return request


def test_request_panel_shows_due_date_explanation_overdue_and_follow_up_button(client, session, make, laws, clock):
    owner = make.user("rita@example.org")
    request = submitted(session, make, laws, owner)
    clock.at = datetime(2026, 4, 2, 15, 0, tzinfo=UTC)
    client.login("rita@example.org")
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert 'id="deadlines"' in page
    assert "Response due" in page and "Mon Mar 30, 2026" in page
    assert "20 business days to respond" in page
    assert "3 days overdue" in page
    assert f"/requests/{request.id}/follow-up" in page


def test_sending_a_draft_by_email_queues_it_and_marks_it_submitted(client, session, make, laws, runtime, tmp_path):
    owner = make.user("rita@example.org")
    agency = make.agency("FBI", jurisdiction="federal", foia_email="foia@fbi.example.gov")
    request = make.request(owner=owner, agency=agency, letter_text="Dear FOIA officer, please send records.")
    client.login("rita@example.org")
    page = client.get(f"/requests/{request.id}/send").get_data(as_text=True)
    assert "foia@fbi.example.gov" in page and request.tracking_code in page
    response = client.post_form(f"/requests/{request.id}/send", {
        "to": "foia@fbi.example.gov", "subject": f"Records request [{request.tracking_code}]",
        "body": "Dear FOIA officer, please send records.", "action": "send"})
    assert response.status_code == 302
    session.expire_all()
    session.refresh(request)
    assert request.status == Status.submitted and request.response_due == date(2026, 3, 30)
    assert outbox.dispatch_due(runtime) == 1
    (eml,) = (runtime.instance_path / "outbox").glob("*.eml")
    assert f"requests+{request.reply_token}@foia.test".encode() in eml.read_bytes()
    message = session.exec(select(Message).where(Message.request_id == request.id)).one()
    assert message.message_id.encode() in eml.read_bytes()


def test_letter_form_keeps_input_and_shows_inline_errors(client, session, make, laws):
    owner = make.user("rita@example.org")
    request = make.request(owner=owner, agency=make.agency(jurisdiction="federal"), letter_text="Letter")
    client.login("rita@example.org")
    page = client.post_form(f"/requests/{request.id}/send", {"to": "not-an-address", "subject": "Kept subject",
                                                             "body": "Kept body", "action": "send"})
    text = page.get_data(as_text=True)
    assert "That is not an email address." in text and "Kept subject" in text and "Kept body" in text
    assert session.exec(select(OutboxMessage)).all() == []


def test_others_cannot_send_letters_for_a_private_request(client, session, make, laws):
    request = make.request(owner=make.user(), agency=make.agency(jurisdiction="federal"))
    make.user("mallory@example.org")
    client.login("mallory@example.org")
    assert client.get(f"/requests/{request.id}/send").status_code == 404


def test_reminder_settings_save_and_the_feed_can_be_made_and_revoked(client, session, make, laws):
    owner = make.user("rita@example.org")
    request = submitted(session, make, laws, owner)
    client.login("rita@example.org")
    assert "/account/reminders" in client.get("/account").get_data(as_text=True)
    response = client.post_form("/account/reminders", {"kinds": ["overdue", "appeal_closing"],
                                                       "remind_days_ahead": "5", "reminder_digest": "y"})
    assert response.status_code == 302
    session.rollback()
    session.refresh(owner)
    assert (owner.reminder_kinds, owner.remind_days_ahead, owner.reminder_digest) == ("overdue,appeal_closing", 5, True)

    bad = client.post_form("/account/reminders", {"kinds": ["overdue"], "remind_days_ahead": "99"})
    assert "Choose between 0 and 30." in bad.get_data(as_text=True)

    client.post_form("/account/reminders/feed", {"action": "regenerate"})
    session.rollback()
    session.refresh(owner)
    token = owner.ical_token
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    from icalendar import Calendar

    events = {str(e["summary"]).split(":")[0]: e for e in Calendar.from_ical(feed.get_data()).walk("VEVENT")}
    assert set(events) == {"Response due", "May go to court from"}
    assert events["Response due"].decoded("dtstart") == date(2026, 3, 30)
    assert request.tracking_code in str(events["Response due"]["summary"])
    # The day after a missed federal deadline the requester may sue (5 U.S.C. 552(a)(6)(C)(i)).
    assert events["May go to court from"].decoded("dtstart") == date(2026, 3, 31)

    client.post_form("/account/reminders/feed", {"action": "revoke"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_deadline_command_prints_json_and_refuses_bad_input(runner, laws):
    result = runner.invoke(args=["deadline", "--jurisdiction", "or", "--received", "2026-03-02", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ack_due"] == "2026-03-09" and data["response_due"] == "2026-03-23"
    assert isinstance(data["explanation"], list) and data["explanation"][0]["text"]

    unknown = runner.invoke(args=["deadline", "--jurisdiction", "zz", "--received", "2026-03-02"])
    assert unknown.exit_code != 0 and "Unknown jurisdiction 'zz'" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
    impossible = runner.invoke(args=["deadline", "--jurisdiction", "federal", "--received", "2026-02-30"])
    assert impossible.exit_code != 0 and "YYYY-MM-DD" in impossible.output
    assert len(impossible.output.strip().splitlines()) == 1


def test_send_reminders_twice_sends_once(runner, session, make, laws, smtp_runtime, smtp):
    submitted(session, make, laws, make.user("rita@example.org"))
    first = runner.invoke(args=["send-reminders", "--as-of", "2026-03-26", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["sent"] == 1 and json.loads(first.output)["created"] == 1
    second = runner.invoke(args=["send-reminders", "--as-of", "2026-03-26", "--json"])
    assert json.loads(second.output)["sent"] == 0
    assert len(smtp.received) == 1
    bad = runner.invoke(args=["send-reminders", "--as-of", "tomorrow"])
    assert bad.exit_code != 0


def test_deadline_command_needs_no_database_and_writes_nothing(tmp_path):
    """`foia deadline` in an empty folder with no instance: the packaged law files are enough."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    foia_command = Path(sys.executable).with_name("foia")
    env = {key: value for key, value in os.environ.items() if not key.startswith("FOIA_")}
    result = subprocess.run([str(foia_command), "deadline", "--jurisdiction", "tx", "--received", "2026-06-29",
                             "--json"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # Texas keeps Fri Jul 3, 2026 a business day: Jun 30-Jul 3 (4), Jul 6-10 (9), Mon Jul 13 (10).
    assert data["response_due"] == "2026-07-13" and data["ack_due"] is None
    assert data["explanation"][0]["quote"].startswith("The governmental body must ask for the attorney general's")
    assert list(tmp_path.iterdir()) == []
    bad = subprocess.run([str(foia_command), "deadline", "--jurisdiction", "zz", "--received", "2026-06-29"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert bad.returncode != 0 and "Unknown jurisdiction 'zz'" in bad.stderr
    assert list(tmp_path.iterdir()) == []


def test_reminder_settings_list_the_reminders_still_to_come_soonest_first(client, session, make):
    owner = make.user("sam@example.org")
    request = make.request(owner=owner, status=Status.submitted)
    make.reminder(request, kind="response_due", due_date=date(2026, 3, 30), notify_on=date(2026, 3, 25))
    make.reminder(request, kind="ack_due", due_date=date(2026, 3, 9), notify_on=date(2026, 3, 6))
    make.reminder(request, kind="overdue", due_date=date(2026, 3, 3), sent_at=datetime(2026, 3, 3, tzinfo=UTC))
    make.reminder(request, kind="fee_due", due_date=date(2026, 4, 2), cancelled_at=datetime(2026, 3, 1, tzinfo=UTC))
    make.reminder(make.request(), kind="response_due", due_date=date(2026, 3, 20))  # someone else's
    client.login("sam@example.org")
    page = client.get("/account/reminders").get_data(as_text=True)
    coming = page[page.index("Coming up"):]
    assert coming.index("Mar 9, 2026") < coming.index("Mar 30, 2026")
    assert "Mar 3, 2026" not in coming and "Apr 2, 2026" not in coming and "Mar 20, 2026" not in coming
