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

All but the new replies and the emails is the actor's workload: worked out from every request they work on (8,500
for a reporter of a busy newsroom), it is kept between views (KeptWorkloads) and worked out again only when a write
to the requests, teams, agencies or jurisdictions, or a new day, could change it.
"""
from __future__ import annotations

import calendar
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency, Jurisdiction
from foia.mail.models import DeliveryState, Direction, Message, MessageKind, OutboxMessage
from foia.mail.reading import NEWEST_UNREAD_FIRST, NewReply, ReplyRequest, unread_replies
from foia.ports import local_date
from foia.requests import access, listing
from foia.requests.models import DUE_DATE_LABELS, FoiaRequest, Status, running_dates
from foia.deadlines.calendar import law_today
from foia.requests.listing import RequestView
from foia.requests.workload_version import workload_version, wrote

#: How far ahead the dashboard looks for due dates.
LOOK_AHEAD_DAYS = 14
#: The most requests a list shows (the most overdue, the oldest drafts, the next dates, ...); "N more" links to the rest.
LIST_LIMIT = 20
#: The most due dates a day of the month calendar names; "N more" says how many it does not.
DAY_LIMIT = 3
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
class Workload:
    """What the dashboard works out from the requests the actor works on: kept between views (KeptWorkloads)."""

    counts: dict[Status, int]
    overdue: list[tuple[RequestView, DueDate | None]]
    coming_up: list[DueDate]
    waiting_on_you: list[RequestView]
    drafts: list[RequestView]
    calendar: MonthCalendar
    today: date
    #: How many there are in all; the lists above show at most LIST_LIMIT of them.
    overdue_count: int = 0
    waiting_count: int = 0
    coming_up_count: int = 0
    #: Days of the calendar with more than DAY_LIMIT dates: how many more.
    more_on_day: dict[date, int] = field(default_factory=dict)
    #: The "today" of each time zone it was worked out with (None: the federal law's), besides the instance's.
    law_days: dict[str | None, date] = field(default_factory=dict)
    #: Its parts of the page as drawn (foia.requests.web), by the path the app is served under: drawn once.
    drawn: dict[str, dict] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def drafts_count(self) -> int:
        return self.counts[Status.draft]


@dataclass
class Dashboard:
    """The actor's workload (kept between views) with what is read on every view: unread replies and emails that
    did not go out."""

    workload: Workload
    new_replies: list[tuple[NewReply, ReplyRequest]]
    failed_emails: list[tuple[Message, FoiaRequest, OutboxMessage | None]]


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
                           .order_by(*NEWEST_UNREAD_FIRST).limit(50)).all()
    return [tuple(row) for row in refused] + [(message, request, None) for message, request in bounced]


def _views(session: Session, now: datetime, request_ids: set[int]) -> dict[int, RequestView]:
    """The lines of the requests of these ids, by id."""
    return {view.request.id: view for view in listing.request_lines(session, now, FoiaRequest.id.in_(request_ids))
            } if request_ids else {}


@dataclass
class _Scan:
    """What one pass over the actor's requests finds: counts, and the ids of the requests the lists start with."""

    counts: dict[Status, int]
    #: Requests whose agency date is two days back or more (overdue in every jurisdiction).
    overdue: int
    most_overdue: list[int]
    oldest_waiting: list[int]
    oldest_drafts: list[int]


