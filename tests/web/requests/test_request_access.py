"""Another user or an anonymous visitor learns nothing about a private request, and changes nothing."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from foia.requests import filing
from foia.requests.models import FoiaRequest, RequestEvent, Status, Visibility

GETS = ["/requests/{id}", "/requests/{id}/letter.txt", "/requests/{id}/edit", "/batches/{batch}"]
POSTS = {
    "/requests/{id}/submit": {"submit-submitted_on": "2026-03-01", "submit-method": "email"},
    "/requests/{id}/status": {"status-status": "withdrawn", "status-on": "2026-03-01"},
    "/requests/{id}/extension": {"extension-on": "2026-03-01"},
    "/requests/{id}/fees": {"fees-fee_estimate": "10", "fees-fee_waiver": "denied"},
    "/requests/{id}/notes": {"note-text": "sneaky"},
    "/requests/{id}/letter": {"letter-letter_text": "changed", "action": "save"},
    "/requests/{id}/edit": {"title": "changed", "records_sought": "changed", "visibility": "public"},
    "/requests/{id}/withdraw": {},
    "/requests/{id}/delete": {},
}


@pytest.fixture
def private_request(make, session):
    owner = make.user("owner@example.org")
    created = filing.create_requests(session, owner, filing.NewRequest(
        agency_ids=[make.agency().id, make.agency().id], title="Secret", records_sought="Emails"),
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    session.commit()
    return created[0]


def snapshot(session):
    session.rollback()
    rows = session.exec(select(FoiaRequest).order_by(FoiaRequest.id)).all()
    return ([(r.title, r.status, r.letter_text, r.fee_estimate_cents, r.visibility) for r in rows],
            session.exec(select(func.count()).select_from(RequestEvent)).one())


def page_text(response) -> str:
    """The page with its CSRF token masked: the token is signed with the second it was made, so two pages
    drawn a second apart differ there and nowhere else."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', response.get_data(as_text=True))


def urls(template: str, request: FoiaRequest) -> str:
    return template.format(id=request.id, batch=request.batch_id)


@pytest.mark.parametrize("who", ["other user", "anonymous"])
def test_private_request_is_not_found_on_every_route(client, make, session, private_request, who):
    if who == "other user":
        make.user("other@example.org")
        client.login("other@example.org")
        client.get("/dashboard")  # shows (and uses up) the welcome message
    before = snapshot(session)
    missing = 999999
    for template in GETS:
        response = client.get(urls(template, private_request))
        unknown = client.get(template.format(id=missing, batch=missing))
        assert response.status_code == 404, template
        assert page_text(response) == page_text(unknown)
    for template, data in POSTS.items():
        response = client.post_form(urls(template, private_request), data)
        assert response.status_code == 404, template
        assert "Secret" not in response.get_data(as_text=True)
    assert snapshot(session) == before
    if who == "other user":
        assert "Secret" not in client.get("/requests?scope=all").get_data(as_text=True)
        assert "Secret" not in client.get("/dashboard").get_data(as_text=True)


def test_public_request_is_readable_but_not_workable_by_others(client, make, session, private_request):
    private_request.visibility = Visibility.public
    session.commit()
    page = client.get(f"/requests/{private_request.id}").get_data(as_text=True)
    assert "Secret" in page and "Change status" not in page and "Add note" not in page
    before = snapshot(session)
    response = client.post_form(f"/requests/{private_request.id}/notes", {"note-text": "hello"})
    assert response.status_code == 403
    make.user("other@example.org")
    client.login("other@example.org")
    assert client.post_form(f"/requests/{private_request.id}/status",
                            {"status-status": "withdrawn", "status-on": "2026-03-01"}).status_code == 403
    assert snapshot(session) == before
    assert "Secret" in client.get("/requests?scope=all").get_data(as_text=True)
    assert "Secret" not in client.get("/requests").get_data(as_text=True)


def test_team_member_and_admin_work_on_a_shared_request(client, make, session):
    owner = make.user()
    member = make.user("member@example.org")
    team = make.team(members=[owner, member])
    request = make.request(owner=owner, team_id=team.id, status=Status.submitted)
    make.user("admin@example.org", is_admin=True)
    for email in ("member@example.org", "admin@example.org"):
        client.login(email)
        assert "Change status" in client.get(f"/requests/{request.id}").get_data(as_text=True)
        assert client.post_form(f"/requests/{request.id}/notes", {"note-text": f"from {email}"}).status_code == 302
    session.rollback()
    notes = session.exec(select(RequestEvent.summary).where(RequestEvent.kind == "note")).all()
    assert sorted(notes) == ["from admin@example.org", "from member@example.org"]
