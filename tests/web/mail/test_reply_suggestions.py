"""A reply's suggested status on the request and message pages: shown with the sentence that led to it,
as a secondary action; and a reply is new until someone working on the request opens it."""
from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from foia.mail.models import Message
from foia.requests.models import Status
from tests.web.mail.test_inbox import upload

NO_RECORDS = ("A search of the Purchasing Division's files was completed. No contracts or invoices were located "
              "for Amazon Rekognition.")


def agency_reply(tracking_code: str, body: str) -> bytes:
    return (f"From: Clerk <clerk@city.example.gov>\r\nTo: requests@foia.test\r\n"
            f"Subject: RE: Records request [{tracking_code}]\r\nMessage-ID: <r1@city.example.gov>\r\n\r\n{body}\r\n"
            ).encode()


def buttons(page: str) -> dict[str, str]:
    """Each submit button's label with its classes."""
    return {re.sub(r"<[^>]+>|\s+", " ", label).strip(): classes for classes, label in
            re.findall(r'<button class="([^"]*)"[^>]*>(.*?)</button>', page, re.S)}


def test_the_guess_comes_with_its_sentence_as_a_secondary_action(client, make, session):
    owner = make.user()
    foia_request = make.request(owner=owner, status=Status.submitted)
    client.login(owner.email)
    upload(client, [("reply.eml", agency_reply(foia_request.tracking_code, NO_RECORDS))],
           request_id=str(foia_request.id))
    message = session.exec(select(Message)).one()
    assert message.suggested_status == "no_records"

    for page in (client.get(f"/requests/{foia_request.id}").get_data(as_text=True),
                 client.get(f"/messages/{message.id}").get_data(as_text=True)):
        suggestion = page[page.index('aria-label="Suggested status"'):]
        suggestion = suggestion[:suggestion.index("</div>")]
        assert "“No contracts or invoices were located for Amazon Rekognition.”" in suggestion
        assert "status-no_records" in suggestion and "Payment required" not in suggestion
        classes = buttons(page)["Set status to “No responsive records”"]
        assert "secondary" in classes.split()

    # It closes the request: asked first, like any closing change.
    asked = client.post_form(f"/messages/{message.id}/status", {"action": "apply"})
    assert asked.status_code == 200 and "Mark it “No responsive records”?" in asked.get_data(as_text=True)
    session.rollback()
    session.refresh(foia_request)
    assert foia_request.status == Status.submitted
    response = client.post_form(f"/messages/{message.id}/status", {"action": "apply", "confirmed": "yes"},
                                follow_redirects=True)
    assert "Status changed to “No responsive records”" in response.get_data(as_text=True)
    session.rollback()
    session.refresh(foia_request)
    assert foia_request.status == Status.no_records


def test_a_reply_is_new_until_someone_working_on_the_request_opens_it(client, make, session):
    owner, colleague_reader = make.user(), make.user()
    from foia.requests.models import Visibility

    foia_request = make.request(owner=owner, status=Status.submitted, visibility=Visibility.public)
    client.login(owner.email)
    upload(client, [("reply.eml", agency_reply(foia_request.tracking_code, "Your request is being processed."))],
           request_id=str(foia_request.id))
    message = session.exec(select(Message)).one()
    assert message.read_at is None
    assert "New" in client.get(f"/requests/{foia_request.id}").get_data(as_text=True)

    client.post_form("/logout")
    client.login(colleague_reader.email)  # a reader of the public request: opening it marks nothing
    assert client.get(f"/messages/{message.id}").status_code == 200
    session.rollback()
    assert session.get(Message, message.id).read_at is None

    client.post_form("/logout")
    client.login(owner.email)
    client.get(f"/messages/{message.id}")
    session.rollback()
    assert session.get(Message, message.id).read_at is not None


def test_a_confirmed_status_is_dated_by_the_day_the_reply_was_sent_where_the_law_counts(client, make, session):
    # Sent at 22:30 on Sunday 1 March in Oregon, which was already Monday on the East Coast (where the instance
    # is): the request closed on Oregon's Sunday.
    owner = make.user()
    sheriff = make.agency("Washington County Sheriff", jurisdiction="or")
    foia_request = make.request(owner=owner, agency=sheriff, status=Status.submitted, submitted_on=date(2026, 2, 27))
    client.login(owner.email)
    reply = agency_reply(foia_request.tracking_code, NO_RECORDS).replace(
        b"Message-ID:", b"Date: Mon, 02 Mar 2026 06:30:00 +0000\r\nMessage-ID:")
    upload(client, [("reply.eml", reply)], request_id=str(foia_request.id))
    message = session.exec(select(Message)).one()
    client.post_form(f"/messages/{message.id}/status", {"action": "apply", "confirmed": "yes"})
    session.rollback()
    session.refresh(foia_request)
    assert foia_request.status == Status.no_records
    assert foia_request.completed_on == date(2026, 3, 1)