def _scan(session: Session, scope, today: date) -> _Scan:
    """How many requests there are in each status and how many are overdue whatever their jurisdiction, with the
    ids of the LIST_LIMIT most overdue (oldest missed date first), the LIST_LIMIT oldest waiting on the requester
    and the LIST_LIMIT oldest drafts: one pass over the actor's requests (a common table every part reads;
    SQLite and PostgreSQL compute it once), where a query a list would read each request again.

    Overdue means the agency's date is before the request's own jurisdiction's today, which is the instance's
    today or a day either side: a date two days back or more is overdue everywhere; the few dated yesterday or
    today are checked one by one with the dates ahead (_dates_ahead)."""
    mine = (select(FoiaRequest.id, FoiaRequest.status, FoiaRequest.created_at,
                   listing.current_due_clause().label("due")).where(scope).cte("mine"))
    late = mine.c.due < today - timedelta(days=1)

    def first(list_name: str, condition, order):
        """A list's first LIST_LIMIT ids, with the column they are ordered by (a union keeps no order)."""
        ranked = (select(mine.c.id, order.label("place")).where(condition).order_by(order, mine.c.id)
                  .limit(LIST_LIMIT).subquery())
        place = [sa.literal(None, column.type) for column in (mine.c.due, mine.c.created_at)]
        place[order is mine.c.created_at] = ranked.c.place
        return select(sa.literal(None, FoiaRequest.status.type), ranked.c.id, sa.literal(None, sa.Integer()), *place,
                      sa.literal(list_name, sa.String()))

    rows = session.exec(sa.union_all(
        select(mine.c.status, sa.func.count(), sa.func.sum(sa.case((late, 1), else_=0)), sa.literal(None, sa.Date()),
               sa.literal(None, mine.c.created_at.type), sa.literal(None, sa.String())).group_by(mine.c.status),
        first("overdue", late, mine.c.due),
        first("waiting", mine.c.status.in_([status for status in Status if status.is_paused]), mine.c.created_at),
        first("drafts", mine.c.status == Status.draft, mine.c.created_at))).all()
    counts, overdue, lists = {status: 0 for status in Status}, 0, {"overdue": [], "waiting": [], "drafts": []}
    for status, count_or_id, late_count, due, created_at, list_name in rows:
        if list_name is None:
            counts[status] = count_or_id
            overdue += late_count or 0
        else:
            lists[list_name].append((due or created_at, count_or_id))
    first_ids = {name: [request_id for _, request_id in sorted(places)] for name, places in lists.items()}
    return _Scan(counts, overdue, first_ids["overdue"], first_ids["waiting"], first_ids["drafts"])


def _dates_ahead(session: Session, scope, dated, now: datetime, month: date, today: date):
    """The running dates of the next LOOK_AHEAD_DAYS days (soonest first) and of the month shown (by day), as
    (request id, kind, date), the ids of the requests dated yesterday or today (the instance's `today`) that
    are overdue by their own jurisdiction's today, and that today by time zone: read as bare columns, so a busy
    month costs no more than its dates."""
    columns = [getattr(FoiaRequest, name) for name in DATE_FIELDS]
    rows = session.exec(select(FoiaRequest.id, FoiaRequest.status, FoiaRequest.appealed_on, FoiaRequest.title,
                               Jurisdiction.timezone, listing.current_due_clause().label("due"), *columns)
                        .join(Agency, Agency.id == FoiaRequest.agency_id)
                        .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id).where(scope, dated)).all()
    # Each jurisdiction's today, and the last day it looks ahead to, by time zone.
    days: dict[str | None, tuple[date, date]] = {}
    month_end = (month + timedelta(days=32)).replace(day=1)
    yesterday = today - timedelta(days=1)
    ahead, in_month, late = [], {}, []
    for row in rows:
        zone = row.timezone
        if zone not in days:
            law_day = law_today(row, now)
            days[zone] = law_day, law_day + timedelta(days=LOOK_AHEAD_DAYS)
        law_day, last_day = days[zone]
        due = row.due
        if due is not None and yesterday <= due <= today and due < law_day:
            late.append((due, row.id))
        for name in running_dates(row):
            on = getattr(row, name)
            if on is None:
                continue
            if law_day <= on <= last_day:
                ahead.append((on, row.title, row.id, name))
            if month <= on < month_end:
                in_month.setdefault(on, []).append((row.title, row.id, name))
    ahead.sort()
    by_day = {on: [(request_id, name, on) for _, request_id, name in sorted(day)] for on, day in in_month.items()}
    law_days = {zone: law_day for zone, (law_day, _) in days.items()}
    return ([(request_id, name, on) for on, _, request_id, name in ahead], by_day,
            [request_id for _, request_id in sorted(late)], law_days)


def build(session: Session, actor: User, now: datetime, month: str | None = None,
          kept: KeptWorkloads | None = None) -> Dashboard:
    """The actor's dashboard as of `now`, with the calendar on `month` ("YYYY-MM", default this month); its
    workload is taken from `kept` while still right.

    Every count is taken in SQL and every list is bounded (LIST_LIMIT, or the dates of the look-ahead and the
    month shown), so the page costs the same with 10 requests or 10,000."""
    today = local_date(now)
    shown_month = month_of(month, today)
    if kept is None:
        workload = _workload(session, actor, now, shown_month, today)
    else:
        workload = kept.workload(session, actor, now, shown_month, today)
    return Dashboard(workload, unread_replies(session, actor, limit=LIST_LIMIT), _failed_emails(session, actor))


class _Zone(NamedTuple):
    """A time zone where a law counts days, as deadlines.calendar.law_today reads it (None: the federal law's)."""

    timezone: str | None


