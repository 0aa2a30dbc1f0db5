"""Acting on a batch at once (send every letter by email, mark every one submitted, see each agency's
messages and documents), filing to an agency from its page, making the same request to another
agency, and the request page's order and words."""
from __future__ import annotations

import email
import re
from datetime import UTC, date, datetime

from sqlmodel import select

from foia.mail import outbox
from foia.mail.models import OutboxMessage
from foia.requests import filing
from foia.requests.models import FoiaRequest, Status, SubmissionMethod, Visibility
from tests.web.mail.test_inbox import upload

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def text(response) -> str:
    return response.get_data(as_text=True)


def tag(page: str, attribute: str) -> str:
    """The first input tag with this attribute."""
    return re.search(rf"<input[^>]*{attribute}[^>]*>", page).group(0)


def batch_of_three(session, owner, make):
    agencies = [make.agency("Orlando Police Department", foia_email="records@orlando.example.gov"),
                make.agency("Washington County Sheriff", jurisdiction="or", foia_email="records@wcso.example.gov"),
                make.agency("Portal-only Agency", foia_email="")]
    created = filing.create_requests(session, owner, filing.NewRequest(
        [a.id for a in agencies], "Rekognition records", "All emails about Rekognition."), NOW,
        {agencies[0].id: "Dear Orlando records custodian,\nPlease send the emails.",
         agencies[1].id: "Dear Sheriff's records officer,\nPlease send the emails."})
    session.commit()
    return created


def test_send_all_by_email_sends_each_letter_as_previewed_to_its_own_agency(client, make, session, runtime):
    owner = make.user()
    orlando, washington, portal_only = batch_of_three(session, owner, make)
    client.login(owner.email)
    page = text(client.get(f"/batches/{orlando.batch_id}"))
    assert "Review and send all by email" in page and "Mark all 3 submitted" in page

    review = text(client.get(f"/batches/{orlando.batch_id}/send"))
    assert "Send 2 letters by email" in review
    assert "records@orlando.example.gov" in review and "Dear Orlando records custodian," in review
    assert "Portal-only Agency has no email address" in review
    assert session.exec(select(OutboxMessage)).all() == []  # nothing goes before the confirmation

    done = client.post_form(f"/batches/{orlando.batch_id}/send", follow_redirects=True)
    assert "2 requests queued for email" in text(done) and "left as it was" in text(done)
    outbox.dispatch_due(runtime)
    sent = sorted(runtime.instance_path.joinpath("outbox").glob("*.eml"))
    letters = {email.message_from_bytes(path.read_bytes())["To"]: email.message_from_bytes(path.read_bytes())
               for path in sent}
    assert set(letters) == {"records@orlando.example.gov", "records@wcso.example.gov"}
    assert "Dear Orlando records custodian," in letters["records@orlando.example.gov"].get_payload(decode=True).decode()
    assert "Dear Sheriff's records officer," in letters["records@wcso.example.gov"].get_payload(decode=True).decode()
    session.rollback()
    statuses = {r.id: r.status for r in session.exec(select(FoiaRequest)).all()}
    assert statuses == {orlando.id: Status.submitted, washington.id: Status.submitted, portal_only.id: Status.draft}
    after = text(client.get(f"/batches/{orlando.batch_id}"))
    assert "Review and send all by email" not in after  # nothing left to email
    assert "1 message</a> <span class=\"muted small\">(0 from the agency)" in after


def test_mark_all_submitted_and_each_agencys_counts(client, make, session, runtime):
    owner = make.user()
    orlando, washington, portal_only = batch_of_three(session, owner, make)
    client.login(owner.email)
    bad = client.post_form(f"/batches/{orlando.batch_id}/submit", {"batch-submitted_on": "2030-01-01",
                                                                  "batch-method": "portal"})
    assert bad.status_code == 400 and "That date is in the future." in text(bad)
    session.rollback()
    assert {r.status for r in session.exec(select(FoiaRequest)).all()} == {Status.draft}

    done = client.post_form(f"/batches/{orlando.batch_id}/submit", {"batch-submitted_on": "2026-02-27",
                                                                   "batch-method": "portal"}, follow_redirects=True)
    assert "3 requests marked submitted" in text(done)
    session.rollback()
    for foia_request in session.exec(select(FoiaRequest)).all():
        assert foia_request.status == Status.submitted and foia_request.submitted_on == date(2026, 2, 27)
        assert foia_request.submission_method == SubmissionMethod.portal and foia_request.response_due is not None

    reply = (b"From: Clerk <records@orlando.example.gov>\r\nTo: requests@foia.test\r\nSubject: Received\r\n"
             b"Message-ID: <c1@orlando.example.gov>\r\n\r\nWe received your request.\r\n")
    upload(client, [("reply.eml", reply), ("memo.txt", b"A memo about the pilot.")], request_id=str(orlando.id))
    page = text(client.get(f"/batches/{orlando.batch_id}"))
    cards = {name: page[page.index(name):page.index(name) + 2500] for name in
             ("Orlando Police Department", "Washington County Sheriff")}
    assert "1 message</a> <span class=\"muted small\">(1 from the agency)" in cards["Orlando Police Department"]
    assert "1 document" in cards["Orlando Police Department"]
    assert "0 messages" in cards["Washington County Sheriff"] and "0 documents" in cards["Washington County Sheriff"]


