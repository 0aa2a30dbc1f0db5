"""Reading requests: one request as its pages show it, batches, choices for forms, and the list with its
filters and sorting. Whether a request is overdue and what "due" means now are answered here.
"""
from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from foia.accounts.models import Team, TeamMembership, User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines.calendar import law_today
from foia.errors import NotFound
from foia.pagination import ListPage, clamp
from foia.ports import local_date
from foia.requests import access
from foia.requests.models import (AGENCY_DATES, DUE_DATE_LABELS, RUNNING_DATES, FoiaRequest, RequestBatch, Status,
                                  running_dates)

#: Later than any due date: stands in for a missing one when the soonest is taken in SQL.
_NO_DATE = date(9999, 12, 31)


def current_due(request: FoiaRequest) -> date | None:
    """The soonest date the agency must still meet now (its running dates: see RUNNING_DATES)."""
    dates = [getattr(request, name) for name in running_dates(request) if name in AGENCY_DATES]
    return min((day for day in dates if day is not None), default=None)


class _least(sa.sql.functions.GenericFunction):
    """The smallest of its arguments (none of them NULL): LEAST on PostgreSQL, the many-argument MIN on SQLite."""

    type = sa.Date()
    name = "least"
    inherit_cache = True
    _register = False


@compiles(_least, "sqlite")
def _least_sqlite(element, compiler, **kw):
    arguments = list(element.clauses)
    if len(arguments) == 1:
        return compiler.process(arguments[0], **kw)
    return f"min({compiler.process(element.clauses, **kw)})"


def current_due_clause():
    """SQL twin of current_due: the soonest agency date running in the request's status (NULL when none runs).

    Statuses whose running dates hold no agency date have none; an appeal already filed changes only the
    appeal window, which is the requester's date, not the agency's."""
    cases = []
    for status, names in RUNNING_DATES.items():
        agency = [getattr(FoiaRequest, name) for name in names if name in AGENCY_DATES]
        if agency:
            cases.append((FoiaRequest.status == status,
                          _least(*(sa.func.coalesce(column, sa.literal(_NO_DATE, sa.Date())) for column in agency))))
    soonest = sa.case(*cases, else_=sa.null())
    return sa.func.nullif(soonest, sa.literal(_NO_DATE, sa.Date()), type_=sa.Date())


def is_overdue(request: FoiaRequest, today: date) -> bool:
    """A date the agency must meet in the request's status has passed (derived, never stored).

    After a partial release the statutory deadline was met; later releases are late only against a
    production date or the agency's own estimate.
    """
    due = current_due(request)
    return due is not None and due < today


