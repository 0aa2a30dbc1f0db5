"""Issue 9.5-9.8: the server mails only agencies' addresses, addresses that wrote to the request, or
admin-approved ones, within a daily limit; headers cannot be injected; the shared directory's
addresses change only when confirmed; public pages name no one by email. Through the test client."""
from __future__ import annotations

import email
from email import policy

from sqlmodel import select

from foia.agencies.models import AgencySuggestion
from foia.mail.models import Direction, Message, OutboxMessage
from foia.requests.models import Status, Visibility


def send(client, request_id, to, subject="Public records request", body="Please send the records."):
    return client.post_form(f"/requests/{request_id}/send", {"to": to, "subject": subject, "body": body})


def outbox(session):
    session.rollback()
    return session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_letters_go_only_to_the_agency_or_approved_addresses(client, make, session):
    user, admin = make.user(), make.user(is_admin=True)
    agency = make.agency(foia_email="records@city.example.gov")
    request = make.request(owner=user, agency=agency, letter_text="Dear records officer")
    client.login(user.email)
    refused = send(client, request.id, "victim@elsewhere.example")
    assert refused.status_code == 200 and "ask an admin to approve it" in refused.get_data(as_text=True)
    assert outbox(session) == []
    client.post_form("/logout")
    client.login(admin.email)
    assert client.get("/mail/approved-addresses").status_code == 200
    client.post_form("/mail/approved-addresses", {"address": "appeals@state.example.gov", "note": "appeals officer"})
    client.post_form("/logout")
    client.login(user.email)
    assert client.get("/mail/approved-addresses").status_code == 404
    assert send(client, request.id, "appeals@state.example.gov").status_code == 302
    assert [row.recipients for row in outbox(session)] == ["appeals@state.example.gov"]


def test_a_follow_up_may_answer_an_address_that_wrote_to_the_request(client, make, session):
    user = make.user()
    agency = make.agency(foia_email="records@city.example.gov")
    request = make.request(owner=user, agency=agency, status=Status.submitted, sent_to_email="records@city.example.gov")
    session.add(Message(request_id=request.id, direction=Direction.inbound, from_address="clerk@city.example.gov",
                        subject="Re: your request", source="imap"))
    session.commit()
    client.login(user.email)
    ok = client.post_form(f"/requests/{request.id}/follow-up", {"to": "clerk@city.example.gov", "subject": "Follow-up",
                                                                "body": "Any news?"})
    assert ok.status_code == 302 and outbox(session)[-1].recipients == "clerk@city.example.gov"


def test_each_user_has_a_daily_sending_limit(runtime, client, make, session):
    runtime.config["DAILY_SEND_LIMIT"] = 2
    user = make.user()
    agency = make.agency(foia_email="records@city.example.gov")
    requests = [make.request(owner=user, agency=agency, letter_text="Dear officer") for _ in range(3)]
    client.login(user.email)
    assert [send(client, r.id, "records@city.example.gov").status_code for r in requests[:2]] == [302, 302]
    third = send(client, requests[2].id, "records@city.example.gov")
    assert third.status_code == 200 and "the most this site allows" in third.get_data(as_text=True)
    assert len(outbox(session)) == 2


def test_display_names_cannot_add_senders_and_subjects_cannot_add_headers(client, make, session):
    user = make.user(display_name="x")
    agency = make.agency(foia_email="records@city.example.gov")
    request = make.request(owner=user, agency=agency, letter_text="Dear officer")
    client.login(user.email)
    client.post_form("/account", {"profile-display_name": "Orlando Police <records@orlando-police.example>, Clerk",
                                  "profile-signature": ""})
    injected = send(client, request.id, "records@city.example.gov", subject="Hello\r\nBcc: victim@example.org")
    assert injected.status_code == 200 and "one line" in injected.get_data(as_text=True)
    assert outbox(session) == []
    assert send(client, request.id, "records@city.example.gov").status_code == 302
    sent = email.message_from_bytes(outbox(session)[0].raw, policy=policy.default)
    senders = sent["From"].addresses
    assert len(senders) == 1 and senders[0].addr_spec == "requests@foia.test"
    assert senders[0].display_name == "Orlando Police <records@orlando-police.example>, Clerk"
    assert sent["Bcc"] is None and len(sent["To"].addresses) == 1


def test_address_changes_by_users_are_suggestions_confirmed_by_past_requesters(client, make, session):
    agency = make.agency("Orlando Police", foia_email="records@orlando.example.gov")
    vandal, requester, newcomer = make.user(), make.user(), make.user()
    sent = make.request(owner=requester, agency=agency, status=Status.submitted,
                        sent_to_email="records@orlando.example.gov")
    draft = make.request(owner=newcomer, agency=agency, letter_text="Dear officer")
    client.login(vandal.email)
    client.post_form(f"/agencies/{agency.id}/edit", {"jurisdiction_id": agency.jurisdiction_id, "name": "Orlando Police",
                                                     "foia_email": "inbox@attacker.example"})
    session.rollback()
    session.refresh(agency)
    assert agency.foia_email == "records@orlando.example.gov"
    client.post_form("/logout")
    client.login(newcomer.email)
    compose = client.get(f"/requests/{draft.id}/send").get_data(as_text=True)
    assert 'value="records@orlando.example.gov"' in compose and "inbox@attacker.example" in compose
    suggestion = session.exec(select(AgencySuggestion)).one()
    assert client.post_form(f"/agencies/{agency.id}/suggestions/{suggestion.id}", {"answer": "accept"}).status_code == 403
    client.post_form("/logout")
    client.login(requester.email)
    assert client.post_form(f"/agencies/{agency.id}/suggestions/{suggestion.id}",
                            {"answer": "accept"}).status_code == 302
    session.rollback()
    session.refresh(agency)
    assert agency.foia_email == "inbox@attacker.example"
    follow_up = client.get(f"/requests/{sent.id}/follow-up").get_data(as_text=True)
    assert 'value="records@orlando.example.gov"' in follow_up and "changed since this request was sent" in follow_up


def test_public_pages_show_names_never_email_addresses(client, make, session):
    anonymous_owner = make.user("quiet.person@example.org", display_name="")
    agency = make.agency(foia_email="records@city.example.gov")
    request = make.request(owner=anonymous_owner, agency=agency, visibility=Visibility.public, letter_text="Hello")
    client.login(anonymous_owner.email)
    client.post_form(f"/requests/{request.id}/notes", {"note-text": "Called the clerk."})
    client.post_form(f"/agencies/{agency.id}/edit", {"jurisdiction_id": agency.jurisdiction_id, "name": agency.name,
                                                     "phone": "555-0100"})
    client.post_form("/logout")
    for url in (f"/requests/{request.id}", f"/agencies/{agency.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "quiet.person@example.org" not in page and "a requester" in page, url
