"""Who sees and who works on a request: owner, team member, other user, anonymous, admin, public, embargo."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from foia.errors import NotAllowed, NotFound
from foia.requests import access, filing, listing
from foia.requests.models import FoiaRequest, Visibility

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def people(make):
    owner = make.user()
    member = make.user()
    team = make.team(members=[owner, member])
    return {"owner": owner, "member": member, "team": team, "other": make.user(),
            "admin": make.user(is_admin=True), "anonymous": None}


def sees(session, user, request, now=NOW) -> bool:
    visible = set(session.exec(select(FoiaRequest.id).where(access.visible_clause(user, now))))
    try:
        listing.get_request(session, user, request.id, now)
    except NotFound:
        assert request.id not in visible
        return False
    assert request.id in visible
    return True


def works(session, user, request) -> bool:
    try:
        access.get_workable_request(session, user, request.id, NOW)
    except (NotFound, NotAllowed):
        return False
    return True


def test_private_shared_request(session, make, people):
    request = make.request(owner=people["owner"], team_id=people["team"].id)
    expected = {"owner": True, "member": True, "admin": True, "other": False, "anonymous": False}
    for who, allowed in expected.items():
        assert sees(session, people[who], request) is allowed, who
        assert works(session, people[who], request) is allowed, who


def test_private_unshared_request_is_the_owners_and_admins(session, make, people):
    request = make.request(owner=people["owner"])
    assert not sees(session, people["member"], request)
    assert sees(session, people["admin"], request)


def test_public_request_is_readable_by_all_but_workable_only_by_its_people(session, make, people):
    request = make.request(owner=people["owner"], visibility=Visibility.public)
    for who in people:
        if who != "team":
            assert sees(session, people[who], request), who
    with pytest.raises(NotAllowed):
        access.get_workable_request(session, people["other"], request.id, NOW)
    assert not works(session, None, request)
    assert works(session, people["owner"], request)


def test_embargo_hides_until_its_date(session, make, people):
    request = make.request(owner=people["owner"], visibility=Visibility.embargoed, embargo_until=date(2026, 3, 10))
    assert not sees(session, people["other"], request)
    assert not sees(session, None, request)
    after = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert sees(session, people["other"], request, after)
    assert sees(session, None, request, after)
    assert sees(session, people["owner"], request)


def test_a_batch_shows_only_what_the_visitor_may_see(session, make, people):
    created = filing.create_requests(session, people["owner"], filing.NewRequest(
        agency_ids=[make.agency().id, make.agency().id], title="t", records_sought="r"), NOW)
    session.commit()
    with pytest.raises(NotFound):
        listing.get_batch(session, people["other"], created[0].batch_id, NOW)
    with pytest.raises(NotFound):
        listing.get_batch(session, None, created[0].batch_id, NOW)
    created[1].visibility = Visibility.public
    session.commit()
    assert [m.request.id for m in listing.get_batch(session, None, created[0].batch_id, NOW).members] == [created[1].id]


def test_who_sees_which_document_and_message_whatever_the_query_joins(session, make, people):
    """document_visible_clause and message_visible_clause test each row's own request (a correlated lookup since
    issue 12): the rows they select are exactly those the rules in access.py give, alone and in a query that
    already joins the request table (as the inbox does)."""
    from foia.documents.models import Document
    from foia.mail.models import Message

    owner, team = people["owner"], people["team"]
    requests = {
        "shared with the team": make.request(owner=owner, team_id=team.id),
        "owner's own": make.request(owner=owner),
        "public": make.request(owner=owner, visibility=Visibility.public),
        "embargo ended": make.request(owner=owner, visibility=Visibility.embargoed, embargo_until=date(2026, 3, 1)),
        "embargoed": make.request(owner=owner, visibility=Visibility.embargoed, embargo_until=date(2026, 4, 1)),
    }
    documents, messages = {}, {}
    for name, request in requests.items():
        for private in (False, True):
            documents[(name, private)] = make.document(request, is_private=private).id
            messages[(name, private)] = make.message(request, is_private=private).id
    documents[("pen of the owner", False)] = make.document(None, uploaded_by_id=owner.id).id
    messages[("pen of the owner", False)] = make.message(None, imported_by_id=owner.id).id
    messages[("mailbox pen", False)] = make.message(None).id

    works_on = {"owner": set(requests), "member": {"shared with the team"}, "admin": set(requests),
                "other": set(), "anonymous": set()}
    readable = {"public", "embargo ended"}
    for who, user in people.items():
        if who == "team":
            continue

        def expected(rows, who=who):
            return {row for (name, private), row in rows.items()
                    if who == "admin" or name in works_on[who]
                    or (name in readable and not private)
                    or (name == "pen of the owner" and who == "owner")}

        for model, clause, rows in ((Document, access.document_visible_clause, documents),
                                    (Message, access.message_visible_clause, messages)):
            alone = set(session.exec(select(model.id).where(clause(user, NOW))))
            joined = set(session.exec(select(model.id).outerjoin(FoiaRequest, FoiaRequest.id == model.request_id)
                                      .where(clause(user, NOW))))
            assert alone == joined == expected(rows), (who, model.__name__)


def test_the_teams_read_once_a_transaction_follow_a_change_of_membership(session, make, people):
    """access.team_ids_of keeps the actor's teams for the session's transaction: joining or leaving a team is
    seen by the next check once it is written (flushed), committed or rolled back."""
    from foia.accounts.models import TeamMembership

    other, team = people["other"], people["team"]
    request = make.request(owner=people["owner"], team_id=team.id)
    assert not access.can_work_on(session, other, request)
    session.add(TeamMembership(team_id=team.id, user_id=other.id))
    session.flush()
    assert access.can_work_on(session, other, request)
    session.rollback()
    assert not access.can_work_on(session, other, request)
    session.add(TeamMembership(team_id=team.id, user_id=other.id))
    session.commit()
    assert access.can_work_on(session, other, request) and sees(session, other, request)
    session.delete(session.get(TeamMembership, (team.id, other.id)))
    session.commit()
    assert not access.can_work_on(session, other, request) and not sees(session, other, request)
