"""Bad input gets a clear message, every problem at once, and changes nothing; never a 500.

The sweep posts every form of the app, and gets every page that reads its query string, with values
people mistype or tools make up (years 0001 and 9999, 99,999,999,999,999, NaN, 1e400, 20,000
characters, NUL bytes, non-ASCII digits), each in every field at once.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from foia.mail.models import Message
from foia.requests import filing
from foia.requests.models import FoiaRequest, Status
from tests.factories import PASSWORD
from tests.unit.documents.pdfs import add_document, text_pdf

HOSTILE = ["", "   ", "9999-12-31", "0001-01-01", "2026-02-30", "99999999999999", "99999999999999999999", "99,999,999,999,999",
           "-1", "NaN", "Infinity", "1e400", "x" * 20000, "a\x00b", "١٢٣", "<script>alert(1)</script>", "2026-13"]


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_deadline_calculator_keeps_to_dates_a_person_means(client):
    for typo in ("9999-12-31", "0001-01-01", "1965-12-31", "2101-01-01"):
        response = client.get(f"/deadlines?jurisdiction=federal&received={typo}")
        assert response.status_code < 500
        assert "Give a date between Jan 1, 1966 and Dec 31, 2100." in text(response)
        assert 'id="response-due"' not in text(response)
    for edge in ("1966-01-01", "2100-12-31"):
        page = text(client.get(f"/deadlines?jurisdiction=federal&received={edge}"))
        assert 'id="response-due"' in page


def test_fees_have_a_sane_cap_and_nonsense_is_refused(client, make, session):
    owner = make.user()
    foia_request = make.request(owner=owner, status=Status.submitted)
    client.login(owner.email)
    for amount in ("99999999999999", "10000000.01", "NaN", "Infinity", "1e400", "-5"):
        response = client.post_form(f"/requests/{foia_request.id}/fees", {
            "fees-fee_estimate": amount, "fees-fee_paid": amount, "fees-fee_waiver": "requested"})
        assert response.status_code == 400, amount
        page = text(response)
        assert page.count("Enter an amount from $0 to $10,000,000.") + page.count("Not a valid decimal value") >= 2
    session.rollback()
    assert session.get(FoiaRequest, foia_request.id).fee_estimate_cents is None
    fine = client.post_form(f"/requests/{foia_request.id}/fees", {
        "fees-fee_estimate": "10000000", "fees-fee_paid": "", "fees-fee_waiver": "requested"})
    assert fine.status_code == 302


def test_the_agency_form_reports_every_problem_at_once(client, make):
    client.login(make.user().email)
    response = client.post_form("/agencies/new", {"jurisdiction_id": "0", "name": "", "foia_email": "records at city",
                                                  "portal_url": "ftp://x", "phone": "not a phone at all !!!"})
    page = text(response)
    assert response.status_code < 500
    for message in ("Choose the jurisdiction", "Give the agency", "Not a valid email address",
                    "Enter a web address", "Enter a phone number"):
        assert message in page, message


def test_registration_reports_every_problem_at_once(client, make):
    make.user("taken@example.org")
    response = client.post_form("/register", {"email": "taken@example.org", "password": "short", "confirm": "other"})
    page = text(response)
    assert "already" not in page  # registration never tells whether an address has an account
    assert "Use at least 8 characters." in page
    assert "The passwords differ." in page
    bad_address = text(client.post_form("/register", {"email": "not-an-address", "password": "long enough",
                                                      "confirm": "long enough!"}))
    assert "@-sign" in bad_address and "The passwords differ." in bad_address


@pytest.fixture
def world(client, make, session, runtime):
    """A user with one of everything a form can act on, logged in."""
    owner = make.user("owner@example.org")
    agency = make.agency(foia_email="records@agency.example.gov")
    submitted = make.request(owner=owner, agency=agency, status=Status.submitted)
    batch = filing.create_requests(session, owner, filing.NewRequest([agency.id, make.agency().id], "Batch", "r"),
                                     datetime(2026, 3, 1, tzinfo=UTC))
    session.commit()
    team = make.team(members=[owner])
    document = add_document(session, runtime, text_pdf(["hello"]), "a.pdf", request=submitted)
    client.login(owner.email, PASSWORD)
    raw = b"From: a@b.example\r\nTo: c@d.example\r\nSubject: held\r\nMessage-ID: <h1@b.example>\r\n\r\nHi.\r\n"
    client.post_form("/upload", {"files": [(io.BytesIO(raw), "held.eml")]}, content_type="multipart/form-data")
    message = session.exec(select(Message)).first()
    return {"R": submitted.id, "D": batch[0].id, "B": batch[0].batch_id, "A": agency.id, "T": team.id,
            "Doc": document.id, "M": message.id}


FORMS = {
    "/requests/new": ["agency_ids", "title", "records_sought", "max_fee", "visibility", "embargo_until", "team_id",
                      "action"],
    "/requests/{D}/submit": ["submit-submitted_on", "submit-method", "submit-note"],
    "/requests/{R}/status": ["status-status", "status-on", "status-note", "confirmed"],
    "/requests/{R}/extension": ["extension-on", "extension-note"],
    "/requests/{R}/fees": ["fees-fee_estimate", "fees-fee_paid", "fees-fee_waiver"],
    "/requests/{R}/notes": ["note-text"],
    "/requests/{D}/letter": ["letter-letter_text", "action"],
    "/requests/{R}/edit": ["title", "records_sought", "agency_tracking_number", "max_fee", "visibility",
                           "embargo_until", "team_id", "notes", "expedited", "auto_follow_up"],
    "/requests/{R}/withdraw": ["confirmed"],
    "/requests/{R}/follow-up": ["to", "subject", "body", "action"],
    "/batches/{B}/submit": ["batch-submitted_on", "batch-method", "batch-note"],
    "/agencies/new": ["jurisdiction_id", "name", "abbreviation", "foia_email", "portal_url", "phone", "address",
                      "appeal_contact", "notes"],
    "/agencies/{A}/edit": ["jurisdiction_id", "name", "abbreviation", "foia_email", "portal_url", "phone", "address",
                           "appeal_contact", "notes"],
    "/account": ["profile-display_name", "profile-signature", "password-current_password", "password-new_password"],
    "/teams": ["team-name"],
    "/teams/{T}": ["email"],
    "/account/reminders": ["kinds", "remind_days_ahead", "reminder_digest"],
    "/inbox/assign": ["message_ids", "request_id", "next"],
    "/messages/{M}/status": ["action", "next"],
    "/upload": ["request_id"],
    "/register": ["email", "display_name", "password", "confirm"],
}
PAGES = {
    "/deadlines": ["jurisdiction", "received"],
    "/dashboard": ["month"],
    "/requests": ["status", "agency", "q", "sort", "dir", "page", "scope"],
    "/requests/new": ["agency", "from"],
    "/documents": ["state", "request", "page"],
    "/documents/{Doc}": ["q"],
    "/search": ["q", "request", "agency", "from", "to", "sender", "type", "page"],
    "/agencies": ["q", "jurisdiction", "page"],
    "/agencies/suggest": ["q", "limit"],
    "/agencies/new": ["jurisdiction"],
}


def test_no_form_or_page_answers_500_to_bad_input(client, world):
    failures = []
    for path, names in FORMS.items():
        url = path.format(**world)
        for value in HOSTILE:
            response = client.post_form(url, {name: value for name in names})
            if response.status_code >= 500:
                failures.append(f"POST {url} with {value[:20]!r}: {response.status_code}")
    for path, names in PAGES.items():
        url = path.format(**world)
        for value in HOSTILE:
            response = client.get(url, query_string={name: value for name in names})
            if response.status_code >= 500:
                failures.append(f"GET {url} with {value[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_ids_no_row_can_have_are_not_found(client, world):
    for path in ("/requests/99999999999999999999", "/documents/99999999999999999999", "/batches/4294967296",
                 "/messages/99999999999999999999", "/agencies/99999999999999999999",
                 f"/documents/{world['Doc']}/pages/99999999999999999999.png",
                 "/requests/new?from=99999999999999999999", "/documents?request=99999999999999999999"):
        assert client.get(path).status_code in (200, 404), path
    assert client.post_form("/inbox/assign", {"message_ids": "99999999999999999999",
                                              "request_id": "99999999999999999999"}).status_code < 500


def test_request_forms_show_the_services_problems_with_their_own(client, make):
    owner = make.user()
    foia_request = make.request(owner=owner)
    client.login(owner.email)
    # No title (the form's rule) and an embargo without a date (the service's rule): both at once.
    new = text(client.post_form("/requests/new", {"agency_ids": "999999", "title": "", "records_sought": "r",
                                                  "visibility": "embargoed"}))
    assert "Give the request a short title." in new and "Give the date the embargo ends." in new
    assert "One of the chosen agencies no longer exists." in new
    edit = text(client.post_form(f"/requests/{foia_request.id}/edit", {"title": "", "records_sought": "r",
                                                                        "visibility": "embargoed",
                                                                        "max_fee": "99999999999999"}))
    assert "Give the request a short title." in edit and "Give the date the embargo ends." in edit
    assert "Enter an amount from $0 to $10,000,000." in edit
