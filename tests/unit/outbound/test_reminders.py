"""Reminders: created from due dates, sent once through the outbox, caught up once after downtime."""
from datetime import date

from sqlmodel import select

from foia.reminders import services as reminders
from foia.deadlines.statutory_clock import apply_event
from foia.reminders.models import Reminder
from foia.mail import outbox
from foia.requests.models import RequestEvent, Status


def submitted_request(session, make, laws, owner=None, **fields):
    owner = owner or make.user("rita@example.org", display_name="Rita")
    from foia.agencies.models import Agency

    agency = (session.exec(select(Agency).where(Agency.name == "FBI")).first()
              or make.agency("FBI", jurisdiction="federal", foia_email="foia@fbi.example.gov"))
    request = make.request(owner=owner, agency=agency, status=Status.submitted, title="Rekognition emails",
                           submitted_on=date(2026, 3, 2), **fields)
    apply_event(request, laws["federal"], "submitted", date(2026, 3, 2))  # response due Mon 2026-03-30
    session.add(request)
    session.commit()
    return request


def test_response_due_soon_goes_out_once_naming_request_date_explanation_and_link(
        smtp_runtime, smtp, session, make, laws):
    request = submitted_request(session, make, laws)
    # 3 business days before Mon Mar 30 is Wed Mar 25.
    early = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 24))
    assert (early.created, early.sent) == (1, 0)
    first = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 25))
    again = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 25))
    assert first.sent == 1 and again.sent == 0 and again.created == 0
    assert outbox.dispatch_due(smtp_runtime) == 1
    (mail,) = smtp.messages
    assert mail["To"] == "rita@example.org"
    assert "Rekognition emails" in mail["Subject"] and request.tracking_code in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "FBI" in text and "Monday, March 30, 2026" in text
    assert "20 business days to respond (grant or deny) (5 U.S.C. § 552(a)(6)(A)(i))" in text
    assert f"http://foia.test/requests/{request.id}" in text
    assert mail.get_body(("html",)) is not None


def test_after_downtime_only_the_current_overdue_reminder_goes_out_once(smtp_runtime, session, make, laws):
    request = submitted_request(session, make, laws)
    # Nobody ran the job for weeks: as of Apr 20 the response is three weeks overdue.
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 4, 20))
    assert result.sent == 1
    rows = session.exec(select(Reminder).where(Reminder.request_id == request.id)).all()
    overdue = [r for r in rows if r.kind == "overdue"]
    assert len(overdue) == 1 and overdue[0].due_date == date(2026, 4, 14)  # Mar 31 + 2 weeks
    assert reminders.send_reminders(smtp_runtime, as_of=date(2026, 4, 20)).sent == 0
    # A week later the next weekly overdue reminder.
    assert reminders.send_reminders(smtp_runtime, as_of=date(2026, 4, 21)).sent == 1


def test_overdue_without_auto_follow_up_leaves_a_draft_waiting_for_approval(smtp_runtime, session, make, laws):
    request = submitted_request(session, make, laws)
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 31))
    assert result.follow_ups_drafted == 1 and result.follow_ups_sent == 0
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id,
                                                     RequestEvent.kind == "letter")).all()
    assert events[0].detail["state"] == "waiting" and request.tracking_code in events[0].detail["subject"]


def test_overdue_with_auto_follow_up_mails_the_agency(smtp_runtime, smtp, session, make, laws):
    submitted_request(session, make, laws, auto_follow_up=True)
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 31))
    assert result.follow_ups_sent == 1
    outbox.dispatch_due(smtp_runtime)
    recipients = sorted(str(m["To"]) for m in smtp.messages)
    assert recipients == ["foia@fbi.example.gov", "rita@example.org"]
    # The next week's reminder does not send the agency another follow-up within 30 days.
    assert reminders.send_reminders(smtp_runtime, as_of=date(2026, 4, 7)).follow_ups_sent == 0


