"""Who may see and work on a request: the one place these rules live.

- The owner, members of the team it is shared with, and admins see and work on it.
- Anyone (logged in or not) may see a public request, or an embargoed one once its embargo ended.
- Everyone else is told it does not exist (NotFound), the same as for an unknown id.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import TeamMembership, User
from foia.errors import NotFound
from foia.ports import local_date
from foia.requests.models import FoiaRequest, Visibility


def _public_clause(now: datetime):
    today = local_date(now)
    return sa.or_(
        FoiaRequest.visibility == Visibility.public,
        sa.and_(FoiaRequest.visibility == Visibility.embargoed, FoiaRequest.embargo_until.is_not(None),
                FoiaRequest.embargo_until <= today),
    )


def _member_clause(actor: User):
    team_ids = select(TeamMembership.team_id).where(TeamMembership.user_id == actor.id)
    return sa.or_(FoiaRequest.owner_id == actor.id, FoiaRequest.team_id.in_(team_ids))


def workable_clause(actor: User | None):
    """SQL condition: requests the actor may work on (edit, upload to, change status)."""
    if actor is None:
        return sa.false()
    if actor.is_admin:
        return sa.true()
    return _member_clause(actor)


def visible_clause(actor: User | None, now: datetime):
    """SQL condition: requests the actor may see. Use it in every query that lists requests or their contents."""
    if actor is not None and actor.is_admin:
        return sa.true()
    if actor is None:
        return _public_clause(now)
    return sa.or_(_member_clause(actor), _public_clause(now))


def visible_request_ids(actor: User | None, now: datetime):
    """A subquery of the ids of requests the actor may see (for documents, messages, search)."""
    return select(FoiaRequest.id).where(visible_clause(actor, now))


def can_work_on(session: Session, actor: User | None, request: FoiaRequest) -> bool:
    if actor is None:
        return False
    if actor.is_admin or request.owner_id == actor.id:
        return True
    return request.team_id is not None and session.get(TeamMembership, (request.team_id, actor.id)) is not None


def can_see(session: Session, actor: User | None, request: FoiaRequest, now: datetime) -> bool:
    if can_work_on(session, actor, request):
        return True
    if request.visibility == Visibility.public:
        return True
    return (request.visibility == Visibility.embargoed and request.embargo_until is not None
            and request.embargo_until <= local_date(now))


def get_visible_request(session: Session, actor: User | None, request_id: int, now: datetime) -> FoiaRequest:
    """The request if the actor may see it; NotFound otherwise (never NotAllowed: no leaking)."""
    request = session.get(FoiaRequest, request_id)
    if request is None or not can_see(session, actor, request, now):
        raise NotFound("request")
    return request


def get_workable_request(session: Session, actor: User | None, request_id: int, now: datetime) -> FoiaRequest:
    """The request if the actor may work on it. Seeing but not working on it is still NotFound for
    private ones; for public ones the actor learns it exists, so it is NotAllowed."""
    from foia.errors import NotAllowed

    request = get_visible_request(session, actor, request_id, now)
    if not can_work_on(session, actor, request):
        raise NotAllowed("Only the requester and their team can change this request.")
    return request
