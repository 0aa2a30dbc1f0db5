"""Uploads, the holding pen, message pages and confirming a suggested status, through the test client."""
from __future__ import annotations

import io

from sqlmodel import select

from foia.mail.models import Message
from foia.requests.models import FoiaRequest, Status
from tests import mail_samples as samples


def upload(client, files, **fields):
    data = {"files": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post_form("/upload", data, content_type="multipart/form-data")


def reply(message_id="<w1@city.example.gov>", body="We have received your request.", sender="clerk@city.example.gov"):
    return (f"From: Clerk <{sender}>\r\nTo: requests@foia.test\r\nSubject: Your records request\r\n"
            f"Message-ID: {message_id}\r\n\r\n{body}\r\n").encode()


def test_upload_several_files_shows_a_summary_and_fills_the_holding_pen(client, make, session):
    user = make.user()
    client.login(user.email)
    pdf = samples.reply_with_pdf(subject="Hello")
    page = upload(client, [("a.eml", reply()), ("b.eml", pdf), ("scan.txt", b"typed letter")])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Upload summary" in text
    assert "2</strong> new messages" in text and "holding pen" in text
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Your records request" in inbox and "Hello" in inbox
    again = upload(client, [("a.eml", reply())]).get_data(as_text=True)
    assert "0</strong> new messages" in again and "1</strong> already there" in again


def test_holding_pen_is_private_to_the_importer_and_admins(client, make, session):
    importer, other, admin = make.user(), make.user(), make.user(is_admin=True)
    client.login(importer.email)
    upload(client, [("a.eml", reply())])
    message = session.exec(select(Message)).one()
    client.post_form("/logout")
    client.login(other.email)
    assert "Your records request" not in client.get("/inbox").get_data(as_text=True)
    assert client.get(f"/messages/{message.id}").status_code == 404
    client.post_form("/logout")
    client.login(admin.email)
    assert client.get(f"/messages/{message.id}").status_code == 200


def test_bulk_assignment_and_confirming_the_suggested_status(client, make, session):
    user = make.user()
    agency = make.agency(foia_email="records@elsewhere.example.gov")
    request = make.request(owner=user, agency=agency, status=Status.submitted)
    client.login(user.email)
    upload(client, [("a.eml", reply("<x1@c>")), ("b.eml", reply("<x2@c>", body="Thanks."))])
    ids = [m.id for m in session.exec(select(Message)).all()]
    response = client.post_form("/inbox/assign", {"message_ids": [str(i) for i in ids], "request_id": str(request.id)})
    assert response.status_code == 302
    assert "2 messages assigned" in client.get("/inbox").get_data(as_text=True)
    session.rollback()
    assert {m.request_id for m in session.exec(select(Message)).all()} == {request.id}
    first = session.get(Message, ids[0])
    assert first.suggested_status == "acknowledged"
    page = client.get(f"/messages/{first.id}").get_data(as_text=True)
    assert "Suggested status" in page and "Acknowledged" in page
    client.post_form(f"/messages/{first.id}/status", {"action": "apply"})
    session.rollback()
    assert session.get(FoiaRequest, request.id).status == Status.acknowledged


def test_upload_on_a_request_page_and_message_page_safety(client, make, session):
    user = make.user()
    request = make.request(owner=user, status=Status.submitted)
    client.login(user.email)
    html_mail = (b"From: a@b.example\r\nSubject: Formatted\r\nMessage-ID: <h@b>\r\nContent-Type: text/html\r\n\r\n"
                 b"<p>Records</p><script>alert(1)</script><img src='https://tracker.example/x.gif'>")
    upload(client, [("h.eml", html_mail)], request_id=str(request.id))
    message = session.exec(select(Message)).one()
    assert message.request_id == request.id
    page = client.get(f"/messages/{message.id}").get_data(as_text=True)
    assert 'sandbox=""' in page and "Download original" in page
    body = client.get(f"/messages/{message.id}/html")
    assert "script-src" not in body.headers["Content-Security-Policy"] and "sandbox" in body.headers["Content-Security-Policy"]
    assert "<script" not in body.get_data(as_text=True) and "tracker.example" not in body.get_data(as_text=True)
    raw = client.get(f"/messages/{message.id}/raw")
    assert raw.headers["Content-Disposition"].startswith("attachment") and raw.headers["X-Content-Type-Options"] == "nosniff"
    assert raw.data == html_mail
    raw.close()
    detail = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Formatted" in detail and 'name="files"' in detail  # the mail panel on the request page


def test_upload_answers_json_for_the_progress_script(client, make):
    user = make.user()
    client.login(user.email)
    response = client.post_form("/upload", {"files": [(io.BytesIO(reply()), "a.eml")]},
                                content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert response.json["messages"] == 1 and "Upload summary" in response.json["summary_html"]


def test_the_inbox_and_search_agree_on_who_sees_the_holding_pen(client, make, session):
    """One rule (foia.requests.access) for both: the importer finds their unmatched mail, nobody else does."""
    importer, other = make.user(), make.user()
    client.login(importer.email)
    upload(client, [("a.eml", reply(body="The wallaby footage is attached."))])
    assert "Your records request" in client.get("/inbox").get_data(as_text=True)
    found = client.get("/search?q=wallaby").get_data(as_text=True)
    assert "Your records request" in found
    client.post_form("/logout")
    client.login(other.email)
    assert "Your records request" not in client.get("/inbox").get_data(as_text=True)
    assert "Your records request" not in client.get("/search?q=wallaby").get_data(as_text=True)


def test_forms_never_send_the_browser_to_another_site(client, make, session):
    user = make.user()
    agency = make.agency(foia_email="records@elsewhere.example.gov")
    request = make.request(owner=user, agency=agency, status=Status.submitted)
    client.login(user.email)
    upload(client, [("a.eml", reply("<n1@c>", body="We found no records responsive to your request."))])
    message = session.exec(select(Message)).one()
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example/"):
        assigned = client.post_form("/inbox/assign", {"message_ids": [str(message.id)], "request_id": str(request.id),
                                                      "next": target})
        assert assigned.status_code == 302 and assigned.headers["Location"] == "/inbox"
        dismissed = client.post_form(f"/messages/{message.id}/status", {"action": "dismiss", "next": target})
        assert dismissed.status_code == 302 and dismissed.headers["Location"] == f"/messages/{message.id}"
    kept = client.post_form(f"/messages/{message.id}/status", {"action": "dismiss", "next": f"/requests/{request.id}"})
    assert kept.headers["Location"] == f"/requests/{request.id}"
