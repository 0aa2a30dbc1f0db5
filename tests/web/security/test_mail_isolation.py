"""Issue 9.1 and 13.3: one user's uploaded mail never lands on, nor tells of, another user's requests;
every file a user uploads stays theirs to see, find and sort. Driven through the test client."""
from __future__ import annotations

import io
import re

from sqlmodel import select

from foia.documents import queue
from foia.documents.models import Document
from foia.mail.models import Direction, Message, MessageKind
from foia.requests.models import RequestEvent, Status
from tests.unit.documents.pdfs import text_pdf


def upload(client, files, **fields):
    data = {"files": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post_form("/upload", data, content_type="multipart/form-data", headers={"Accept": "application/json"})


def mail(subject="Your records request", message_id="<m1@city.example.gov>", sender="clerk@city.example.gov",
         body="Your request is denied.", extra=""):
    return (f"From: Clerk <{sender}>\r\nTo: someone@example.org\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{extra}\r\n{body}\r\n").encode()


def victim_setup(make, session):
    victim, attacker = make.user(), make.user()
    agency = make.agency(foia_email="records@city.example.gov")
    target = make.request(owner=victim, agency=agency, status=Status.submitted)
    letter = Message(request_id=target.id, direction=Direction.outbound, kind=MessageKind.letter,
                     message_id="letter-1@foia.test", subject="Public records request", source="outbox")
    session.add(letter)
    session.commit()
    return victim, attacker, target


def events(session, request_id):
    return session.exec(select(RequestEvent).where(RequestEvent.request_id == request_id)).all()


def test_attacker_mail_naming_anothers_request_stays_in_their_own_holding_pen(client, make, session):
    victim, attacker, target = victim_setup(make, session)
    client.login(attacker.email)
    attacks = [
        mail(subject=f"Re: {target.tracking_code} denied", message_id="<a1@x>"),
        mail(message_id="<a2@x>", extra="In-Reply-To: <letter-1@foia.test>\r\n"),
        mail(message_id="<a3@x>", sender="records@city.example.gov"),  # the agency's one open request
        mail(message_id="<a4@x>", extra=f"Delivered-To: requests+{target.reply_token}@foia.test\r\n"),
    ]
    for number, raw in enumerate(attacks):
        result = upload(client, [(f"attack{number}.eml", raw)]).get_json()
        assert result["messages"] == 1 and result["unmatched"] == 1, result
        assert result["placed"][0]["request"] is None
        assert f"/requests/{target.id}" not in result["summary_html"] and "Holding pen" in result["summary_html"]
    assert events(session, target.id) == []
    stored = session.exec(select(Message).where(Message.direction == Direction.inbound)).all()
    assert len(stored) == 4 and all(m.request_id is None and m.suggested_status is None for m in stored)
    client.post_form("/logout")
    client.login(victim.email)
    assert "Your request is denied" not in client.get(f"/requests/{target.id}").get_data(as_text=True)
    assert "Clerk" not in client.get(f"/requests/{target.id}").get_data(as_text=True)


def test_the_owner_uploading_the_same_mail_gets_it_matched(client, make, session):
    victim, _attacker, target = victim_setup(make, session)
    client.login(victim.email)
    result = upload(client, [("r.eml", mail(subject=f"Re: {target.tracking_code}"))]).get_json()
    assert result["unmatched"] == 0 and result["placed"][0]["request"] == target.tracking_code
    assert [e.kind for e in events(session, target.id)] == ["message"]


def test_duplicates_are_counted_only_within_a_users_own_mail(client, make, session):
    victim, attacker, target = victim_setup(make, session)
    client.login(victim.email)
    owned = mail(subject=f"Re: {target.tracking_code}", message_id="<secret@city.example.gov>")
    assert upload(client, [("r.eml", owned)]).get_json()["messages"] == 1
    client.post_form("/logout")
    client.login(attacker.email)
    same_bytes = upload(client, [("r.eml", owned)]).get_json()
    assert same_bytes["messages"] == 1 and same_bytes["duplicates"] == 0
    same_id = upload(client, [("s.eml", mail(message_id="<secret@city.example.gov>", body="Other words."))]).get_json()
    assert same_id["messages"] == 1 and same_id["duplicates"] == 0 and same_id["errors"] == []
    reused_letter_id = upload(client, [("t.eml", mail(message_id="<letter-1@foia.test>"))]).get_json()
    assert reused_letter_id["messages"] == 1
    theirs = {m.id for m in session.exec(select(Message).where(Message.imported_by_id == attacker.id))}
    for message_id in theirs:
        message = session.get(Message, message_id)
        session.refresh(message)
        assert message.request_id is None
        for warning in message.parse_warnings:  # a warning may only name the attacker's own mail
            named = re.findall(r"Message #(\d+)", warning)
            assert all(int(n) in theirs for n in named), warning
    # Their own second upload is a duplicate of their own copy.
    assert upload(client, [("r.eml", owned)]).get_json()["duplicates"] == 1


def test_uploaded_files_stay_visible_assignable_deletable_and_searchable_by_their_uploader(client, make, session, runtime):
    user, other = make.user(), make.user()
    mine = make.request(owner=user)
    client.login(user.email)
    files = [("release.pdf", text_pdf(["The capybara memo"])), ("broken.pdf", b"%PDF-1.4 not really"),
             ("tool.exe", b"MZ\x90\x00" + b"\x00" * 64), ("notes.eml", b"no headers at all, just words")]
    result = upload(client, files).get_json()
    assert {item["name"].split("/")[-1] for item in result["placed"]} >= {"release.pdf", "broken.pdf", "tool.exe"}
    assert all(item["request"] is None for item in result["placed"])
    inbox = client.get("/inbox").get_data(as_text=True)
    for name in ("release.pdf", "broken.pdf", "tool.exe"):
        assert name in inbox
    ids = {d.filename: d.id for d in session.exec(select(Document)).all()}
    assert client.get(f"/documents/{ids['tool.exe']}").status_code == 200
    queue.run_until_empty(runtime, lanes=1)
    found = client.get("/search?q=capybara").get_data(as_text=True)
    assert "release.pdf" in found and "capybara" in found.lower()
    # Another user sees none of it, nor finds it.
    client.post_form("/logout")
    client.login(other.email)
    assert "release.pdf" not in client.get("/inbox").get_data(as_text=True)
    assert "release.pdf" not in client.get("/search?q=capybara").get_data(as_text=True)
    assert client.get(f"/documents/{ids['release.pdf']}").status_code == 404
    client.post_form("/logout")
    client.login(user.email)
    # Delete one, put another on a request.
    assert client.post_form(f"/documents/{ids['tool.exe']}/delete").status_code == 302
    session.rollback()
    assert session.get(Document, ids["tool.exe"]) is None
    assert client.get(f"/documents/{ids['tool.exe']}").status_code == 404
    moved = client.post_form("/inbox/assign", {"document_ids": str(ids["release.pdf"]), "request_id": str(mine.id)})
    assert moved.status_code == 302
    session.rollback()
    assert session.get(Document, ids["release.pdf"]).request_id == mine.id
    # Someone else cannot delete or assign the uploader's files.
    client.post_form("/logout")
    client.login(other.email)
    assert client.post_form(f"/documents/{ids['broken.pdf']}/delete").status_code == 404
    assert client.post_form("/inbox/assign", {"document_ids": str(ids["broken.pdf"]),
                                              "request_id": str(mine.id)}).status_code in (302, 404)
    session.rollback()
    assert session.get(Document, ids["broken.pdf"]).request_id is None