class KeptWorkloads:
    """The workloads worked out last in this process, one per actor and month shown, at most `size` of them (the
    least recently used dropped first). One is reused only while everything it was worked out from is the same:
    the workload version (the database raises it on every write to the requests, team membership, agencies and
    jurisdictions: requests.workload_version), whether the actor is an admin, the instance's today and the today
    of each time zone it read (overdue and "in 3 days" change at each jurisdiction's midnight). So a status
    change, a new request or a member leaving a team shows on the very next view, whoever wrote it.

    One is about 0.5 MB for a reporter of the bench's newsroom (8,500 requests, 80 of them shown)."""

    def __init__(self, size: int = 32):
        self.size = size
        self._kept: OrderedDict[tuple[int, date], tuple[tuple, Workload]] = OrderedDict()
        self._lock = threading.Lock()

    def workload(self, session: Session, actor: User, now: datetime, shown_month: date, today: date) -> Workload:
        """The actor's workload with the month shown: the kept one while still right, else worked out and kept."""
        version = workload_version(session)
        if version is None:  # the version row is missing: nothing to trust
            return _workload(session, actor, now, shown_month, today)
        key, made_from = (actor.id, shown_month), (version, actor.is_admin, today)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
        if found is not None and found[0] == made_from and all(
                law_today(_Zone(zone), now) == day for zone, day in found[1].law_days.items()):
            return found[1]
        workload = _workload(session, actor, now, shown_month, today)
        if wrote(session):  # it may have read writes that will never be committed
            return workload
        with self._lock:
            self._kept[key] = made_from, workload
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return workload


def _workload(session: Session, actor: User, now: datetime, shown_month: date, today: date) -> Workload:
    """Everything the dashboard shows but new replies and emails that did not go out."""
    # What the actor works on (always visible to them too): their own and their teams' requests, all for admins.
    scope = access.workable_clause(actor)
    scan = _scan(session, scope, today)

    month_end = (shown_month + timedelta(days=32)).replace(day=1) + timedelta(days=6)
    # A day of slack either side: each request's own jurisdiction decides what today is.
    low = min(today, shown_month - timedelta(days=7)) - timedelta(days=1)
    high = max(today + timedelta(days=LOOK_AHEAD_DAYS + 1), month_end)
    in_window = sa.or_(*(getattr(FoiaRequest, name).between(low, high) for name in DATE_FIELDS))
    paused = [status for status in Status if status.is_paused]

    dated = sa.and_(FoiaRequest.status.not_in([Status.draft, Status.withdrawn]), in_window)
    coming_up, in_month, late_today, law_days = _dates_ahead(session, scope, dated, now, shown_month, today)
    # Only the requests shown are read whole, in one statement: the most overdue, the first LIST_LIMIT dates
    # ahead, DAY_LIMIT a day of the month, the oldest waiting on the requester and the oldest drafts.
    overdue_ids = (scan.most_overdue + late_today)[:LIST_LIMIT]
    dated_ids = set(overdue_ids) | {request_id for request_id, _, _ in coming_up[:LIST_LIMIT]} | {
        request_id for day in in_month.values() for request_id, _, _ in day[:DAY_LIMIT]}
    shown = dated_ids | set(scan.oldest_waiting) | set(scan.oldest_drafts)
    views = _views(session, now, shown)
    law_days.update((view.jurisdiction.timezone, view.today) for view in views.values())
    dates = {request_id: _due_dates(views[request_id]) for request_id in dated_ids}
    by_kind = {request_id: {due.kind: due for due in found} for request_id, found in dates.items()}

    workload = Workload(scan.counts, [], [], [views[request_id] for request_id in scan.oldest_waiting],
                        [views[request_id] for request_id in scan.oldest_drafts], _month_calendar(shown_month, []),
                        today, overdue_count=scan.overdue + len(late_today),
                        waiting_count=sum(scan.counts[status] for status in paused), coming_up_count=len(coming_up),
                        law_days=law_days)
    for request_id in overdue_ids:
        view = views[request_id]
        current = next((due for due in dates[request_id] if due.on == view.due and due.kind in ("response_due",
                                                                                               "appeal_decision_due")), None)
        workload.overdue.append((view, current))
    workload.coming_up = [by_kind[request_id][kind] for request_id, kind, _ in coming_up[:LIST_LIMIT]]
    calendar_dates = [by_kind[request_id][kind] for day in in_month.values() for request_id, kind, _ in day[:DAY_LIMIT]]
    workload.more_on_day = {on: len(day) - DAY_LIMIT for on, day in in_month.items() if len(day) > DAY_LIMIT}
    workload.calendar = _month_calendar(shown_month, calendar_dates)
    return workload
