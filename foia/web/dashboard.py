"""The dashboard: what needs the requester now and in the next two weeks, and a month of due dates.

Everything here covers the requests the actor works on (their own, their teams', all for admins):
- overdue: the agency owes a determination and its date passed;
- coming up: every running due date (acknowledgement, response, appeal window, appeal decision) in
  the next LOOK_AHEAD_DAYS days, each with the explanation of how it was computed;
- waiting on you: a clarification or a payment stopped the clock;
- new replies: agencies' replies nobody working on the request has opened;
- emails that did not go out: letters the mail server refused for good, and bounces not yet read;
- drafts: requests never sent;
- a month calendar of the running due dates.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency, Jurisdiction
from foia.mail.models import DeliveryState, Direction, Message, MessageKind, OutboxMessage
from foia.mail.reading import unread_replies
from foia.ports import local_date
from foia.requests import access, listing
from foia.requests.models import DUE_DATE_LABELS, FoiaRequest, Status
from foia.deadlines.calendar import law_today
from foia.requests.listing import RequestView

#: How far ahead the dashboard looks for due dates.
LOOK_AHEAD_DAYS = 14
#: The most requests a list shows (the most overdue, the newest drafts, ...); "N more" links to the rest.
LIST_LIMIT = 50
DATE_FIELDS = tuple(DUE_DATE_LABELS)


@dataclass
class DueDate:
    """One running due date of a request, with the words that explain it."""

    view: RequestView
    kind: str
    label: str
    on: date
    explanation: str
    days_left: int
    follow_up: bool = False

    @property
    def short_label(self) -> str:
        """The date's label, for a calendar cell (the one label table: foia.requests.models)."""
        return self.label


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    due: list[DueDate] = field(default_factory=list)


@dataclass
class MonthCalendar:
    month: date
    weeks: list[list[CalendarDay]]
    previous: date
    next: date

    @property
    def count(self) -> int:
        return sum(len(day.due) for week in self.weeks for day in week if day.in_month)


@dataclass
class Dashboard:
    counts: dict[Status, int]
    overdue: list[tuple[RequestView, DueDate | None]]
    coming_up: list[DueDate]
    waiting_on_you: list[RequestView]
    new_replies: list[tuple[Message, FoiaRequest]]
    failed_emails: list[tuple[Message, FoiaRequest, OutboxMessage | None]]
    drafts: list[RequestView]
    calendar: MonthCalendar
    today: date
    #: How many there are in all; the lists above show at most LIST_LIMIT of them.
    overdue_count: int = 0
    waiting_count: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def drafts_count(self) -> int:
        return self.counts[Status.draft]


