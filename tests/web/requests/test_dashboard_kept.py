"""The dashboard keeps what it worked out from the requests between views (foia.web.dashboard.KeptWorkloads), and
shows every change on the very next view, whoever made it and however it was written: a status changed by a
service, a new request, a member leaving a team, a statement sent without the ORM, another connection (another
host), an agency renamed, and the day changing at midnight (the instance's or only a jurisdiction's)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from foia import db
from foia.accounts.models import TeamMembership
from foia.requests import lifecycle
from foia.requests.models import FoiaRequest, Status
from tests.web.requests.test_dashboard import section
from tests.web.test_queries_per_page import counting


def all_requests(page: str) -> int:
    return int(re.search(r'<span class="count">(\d+)</span> All requests', page)[1])


def view(client, runtime) -> tuple[str, int]:
    """The dashboard, and how many statements it took."""
    with counting(runtime.engine) as statements:
        page = client.get("/dashboard").get_data(as_text=True)
    return page, len(statements)


def test_a_view_with_nothing_changed_reads_no_request_and_a_status_change_shows_on_the_next(client, make, session,
                                                                                             runtime):
    owner = make.user()
    late = make.request(owner=owner, agency=make.agency(jurisdiction="federal"), title="Body cam contracts",
                        status=Status.submitted, response_due=date(2026, 2, 20))
    client.login(owner.email)
    first, worked_out = view(client, runtime)
    again, kept = view(client, runtime)
    assert section(again, "overdue") == section(first, "overdue") and kept < worked_out  # no request read again
    assert "Body cam contracts" in section(first, "overdue")

    lifecycle.change_status(session, owner, late.id, Status.done, date(2026, 3, 2), datetime.now(UTC))
    session.commit()
    page, statements = view(client, runtime)
    assert statements > kept  # worked out again
    assert "Body cam contracts" not in section(page, "overdue") and "Nothing is overdue." in page
    assert 'data-status="done"' in page

    make.request(owner=owner, title="A new draft")
    page = client.get("/dashboard").get_data(as_text=True)
    assert all_requests(page) == 2 and "A new draft" in section(page, "drafts")


def test_a_member_removed_from_the_team_stops_counting_its_requests_at_once(client, make, session, app):
    reporter, editor = make.user(), make.user()
    team = make.team(members=[reporter, editor])
    session.get(TeamMembership, (team.id, editor.id)).is_team_admin = True
    session.commit()
    make.request(owner=reporter, title="Reporters own")
    make.request(owner=editor, team_id=team.id, title="Editors shared", status=Status.submitted,
                 response_due=date(2026, 2, 20))
    client.login(reporter.email)
    for _ in range(2):
        page = client.get("/dashboard").get_data(as_text=True)
        assert all_requests(page) == 2 and "Editors shared" in section(page, "overdue")

    editors_browser = app.test_client()
    editors_browser.login(editor.email)
    assert editors_browser.post_form(f"/teams/{team.id}/members/{reporter.id}/remove").status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert all_requests(page) == 1 and "Editors shared" not in page


def test_changes_written_without_the_orm_or_by_another_connection_show_on_the_next_view(client, make, session,
                                                                                        database_url):
    owner, colleague = make.user(), make.user()
    agency = make.agency(name="Orlando Police Department", jurisdiction="federal")
    request = make.request(owner=owner, agency=agency, title="Rekognition emails", status=Status.submitted,
                           response_due=date(2026, 3, 6))
    theirs = make.request(owner=colleague, agency=agency, title="Colleagues request")
    client.login(owner.email)
    client.get("/dashboard")
    assert "Rekognition emails" in section(client.get("/dashboard").get_data(as_text=True), "coming-up")

    # A bulk statement through the session (as imports and jobs write), committed.
    session.exec(sa.update(FoiaRequest).where(FoiaRequest.id == request.id).values(status=Status.fix_required))
    session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Rekognition emails" in section(page, "waiting") and "Rekognition emails" not in section(page, "coming-up")

    # Another process or host: its own engine and plain SQL, on every table the dashboard reads.
    elsewhere = db.make_engine(database_url)
    try:
        with elsewhere.begin() as connection:
            connection.execute(sa.text("UPDATE agency SET name = 'Orlando PD' WHERE id = :id"), {"id": agency.id})
        assert "Orlando PD" in section(client.get("/dashboard").get_data(as_text=True), "waiting")

        with elsewhere.begin() as connection:
            team_id = connection.execute(sa.text("INSERT INTO team (name, created_at) VALUES ('Desk', :at) RETURNING id"),
                                         {"at": datetime(2026, 3, 1)}).scalar()
            connection.execute(sa.text("INSERT INTO team_membership (team_id, user_id, is_team_admin, joined_at) "
                                       "VALUES (:team, :user, false, :at)"),
                               {"team": team_id, "user": owner.id, "at": datetime(2026, 3, 1)})
            connection.execute(sa.text("UPDATE foia_request SET team_id = :team WHERE id = :id"),
                               {"team": team_id, "id": theirs.id})
        page = client.get("/dashboard").get_data(as_text=True)
        assert all_requests(page) == 2 and "Colleagues request" in section(page, "drafts")

        with elsewhere.begin() as connection:
            connection.execute(sa.text("DELETE FROM team_membership WHERE user_id = :user"), {"user": owner.id})
        page = client.get("/dashboard").get_data(as_text=True)
        assert all_requests(page) == 1 and "Colleagues request" not in page
    finally:
        elsewhere.dispose()


def test_the_dashboard_moves_to_the_next_day_at_each_jurisdictions_midnight(client, make, clock):
    """A response due Mar 2 in Oregon: due today there until Oregon's midnight, which comes three hours after
    New York's (the instance's today), then overdue; and a federal one due Mar 3 becomes due today at New York's."""
    owner = make.user()
    make.request(owner=owner, agency=make.agency(jurisdiction="or"), title="Portland request",
                 status=Status.submitted, response_due=date(2026, 3, 2))
    make.request(owner=owner, agency=make.agency(jurisdiction="federal"), title="Federal request",
                 status=Status.submitted, response_due=date(2026, 3, 3))
    client.login(owner.email)

    clock.at = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)  # 23:30 on Mar 2 in New York, 20:30 in Portland
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Nothing is overdue." in page and re.search(r"today</span>\s*<a[^>]*>Portland request", page)
    assert re.search(r"tomorrow</span>\s*<a[^>]*>Federal request", page)

    clock.at = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)  # Mar 3 in New York, still Mar 2 (22:00) in Portland
    for _ in range(2):
        page = client.get("/dashboard").get_data(as_text=True)
        assert "Nothing is overdue." in page and re.search(r"today</span>\s*<a[^>]*>Portland request", page)
        assert re.search(r"today</span>\s*<a[^>]*>Federal request", page)

    clock.at = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)  # 00:30 on Mar 3 in Portland
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Portland request" in section(page, "overdue") and "Portland request" not in section(page, "coming-up")


def test_an_admin_sees_every_request_from_the_next_view(client, make, session):
    reader, stranger = make.user(), make.user()
    make.request(owner=stranger, title="A strangers request")
    client.login(reader.email)
    client.get("/dashboard")
    assert "File your first request" in client.get("/dashboard").get_data(as_text=True)
    reader.is_admin = True  # the users table has no trigger: whether the reader is an admin is part of the key
    session.add(reader)
    session.commit()
    assert "A strangers request" in section(client.get("/dashboard").get_data(as_text=True), "drafts")
