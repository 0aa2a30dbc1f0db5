"""The outbox against a real SMTP server: letters arrive, nothing is lost or sent twice."""
from datetime import timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from sqlmodel import select

from foia.mail import outbound, outbox
from foia.mail.models import DeliveryState, Direction, Message, MessageKind, OutboxMessage
from foia.mail.transport import FolderMailer, SmtpMailer
from foia.ports import OutgoingEmail
from foia.requests.models import RequestEvent, Status, SubmissionMethod


def queue_mails(session, now, count: int) -> list[OutboxMessage]:
    rows = [outbox.enqueue(session, OutgoingEmail(to=[f"person{i}@example.org"], subject=f"Reminder {i}",
                                                  body=f"Body {i}"), sender="requests@foia.test",
                           purpose="reminder", now=now) for i in range(count)]
    session.commit()
    return rows


def states(session) -> list[str]:
    session.rollback()  # a fresh snapshot: the dispatcher wrote in its own session
    session.expire_all()
    return sorted(row.state.value for row in session.exec(select(OutboxMessage)).all())


def test_a_request_letter_arrives_with_reply_address_code_and_recorded_message_id(
        smtp_runtime, smtp, session, make, laws, clock):
    owner = make.user("reporter@example.org", display_name="Rita Reporter")
    agency = make.agency("FBI", jurisdiction="federal", foia_email="foia@fbi.example.gov")
    request = make.request(owner=owner, agency=agency, letter_text="Please send the Rekognition emails.")

    outbound.send_letter(session, owner, request, clock.now(), mail_from="requests@foia.test")
    session.commit()
    assert outbox.dispatch_due(smtp_runtime) == 1

    (mail,) = smtp.messages
    assert mail["To"] == "foia@fbi.example.gov"
    assert mail["From"] == "Rita Reporter <requests@foia.test>"
    assert mail["Reply-To"] == f"requests+{request.reply_token}@foia.test"
    assert request.tracking_code in mail["Subject"]
    assert "Please send the Rekognition emails." in mail.get_body(("plain",)).get_content()
    recorded = session.exec(select(Message).where(Message.request_id == request.id)).one()
    assert recorded.direction == Direction.outbound and recorded.kind == MessageKind.letter
    assert f"<{recorded.message_id}>" == mail["Message-ID"]
    session.refresh(request)
    assert request.status == Status.submitted and request.submission_method == SubmissionMethod.email
    assert request.response_due is not None  # the clock started
    session.refresh(recorded)
    assert recorded.sent_at is not None


def test_smtp_down_mid_run_loses_nothing_and_doubles_nothing(smtp_runtime, smtp, session, clock):
    queue_mails(session, clock.now(), 5)
    real = smtp_runtime.mailer

    class StopsServerAfterTwo:
        """Delivers through the real SMTP client; the server goes away after the second message."""

        def deliver(self, raw, sender, recipients):
            real.deliver(raw, sender, recipients)
            if len(smtp.received) == 2:
                smtp.stop()

    smtp_runtime.mailer = StopsServerAfterTwo()
    assert outbox.dispatch_due(smtp_runtime) == 2
    assert states(session) == ["queued", "queued", "queued", "sent", "sent"]
    waiting = session.exec(select(OutboxMessage).where(OutboxMessage.state == DeliveryState.queued)).all()
    assert all("Could not reach the mail server" in row.last_error for row in waiting)

    # Before the backoff has passed nothing is tried again.
    smtp.start()
    smtp_runtime.mailer = real
    assert outbox.dispatch_due(smtp_runtime) == 0

    clock.at += timedelta(minutes=2)
    assert outbox.dispatch_due(smtp_runtime) == 3
    assert outbox.dispatch_due(smtp_runtime) == 0
    assert states(session) == ["sent"] * 5
    ids = smtp.message_ids()
    assert len(ids) == 5 and len(set(ids)) == 5


def test_a_process_that_died_mid_send_is_taken_over_after_the_timeout(smtp_runtime, smtp, session, clock):
    (row,) = queue_mails(session, clock.now(), 1)
    assert outbox.claim(session, row.id, clock.now())  # ... and then the process died
    assert outbox.dispatch_due(smtp_runtime) == 0  # another process respects the fresh claim
    clock.at += outbox.SENDING_TIMEOUT + timedelta(seconds=1)
    assert outbox.dispatch_due(smtp_runtime) == 1
    assert len(smtp.received) == 1
    assert states(session) == ["sent"]


def test_a_claimed_row_cannot_be_claimed_twice(runtime, session, clock):
    (row,) = queue_mails(session, clock.now(), 1)
    assert outbox.claim(session, row.id, clock.now())
    assert not outbox.claim(session, row.id, clock.now())