def due_phrase(due: date | None, today: date) -> str:
    """"due today", "in 3 days", "5 days overdue"."""
    if due is None:
        return ""
    days = (due - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    return "1 day overdue" if days == -1 else f"{-days} days overdue"


class AgencyChoice(NamedTuple):
    id: int
    name: str


class JurisdictionChoice(NamedTuple):
    id: int
    name: str
    slug: str


#: What a list or the dashboard reads of a request besides its due dates, which follow in DUE_DATE_LABELS' order
#: (deadlines.rules.due_items reads each of them): a date added there is read here too.
LINE_FIELDS = ("id", "title", "tracking_code", "status", "created_at", "appealed_on", "response_due_is_follow_up",
               "paused_on", "paused_remaining_days", "remind_note", "deadline_explanation")
#: A request as its line shows it, and what its due dates are worked out from (current_due,
#: deadlines.rules.due_items): bare columns, read without the letter and notes an ORM row would carry.
RequestLine = namedtuple("RequestLine", LINE_FIELDS + tuple(DUE_DATE_LABELS))


class JurisdictionLine(NamedTuple):
    id: int
    name: str
    timezone: str | None


def request_lines(session: Session, now: datetime, *conditions, order=(), offset: int = 0,
                  limit: int | None = None) -> list[RequestView]:
    """The requests that meet the conditions as their lines show them, with their agency's and jurisdiction's
    names and today's date in their jurisdiction."""
    columns = [getattr(FoiaRequest, name) for name in RequestLine._fields]
    rows = session.exec(select(*columns, Agency.id, Agency.name, Jurisdiction.id, Jurisdiction.name,
                               Jurisdiction.timezone)
                        .join(Agency, Agency.id == FoiaRequest.agency_id)
                        .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .where(*conditions).order_by(*order).offset(offset or None).limit(limit))
    size = len(columns)
    views = []
    for row in rows:
        jurisdiction = JurisdictionLine(*row[size + 2:])
        views.append(RequestView(RequestLine(*row[:size]), AgencyChoice(*row[size:size + 2]), jurisdiction,
                                 law_today(jurisdiction, now)))
    return views


@dataclass
class RequestView:
    """A request with its agency and jurisdiction, and what the clock says today (in lists, the request's line:
    RequestLine, AgencyChoice and JurisdictionLine)."""

    request: FoiaRequest | RequestLine
    agency: Agency | AgencyChoice
    jurisdiction: Jurisdiction | JurisdictionLine
    today: date

    @cached_property
    def due(self) -> date | None:
        """Computed once per view: a page asks for it (and what follows from it) several times a row."""
        return current_due(self.request)

    @property
    def overdue(self) -> bool:
        """is_overdue, from the due date computed once."""
        return self.due is not None and self.due < self.today

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days

    @property
    def due_phrase(self) -> str:
        return due_phrase(self.due, self.today)


def _view(session: Session, request: FoiaRequest, now: datetime) -> RequestView:
    agency = session.get(Agency, request.agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
    return RequestView(request, agency, jurisdiction, law_today(jurisdiction, now))


def get_request(session: Session, actor: User | None, request_id: int, now: datetime) -> RequestView:
    """A request the actor may see, with its agency and jurisdiction; NotFound otherwise."""
    return _view(session, access.get_visible_request(session, actor, request_id, now), now)


def workable_with_jurisdiction(session: Session, actor: User | None, request_id: int, now: datetime) -> tuple[FoiaRequest, Jurisdiction]:
    """A request the actor may work on, with its jurisdiction (NotFound / NotAllowed otherwise)."""
    request = access.get_workable_request(session, actor, request_id, now)
    agency = session.get(Agency, request.agency_id)
    return request, session.get(Jurisdiction, agency.jurisdiction_id)


def teams_for(session: Session, user: User) -> list[Team]:
    """Teams a request of this user may be shared with."""
    return list(session.exec(
        select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id).order_by(Team.name)))


def agency_choices(session: Session) -> list[tuple[Jurisdiction, list[Agency]]]:
    """Every agency grouped by jurisdiction (federal first, then by name), for the agency picker."""
    rows = session.exec(select(Agency, Jurisdiction).join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .order_by(Jurisdiction.name, Agency.name))
    groups: dict[int, tuple[Jurisdiction, list[Agency]]] = {}
    for agency, jurisdiction in rows:
        groups.setdefault(jurisdiction.id, (jurisdiction, []))[1].append(agency)
    return sorted(groups.values(), key=lambda group: (group[0].slug != "federal", group[0].name))


_AGENCY_REQUEST = aliased(FoiaRequest, name="agency_request")


def agencies_with_requests(session: Session, actor: User | None,
                           now: datetime) -> list[tuple[JurisdictionChoice, list[AgencyChoice]]]:
    """The agencies of the requests the actor may see, grouped like agency_choices (for the list's filter).

    Bare columns, and for each agency one look for a request the actor may see (EXISTS on the agency's
    requests, by the index on agency_id), not the agency of every visible request."""
    request = _AGENCY_REQUEST
    has_visible = (select(request.id).where(request.agency_id == Agency.id, access.visible_clause(actor, now, request))
                   .correlate_except(request).exists())
    rows = session.exec(select(Agency.id, Agency.name, Jurisdiction.id, Jurisdiction.name, Jurisdiction.slug)
                        .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .where(has_visible).order_by(Jurisdiction.name, Agency.name))
    groups: dict[int, tuple[JurisdictionChoice, list[AgencyChoice]]] = {}
    for agency_id, agency_name, jurisdiction_id, jurisdiction_name, slug in rows:
        group = groups.setdefault(jurisdiction_id, (JurisdictionChoice(jurisdiction_id, jurisdiction_name, slug), []))
        group[1].append(AgencyChoice(agency_id, agency_name))
    return sorted(groups.values(), key=lambda group: (group[0].slug != "federal", group[0].name))


@dataclass
class BatchView:
    batch: RequestBatch
    members: list[RequestView]
    owner: User


def get_batch(session: Session, actor: User | None, batch_id: int, now: datetime) -> BatchView:
    """A batch with those of its requests the actor may see; NotFound when they may see none."""
    batch = session.get(RequestBatch, batch_id)
    if batch is None:
        raise NotFound("batch")
    requests = session.exec(select(FoiaRequest).where(FoiaRequest.batch_id == batch.id,
                                                      access.visible_clause(actor, now))
                            .order_by(FoiaRequest.id))
    members = [_view(session, request, now) for request in requests]
    if not members:
        raise NotFound("batch")
    return BatchView(batch, members, session.get(User, batch.owner_id))


SORTS = {
    "created": (FoiaRequest.created_at, FoiaRequest.id),
    # The date the list shows: the soonest agency date running now (current_due), not the response date alone.
    "due": (current_due_clause(), FoiaRequest.id),
    "title": (sa.func.lower(FoiaRequest.title), FoiaRequest.id),
    "status": (FoiaRequest.status, FoiaRequest.id),
}


DEFAULT_DIRECTION = {"created": "desc", "due": "asc", "title": "asc", "status": "asc"}


@dataclass
class RequestFilters:
    """The list's filters, sort and page, as given in the query string."""

    status: Status | None = None
    agency_id: int | None = None
    text: str = ""
    #: "mine": the actor's and their teams' requests; "all": everything visible, public ones included.
    scope: str = "mine"
    sort: str = "created"
    direction: str = ""
    page: int = 1
    #: Only requests whose agency missed a date (the dashboard's "Overdue", all of them), by the instance's
    #: today: on the day boundary a request may be a day early or late here, where the dashboard asks each
    #: jurisdiction's own today.
    overdue: bool = False

    @property
    def order(self) -> str:
        return self.direction if self.direction in ("asc", "desc") else DEFAULT_DIRECTION.get(self.sort, "desc")


def _scope_clause(actor: User | None, now: datetime, scope: str):
    if scope == "all" or actor is None:
        return access.visible_clause(actor, now)
    return sa.and_(access.visible_clause(actor, now), access.workable_clause(actor))


def list_requests(session: Session, actor: User | None, now: datetime, filters: RequestFilters,
                  per_page: int = 25) -> ListPage:
    """The requests the actor may see that match the filters, sorted, one page of them."""
    conditions = [_scope_clause(actor, now, filters.scope)]
    if filters.status is not None:
        conditions.append(FoiaRequest.status == filters.status)
    if filters.agency_id is not None:
        conditions.append(FoiaRequest.agency_id == filters.agency_id)
    if filters.overdue:
        conditions.append(current_due_clause() < local_date(now))
    words = filters.text.strip()
    if words:
        escaped = re.sub(r"([%_\\])", r"\\\1", words.lower())
        conditions.append(sa.func.lower(FoiaRequest.title).like(f"%{escaped}%", escape="\\"))
    total = session.exec(select(sa.func.count()).select_from(FoiaRequest).where(*conditions)).one()
    sort = filters.sort if filters.sort in SORTS else "created"
    primary, tiebreak = SORTS[sort]
    descending = filters.order == "desc"
    order = [primary.desc() if descending else primary.asc(), tiebreak.desc() if descending else tiebreak.asc()]
    if sort == "due":
        order.insert(0, primary.is_(None))  # undated last in either direction
    number = clamp(filters.page, total, per_page)
    items = request_lines(session, now, *conditions, order=order, offset=(number - 1) * per_page, limit=per_page)
    return ListPage(items=items, total=total, number=number, per_page=per_page)