def test_file_a_request_to_an_agency_from_its_page_and_copy_a_request_to_others(client, make, session):
    owner = make.user()
    agency = make.agency("Seattle Police Department", jurisdiction="wa")
    client.login(owner.email)
    page = text(client.get(f"/agencies/{agency.id}"))
    link = re.search(r'href="([^"]+)">File a request to this agency', page).group(1)
    form = text(client.get(link))
    assert re.search(rf'<option value="{agency.id}"\s+selected', form)

    original = make.request(owner=owner, agency=agency, title="Body cam policy", records_sought="The policy.",
                            max_fee_cents=2500, expedited=True, visibility=Visibility.public,
                            status=Status.submitted)
    detail = text(client.get(f"/requests/{original.id}"))
    link = re.search(r'href="([^"]+)">Same request to another agency', detail).group(1).replace("&amp;", "&")
    copied = text(client.get(link))
    assert 'value="Body cam policy"' in copied and "The policy.</textarea>" in copied
    assert 'value="25.00"' in copied and "checked" in tag(copied, 'name="expedited"')
    assert "checked" in tag(copied, 'value="public"')
    assert f"{original.tracking_code}</a>" in copied and "choose the other agencies" in copied
    assert not re.search(r"<option[^>]*selected", copied)  # the agencies are for the user to choose

    stranger_private = make.request(title="Not yours")
    assert client.get(f"/requests/new?from={stranger_private.id}").status_code == 404


def test_the_request_page_puts_replies_and_documents_before_the_folded_letter(client, make, session, runtime):
    owner = make.user()
    foia_request = make.request(owner=owner, status=Status.submitted, letter_text="Dear custodian,\nThe letter.")
    client.login(owner.email)
    upload(client, [("memo.txt", b"A memo.")], request_id=str(foia_request.id))
    filing.edit_request(session, owner, foia_request.id, NOW, agency_tracking_number="PRR 2018-0113")
    session.commit()
    page = text(client.get(f"/requests/{foia_request.id}"))
    assert page.index('id="messages"') < page.index('id="letter"')
    assert page.index("request-documents-title") < page.index('id="letter"')
    assert re.search(r'<details class="card letter-card" id="letter">', page)  # folded: one click opens it
    assert "Agency tracking number set to “PRR 2018-0113”" in page
    assert "“” →" not in page
    assert re.search(r"Replies come to</dt><dd><span class=\"mono\">requests\+[a-z0-9]+@foia\.test</span>", page)
    assert '<strong class="mono">PRR 2018-0113</strong>' in page
    assert page.index('id="status"') < page.index('id="facts-h"')  # the actions come first on a phone


def test_readers_of_a_public_request_do_not_get_its_reply_address(client, make):
    foia_request = make.request(visibility=Visibility.public, status=Status.submitted)
    client.login(make.user().email)
    page = text(client.get(f"/requests/{foia_request.id}"))
    assert "Replies come to" not in page and foia_request.reply_token not in page


def test_a_visitor_to_a_public_batch_is_not_told_of_the_private_messages_and_documents_it_holds(client, make, session):
    owner = make.user()
    orlando, washington, _ = batch_of_three(session, owner, make)
    for request in (orlando, washington):
        request.visibility = Visibility.public
        request.status = Status.submitted
    session.commit()
    make.message(orlando, body="Public acknowledgement.")
    make.message(orlando, body="A private note from the custodian.", is_private=True)
    make.document(orlando, pages=["Released page."])
    make.document(orlando, pages=["Privately shared draft."], is_private=True)

    visitor = make.user()
    client.login(visitor.email)
    page = text(client.get(f"/batches/{orlando.batch_id}"))
    assert "1 message</a>" in page and "1 document</a>" in page
    assert "2 messages" not in page and "2 documents" not in page

    client.login(owner.email)
    page = text(client.get(f"/batches/{orlando.batch_id}"))
    assert "2 messages</a>" in page and "2 documents</a>" in page