def test_a_refused_recipient_fails_at_once_with_a_visible_error(smtp_runtime, smtp, session, clock):
    smtp.refuse.add("person0@example.org")
    queue_mails(session, clock.now(), 1)
    assert outbox.dispatch_due(smtp_runtime) == 0
    (row,) = session.exec(select(OutboxMessage)).all()
    session.rollback()
    session.refresh(row)
    assert row.state == DeliveryState.failed
    assert "550" in row.last_error and "person0@example.org" in row.last_error


def test_retries_back_off_and_the_last_try_marks_it_failed(runtime, session, clock):
    from tests.unit.outbound.smtp import free_port

    runtime.mailer = SmtpMailer("127.0.0.1", free_port(), tls="none", timeout=2)  # nobody listens
    (row,) = queue_mails(session, clock.now(), 1)
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        assert outbox.dispatch_due(runtime) == 0
        session.rollback()
        session.refresh(row)
        if row.state == DeliveryState.failed:
            break
        waits.append(row.next_attempt_at - clock.now())
        clock.at = row.next_attempt_at
    assert row.state == DeliveryState.failed
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert f"Not delivered after {outbox.MAX_ATTEMPTS} tries" in row.last_error
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]

    outbox.retry(session, row, clock.now())
    session.commit()
    assert row.state == DeliveryState.queued and row.attempts == 0


def test_folder_mailer_keeps_one_file_for_a_message_delivered_twice(tmp_path, session, clock):
    mailer = FolderMailer(tmp_path / "outbox")
    raw, _ = outbox.build_message(OutgoingEmail(to=["a@example.org"], subject="Hi", body="Hello"),
                                  "requests@foia.test", clock.now())
    mailer.deliver(raw, "requests@foia.test", ["a@example.org"])
    mailer.deliver(raw, "requests@foia.test", ["a@example.org"])
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and files[0].read_bytes() == raw


def test_follow_up_letter_is_drafted_from_the_template_and_threads_onto_the_request(
        smtp_runtime, smtp, session, make, laws, clock):
    owner = make.user(display_name="Rita Reporter")
    agency = make.agency("FBI", jurisdiction="federal", foia_email="foia@fbi.example.gov")
    request = make.request(owner=owner, agency=agency, letter_text="Please send the records.")
    outbound.send_letter(session, owner, request, clock.now(), mail_from="requests@foia.test")
    session.commit()
    clock.at += timedelta(days=40)

    draft = outbound.draft_letter(session, request, "follow_up", clock.now().date())
    assert request.tracking_code in draft.subject
    assert "A response was due by March 30, 2026" in draft.body
    assert "Rita Reporter" in draft.body
    outbound.send_letter(session, owner, request, clock.now(), mail_from="requests@foia.test", kind="follow_up",
                         body=draft.body + "\nEdited by hand.", subject=draft.subject, to=draft.to)
    session.commit()
    assert outbox.dispatch_due(smtp_runtime) == 2
    letter, follow_up = smtp.messages
    assert follow_up["In-Reply-To"] == letter["Message-ID"]
    assert "Edited by hand." in follow_up.get_body(("plain",)).get_content()
    assert parseaddr(follow_up["Reply-To"])[1] == f"requests+{request.reply_token}@foia.test"
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id,
                                                     RequestEvent.kind == "letter")).all()
    assert any("Follow-up letter emailed" in e.summary for e in events)


def test_appeal_letter_names_the_determination(session, make, laws, clock):
    owner = make.user()
    agency = make.agency(jurisdiction="federal", appeal_contact="Office of Information Policy, appeals@oip.example.gov")
    request = make.request(owner=owner, agency=agency, status=Status.rejected, determination_on=clock.now().date())
    draft = outbound.draft_letter(session, request, "appeal", clock.now().date())
    assert draft.to == "appeals@oip.example.gov"
    assert "denied my request" in draft.body
    assert "5 U.S.C. § 552(a)(6)(A)(i)(III)(aa)" in draft.body
    assert "Attention: the head of the agency (its FOIA appeals office)" in draft.body
    assert "within 20 business days (5 U.S.C. § 552(a)(6)(A)(ii))" in draft.body


def test_sending_the_request_twice_is_refused(session, make, laws, clock):
    import pytest

    from foia.errors import InvalidTransition

    owner = make.user()
    request = make.request(owner=owner, agency=make.agency(jurisdiction="federal"), letter_text="Letter")
    outbound.send_letter(session, owner, request, clock.now(), mail_from="requests@foia.test")
    session.commit()
    with pytest.raises(InvalidTransition):
        outbound.send_letter(session, owner, request, clock.now(), mail_from="requests@foia.test")
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
