"""Issue 13.9: one rule for a public request's documents — public unless marked private — on pages,
downloads, search and JSON alike. Driven through the test client."""
from __future__ import annotations

from sqlmodel import select

from foia.documents import queue
from foia.documents.models import Document
from foia.requests.models import Status, Visibility
from tests.unit.documents.pdfs import add_document, text_pdf


def public_request_with_documents(make, session, runtime):
    owner = make.user()
    request = make.request(owner=owner, status=Status.submitted, visibility=Visibility.public)
    shared = add_document(session, runtime, text_pdf(["The okapi report, page one"]), "okapi.pdf", request=request)
    hidden = add_document(session, runtime, text_pdf(["The okapi medical file"]), "medical.pdf", request=request)
    hidden.is_private = True
    session.commit()
    queue.run_until_empty(runtime, lanes=1)
    return owner, request, shared.id, hidden.id


def test_anonymous_readers_get_a_public_requests_documents_but_not_private_ones(client, make, session, runtime):
    owner, request, shared, hidden = public_request_with_documents(make, session, runtime)
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "okapi.pdf" in page and "medical.pdf" not in page
    assert client.get(f"/documents/{shared}").status_code == 200
    with client.get(f"/documents/{shared}/download") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
    with client.get(f"/documents/{shared}/view") as view:
        assert view.status_code == 200
    for url in (f"/documents/{hidden}", f"/documents/{hidden}/download", f"/documents/{hidden}/view"):
        assert client.get(url).status_code == 404, url
    found = client.get("/search?q=okapi").get_data(as_text=True)
    assert "okapi.pdf" in found and "medical.pdf" not in found and "1 matching page or email" in found


def test_other_users_follow_the_same_rule_and_the_owner_sees_everything(client, make, session, runtime):
    owner, request, shared, hidden = public_request_with_documents(make, session, runtime)
    client.login(make.user().email)
    assert client.get(f"/documents/{shared}").status_code == 200
    assert client.get(f"/documents/{hidden}").status_code == 404
    assert "medical.pdf" not in client.get("/search?q=okapi").get_data(as_text=True)
    assert client.post_form(f"/documents/{shared}/private", {"private": "1"}).status_code == 403
    client.post_form("/logout")
    client.login(owner.email)
    assert client.get(f"/documents/{hidden}").status_code == 200
    assert "medical.pdf" in client.get("/search?q=okapi").get_data(as_text=True)
    # The owner marks the shared one private: anonymous readers lose it everywhere at once.
    assert client.post_form(f"/documents/{shared}/private", {"private": "1"}).status_code == 302
    client.post_form("/logout")
    assert client.get(f"/documents/{shared}/download").status_code == 404
    assert "okapi.pdf" not in client.get("/search?q=okapi").get_data(as_text=True)
    assert "okapi.pdf" not in client.get(f"/requests/{request.id}").get_data(as_text=True)


def test_a_private_requests_documents_are_not_found_by_anyone_else(client, make, session, runtime):
    owner = make.user()
    request = make.request(owner=owner)
    document = add_document(session, runtime, text_pdf(["zebu ledger"]), "ledger.pdf", request=request)
    queue.run_until_empty(runtime, lanes=1)
    for url in (f"/documents/{document.id}", f"/documents/{document.id}/download"):
        assert client.get(url).status_code == 404
    assert "ledger.pdf" not in client.get("/search?q=zebu").get_data(as_text=True)
    client.login(make.user().email)
    assert client.get(f"/documents/{document.id}").status_code == 404
    assert "ledger.pdf" not in client.get("/search?q=zebu").get_data(as_text=True)
    assert session.exec(select(Document)).first() is not None


def test_a_private_messages_timeline_entry_is_private_with_it(client, make, session):
    import io

    owner, stranger = make.user(), make.user()
    request = make.request(owner=owner, status=Status.submitted, visibility=Visibility.public)
    client.login(owner.email)
    reply = (b"From: Records Unit <records@agency.example.gov>\r\nTo: requests@foia.test\r\n"
             b"Subject: Medical file of the informant\r\nMessage-ID: <m1@agency.example.gov>\r\n\r\nAttached.\r\n")
    client.post_form("/upload",
                     {"request_id": str(request.id), "files": [(io.BytesIO(reply), "reply.eml")]},
                     content_type="multipart/form-data")
    from foia.mail.models import Message

    message = session.exec(select(Message).where(Message.request_id == request.id)).one()
    session.rollback()  # end the test's read, so the app may write
    assert "Medical file of the informant" in client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert client.post_form(f"/messages/{message.id}/private", {"private": "1"}).status_code == 302
    assert "Medical file of the informant" in client.get(f"/requests/{request.id}").get_data(as_text=True)
    client.post_form("/logout")
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Medical file of the informant" not in page  # not in the messages, not in the timeline
    client.login(stranger.email)
    assert "Medical file of the informant" not in client.get(f"/requests/{request.id}").get_data(as_text=True)