def month_of(text: str | None, today: date) -> date:
    """The first day of the month named "YYYY-MM" (within 1966-2100), else of today's month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 1966 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _due_dates(view: RequestView) -> list[DueDate]:
    from foia.deadlines.rules import due_items

    found = []
    for item in due_items(view.request, view.today):
        if item.get("kind") in DATE_FIELDS and item.get("running") and item.get("date"):
            found.append(DueDate(view, item["kind"], item["label"], item["date"], item.get("text", ""),
                                 (item["date"] - view.today).days, bool(item.get("follow_up"))))
    return found


def _month_calendar(month: date, dates: list[DueDate]) -> MonthCalendar:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    by_day: dict[date, list[DueDate]] = {}
    for due in dates:
        by_day.setdefault(due.on, []).append(due)
    grid = [[CalendarDay(day, day.month == month.month, sorted(by_day.get(day, []), key=lambda d: d.view.request.title))
             for day in week] for week in weeks]
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return MonthCalendar(month, grid, previous, following)


def _rows(session: Session, *conditions, order=None, limit: int | None = None):
    query = (select(FoiaRequest, Agency, Jurisdiction).join(Agency, Agency.id == FoiaRequest.agency_id)
             .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id).where(*conditions)
             .order_by(*(order or (FoiaRequest.created_at, FoiaRequest.id))).limit(limit))
    return session.exec(query)


def _failed_emails(session: Session, actor: User) -> list[tuple[Message, FoiaRequest, OutboxMessage | None]]:
    workable = access.workable_clause(actor)
    refused = session.exec(select(Message, FoiaRequest, OutboxMessage)
                           .join(OutboxMessage, OutboxMessage.message_id == Message.id)
                           .join(FoiaRequest, FoiaRequest.id == Message.request_id)
                           .where(OutboxMessage.state == DeliveryState.failed, workable)
                           .order_by(OutboxMessage.created_at.desc()).limit(50)).all()
    bounced = session.exec(select(Message, FoiaRequest).join(FoiaRequest, FoiaRequest.id == Message.request_id)
                           .where(Message.direction == Direction.inbound, Message.kind == MessageKind.bounce,
                                  Message.read_at.is_(None), workable)
                           .order_by(Message.received_at.desc()).limit(50)).all()
    return [tuple(row) for row in refused] + [(message, request, None) for message, request in bounced]


def _views(session: Session, now: datetime, *conditions, order=None, limit: int | None = None) -> list[RequestView]:
    return [RequestView(request, agency, jurisdiction, law_today(jurisdiction, now))
            for request, agency, jurisdiction in _rows(session, *conditions, order=order, limit=limit)]


def _overdue(session: Session, scope, now: datetime, today: date) -> tuple[int, list[RequestView]]:
    """How many requests are overdue, and the LIST_LIMIT most overdue (oldest missed date first).

    Overdue means the agency's date is before the request's own jurisdiction's today, which is the instance's
    today or a day either side: a date two days back or more is overdue everywhere, and the few dated
    yesterday or today are checked one by one."""
    due = listing.current_due_clause()
    surely = sa.and_(scope, due < today - timedelta(days=1))
    count = session.exec(select(sa.func.count()).select_from(FoiaRequest).where(surely)).one()
    edge = [view for view in _views(session, now, scope, due.between(today - timedelta(days=1), today)) if view.overdue]
    shown = _views(session, now, surely, order=(due, FoiaRequest.id), limit=LIST_LIMIT)
    shown = sorted(shown + edge, key=lambda view: (view.due, view.request.id))[:LIST_LIMIT]
    return count + len(edge), shown


def build(session: Session, actor: User, now: datetime, month: str | None = None) -> Dashboard:
    """The actor's dashboard as of `now`, with the calendar on `month` ("YYYY-MM", default this month).

    Every count is taken in SQL and every list is bounded (LIST_LIMIT, or the dates of the look-ahead and the
    month shown), so the page costs the same with 10 requests or 10,000."""
    scope = sa.and_(access.visible_clause(actor, now), access.workable_clause(actor))
    counts = {status: 0 for status in Status}
    for status, count in session.exec(select(FoiaRequest.status, sa.func.count()).where(scope)
                                      .group_by(FoiaRequest.status)):
        counts[status] = count

    today = local_date(now)
    shown_month = month_of(month, today)
    month_end = (shown_month + timedelta(days=32)).replace(day=1) + timedelta(days=6)
    # A day of slack either side: each request's own jurisdiction decides what today is.
    low = min(today, shown_month - timedelta(days=7)) - timedelta(days=1)
    high = max(today + timedelta(days=LOOK_AHEAD_DAYS + 1), month_end)
    in_window = sa.or_(*(getattr(FoiaRequest, name).between(low, high) for name in DATE_FIELDS))
    paused = [status for status in Status if status.is_paused]

    overdue_count, overdue = _overdue(session, scope, now, today)
    board = Dashboard(counts, [], [], _views(session, now, scope, FoiaRequest.status.in_(paused),
                                             limit=LIST_LIMIT),
                      unread_replies(session, actor), _failed_emails(session, actor),
                      _views(session, now, scope, FoiaRequest.status == Status.draft, limit=LIST_LIMIT),
                      _month_calendar(shown_month, []), today, overdue_count=overdue_count,
                      waiting_count=sum(counts[status] for status in paused))
    for view in overdue:
        current = next((due for due in _due_dates(view) if due.on == view.due and due.kind in ("response_due",
                                                                                             "appeal_decision_due")), None)
        board.overdue.append((view, current))
    calendar_dates: list[DueDate] = []
    dated = sa.and_(FoiaRequest.status.not_in([Status.draft, Status.withdrawn]), in_window)
    for view in _views(session, now, scope, dated):
        dates = _due_dates(view)
        calendar_dates += [due for due in dates if (due.on.year, due.on.month) == (shown_month.year, shown_month.month)]
        board.coming_up += [due for due in dates if 0 <= due.days_left <= LOOK_AHEAD_DAYS]
    board.coming_up.sort(key=lambda due: (due.on, due.view.request.title))
    board.calendar = _month_calendar(shown_month, calendar_dates)
    return board