def test_preferences_choose_kinds_and_digest(smtp_runtime, smtp, session, make, laws):
    owner = make.user("digest@example.org", reminder_digest=True, reminder_kinds="response_due")
    submitted_request(session, make, laws, owner=owner)
    submitted_request(session, make, laws, owner=owner)
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 31))  # overdue: not chosen
    assert result.created == 0 and result.sent == 0
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 27))
    assert result.sent == 2
    outbox.dispatch_due(smtp_runtime)
    (digest,) = smtp.messages
    assert digest["Subject"].startswith("2 FOIA reminders")


def test_a_moved_due_date_cancels_the_old_reminder(smtp_runtime, session, make, laws):
    request = submitted_request(session, make, laws)
    reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 20))
    apply_event(request, laws["federal"], "extended", date(2026, 3, 20))  # now due Apr 13
    session.add(request)
    session.commit()
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 25))
    assert result.cancelled == 1 and result.sent == 0
    rows = session.exec(select(Reminder).where(Reminder.cancelled_at.is_(None))).all()
    assert [r.due_date for r in rows] == [date(2026, 4, 13)]


def test_dry_run_changes_nothing(smtp_runtime, session, make, laws):
    submitted_request(session, make, laws)
    result = reminders.send_reminders(smtp_runtime, as_of=date(2026, 3, 26), dry_run=True)
    assert (result.created, result.sent) == (1, 1)
    assert session.exec(select(Reminder)).all() == []


def test_reminder_kinds_cover_fees_appeals_estimates_suits_and_reminders_set_by_hand(laws):
    from foia.requests.models import FoiaRequest
    from tests.unit.deadlines.laws import calendar

    federal = calendar("federal")
    paying = FoiaRequest(status=Status.payment_required, paused_on=date(2026, 3, 10))
    assert [d.kind for d in reminders.reminders_due(paying, federal, date(2026, 4, 1), 3)] == ["fee_due"]
    denied = FoiaRequest(status=Status.rejected, appeal_due=date(2026, 7, 9))
    (closing,) = reminders.reminders_due(denied, federal, date(2026, 7, 1), 3)
    assert closing.kind == "appeal_closing" and closing.notify_on == date(2026, 7, 6)
    # `done` runs its appeal window too, the same as on the page and in the feed (RUNNING_DATES).
    done = FoiaRequest(status=Status.done, appeal_due=date(2026, 7, 9))
    assert [d.kind for d in reminders.reminders_due(done, federal, date(2026, 7, 1), 3)] == ["appeal_closing"]
    appealing = FoiaRequest(status=Status.appealing, appeal_decision_due=date(2026, 7, 30))
    assert [d.kind for d in reminders.reminders_due(appealing, federal, date(2026, 8, 3), 3)] == ["appeal_overdue"]
    assert reminders.reminders_due(appealing, federal, date(2026, 7, 30), 3) == []
    estimated = FoiaRequest(status=Status.acknowledged, estimated_completion=date(2026, 5, 1))
    (passed,) = reminders.reminders_due(estimated, federal, date(2026, 5, 4), 3)
    assert (passed.kind, passed.notify_on) == ("estimate_passed", date(2026, 5, 2))
    suing = FoiaRequest(status=Status.rejected, sue_due=date(2027, 3, 5), appealed_on=date(2026, 3, 10),
                        deadline_explanation=[{"kind": "sue_due", "last_day": True, "text": "one year"}])
    (court,) = reminders.reminders_due(suing, federal, date(2027, 3, 1), 3)
    assert (court.kind, court.notify_on) == ("court", date(2027, 3, 2))
    withdrawn = FoiaRequest(status=Status.withdrawn, remind_on=date(2026, 9, 1))
    (mine,) = reminders.reminders_due(withdrawn, federal, date(2026, 8, 1), 3)
    assert (mine.kind, mine.notify_on) == ("remind_on", date(2026, 9, 1))
