"""SQL statements per page, on a database with a few dozen requests (issue 12, goal 4).

A page whose statements grow with the number of requests, messages, documents or pages on it
(N+1 queries) is slow at 10,000 requests however fast each statement is. Each page is loaded
twice: with 12 requests, then with 36 and more on the page itself (the request with four more
replies, notes by three colleagues and two more documents, a 9-page document instead of a
3-page one); a page that issues
more statements the second time fails, and so does one over its bound. `bench/web.py` measures the same pages under load.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from foia.requests import filing, lifecycle
from foia.requests.models import SubmissionMethod
from foia.web.dashboard import KeptWorkloads
from tests.unit.search.records import add_document, add_message

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)

#: Statements each page issues today (2026-12-01), none of them per item shown: the login with its user (one
#: statement), then one statement per kind of thing on the page. A new statement needs a reason and a new bound.
PAGES = {
    # Kept between views (foia.web.dashboard.KeptWorkloads; the workload version comes with the login): new replies
    # and the two kinds of failed emails.
    "dashboard": ("/dashboard", 4),
    # Worked out anew (after a write): each count in SQL, each list bounded (LIST_LIMIT rows): the counts by status
    # and of overdue ones with the ids of the most overdue, the oldest waiting on you and the oldest drafts (one
    # statement), the dates ahead and of the month (bare columns), the requests shown (one statement for every
    # list); then as above; and before keeping it, whether the transaction wrote (a statement on PostgreSQL).
    "dashboard, worked out anew": ("/dashboard", 8),
    "request list": ("/requests?status=open", 4),
    # Seen by a colleague (the team path): the actor's teams are read once (access.team_ids_of), and the
    # request's owner is another user; by its owner the page takes 10 (the document page 5).
    "request page": ("/requests/{request}", 12),
    "document page": ("/documents/{document}", 6),
    "search": ("/search?q=rekognition", 3),
}


@contextmanager
def counting(engine):
    """Count the SQL statements sent through an engine while the block runs."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):  # SQLite's own BEGIN (IMMEDIATE), which PostgreSQL sends unseen
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def add_requests(session, owner, team, agencies, count: int) -> list:
    """`count` filed requests shared with the team, each with two agency replies and a three-page release."""
    made = []
    for n in range(count):
        agency = agencies[n % len(agencies)]
        new = filing.NewRequest([agency.id], f"Rekognition records {len(made)}-{n}", "Emails about Rekognition.",
                                  team_id=team.id)
        [request] = filing.create_requests(session, owner, new, NOW)
        lifecycle.mark_submitted(session, owner, request.id, date(2026, 3, 2), SubmissionMethod.portal, NOW)
        session.commit()
        for reply in range(2):
            add_message(session, request, f"Reply {reply}: we are searching for Rekognition records.",
                        sender=agency.foia_email)
        add_document(session, request, [f"Page {p} of the release about Rekognition and body cameras."
                                        for p in range(1, 4)], filename=f"release-{n}.pdf")
        made.append(request)
    return made


@pytest.fixture
def newsroom(make, session, clock):
    """A requester, three colleagues in their team, four agencies, and a function that adds requests."""
    clock.at = NOW
    owner = make.user()
    colleagues = [make.user() for _ in range(3)]
    team = make.team(members=[owner, *colleagues])
    agencies = [make.agency(jurisdiction=slug) for slug in ("fl", "or", "wa", "federal")]
    return owner, colleagues, lambda count: add_requests(session, owner, team, agencies, count)


def statements_for(client, runtime, url: str, anew: bool = False) -> list[str]:
    client.get(url)  # once to warm what is cached per process (law data, templates, the dashboard's workload)
    if anew:
        client.application.extensions["foia.dashboards"] = KeptWorkloads()
    with counting(runtime.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_issues_a_bounded_number_of_statements_whatever_it_shows(page, client, runtime, session, newsroom):
    owner, colleagues, add = newsroom
    url, bound = PAGES[page]
    [request, *_] = add(12)
    target = {"request": request.id, "document": add_document(session, request, ["A short release."] * 3).id}
    client.login(colleagues[0].email)  # a colleague: the team path of every visibility check
    anew = page.endswith("worked out anew")
    few = len(statements_for(client, runtime, url.format(**target), anew))

    add(24)
    for reply in range(4):
        add_message(session, request, f"Further reply {reply} about Rekognition.")
    for colleague in colleagues:  # notes by three more people on the timeline
        lifecycle.add_note(session, colleague, request.id, f"Called the agency ({colleague.display_name}).", NOW)
    session.commit()
    add_document(session, request, ["Another release."] * 2)
    target["document"] = add_document(session, request, ["A longer release about Rekognition."] * 9).id
    many = statements_for(client, runtime, url.format(**target), anew)
    assert len(many) <= few, (f"{page}: {few} statements with 12 requests, {len(many)} with 36 and more on the "
                              "page (N+1):\n" + "\n".join(many))
    assert len(many) <= bound, f"{page}: {len(many)} statements, bound {bound}:\n" + "\n".join(many)
