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
