"""Reminders that go out exactly once.

Each run (the scheduler every 15 minutes, or `foia send-reminders`):

1. refresh: from every request's due dates, the reminders each person should get are inserted
   (unique per request, kind, due date and person, so inserting twice does nothing); unsent ones that
   no longer apply (the date moved, the status changed) are cancelled.
2. send: reminders whose notify date has come are claimed with a compare-and-set UPDATE that also
   marks them sent, and their email is queued in the outbox, in the same transaction. A crash before
   the commit leaves the reminder unsent; after the commit the outbox guarantees delivery. Two
   schedulers claiming the same row: the second UPDATE matches nothing.

After downtime, each reminder that is still meaningful goes out once: overdue reminders repeat weekly
but only the current week's is created, so nothing piles up.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import TeamMembership, User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines import rules
from foia.deadlines.calendar import law_today
from foia.deadlines.laws import law_for
from foia.mail import outbound, outbox
from foia.mail.models import Direction, Message, MessageKind
from foia.ports import OutgoingEmail, local_date
from foia.reminders.models import Reminder
from foia.requests.models import FoiaRequest, Status, due_date_label, running_dates

log = logging.getLogger("foia.reminders")

KINDS = ("ack_due", "response_due", "overdue", "estimate_passed", "fee_due", "appeal_closing", "appeal_overdue",
         "court", "remind_on")
KIND_LABELS = {
    "ack_due": "Acknowledgement due",
    "response_due": "Response due soon",
    "overdue": "Response overdue",
    "estimate_passed": "Agency's estimate passed",
    "fee_due": "Fee response due",
    "appeal_closing": "Appeal window closing",
    "appeal_overdue": "Appeal decision overdue",
    "court": "Lawsuit date",
    "remind_on": "Your reminder",
}
KIND_HINTS = {
    "ack_due": "when the agency should have acknowledged the request",
    "response_due": "a few business days before the response (or the records) are due",
    "overdue": "the day after the response or the records were due, then weekly",
    "estimate_passed": "the day after the agency's own estimated completion date",
    "fee_due": "before your answer to a fee estimate is expected",
    "appeal_closing": "before the last day to appeal",
    "appeal_overdue": "the day after an appeal should have been decided",
    "court": "before the last day the law leaves you to go to court",
    "remind_on": "on the day you chose on a request (always sent)",
}
#: Reminders a person asked for on the request itself go out whatever their settings.
ALWAYS_SENT = ("remind_on",)
#: The kinds a person can switch on or off in their reminder settings.
CHOOSABLE = tuple(k for k in KINDS if k not in ALWAYS_SENT)
#: Which explanation entry of the request explains each kind's date.
EXPLAINED_BY = {"ack_due": "ack_due", "response_due": "response_due", "overdue": "response_due",
                "estimate_passed": "estimated_completion", "appeal_closing": "appeal_due",
                "appeal_overdue": "appeal_decision_due", "fee_due": "paused", "court": "sue_due",
                "remind_on": "remind_on"}
#: Days the requester is given to answer a fee estimate; agencies commonly close requests after about 30.
FEE_RESPONSE_DAYS = 30
#: An automatic follow-up goes to the agency at most this often.
FOLLOW_UP_INTERVAL = timedelta(days=30)
@dataclass(frozen=True)
class Due:
    """A reminder one request calls for: kind, the date it is about, the first day it may go out."""

    kind: str
    due_date: date
    notify_on: date


@dataclass
class RunResult:
    """What a run did (or, dry, would do)."""

    created: int = 0
    sent: int = 0
    skipped: int = 0
    cancelled: int = 0
    follow_ups_sent: int = 0
    follow_ups_drafted: int = 0
    as_of: date | None = None
    dry_run: bool = False
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "sent": self.sent, "skipped": self.skipped,
                "cancelled": self.cancelled, "follow_ups_sent": self.follow_ups_sent,
                "follow_ups_drafted": self.follow_ups_drafted,
                "as_of": self.as_of.isoformat() if self.as_of else None, "dry_run": self.dry_run}


def wanted_kinds(user: User) -> set[str]:
    """The reminder kinds a user gets: those they chose, and the ones they set on a request."""
    return {k.strip() for k in (user.reminder_kinds or "").split(",") if k.strip() in KINDS} | set(ALWAYS_SENT)


def _entry(request: FoiaRequest, kind: str) -> dict:
    return next((e for e in (request.deadline_explanation or []) if e.get("kind") == kind), {})


def reminders_due(request: FoiaRequest, calendar, today: date, days_ahead: int) -> list[Due]:
    """Every reminder the request calls for as of `today` (its jurisdiction's date), for someone reminded
    `days_ahead` business days early. Which dates count is RUNNING_DATES, the table beside Status."""
    ahead = max(int(days_ahead or 0), 0)

    def early(day: date) -> date:
        return calendar.subtract_business_days(day, ahead)

    running = {name: getattr(request, name) for name in running_dates(request) if getattr(request, name)}
    found = []
    if "ack_due" in running:
        found.append(Due("ack_due", running["ack_due"], early(running["ack_due"])))
    for name in ("response_due", "produce_due"):
        if name not in running:
            continue
        day = running[name]
        if today <= day:
            found.append(Due("response_due", day, early(day)))
        else:
            first = day + timedelta(days=1)
            occurrence = first + timedelta(days=7 * ((today - first).days // 7))
            found.append(Due("overdue", occurrence, occurrence))
    if "estimated_completion" in running and today > running["estimated_completion"]:
        day = running["estimated_completion"]
        found.append(Due("estimate_passed", day, day + timedelta(days=1)))
    if request.status == Status.payment_required and request.paused_on:
        due = request.paused_on + timedelta(days=FEE_RESPONSE_DAYS)
        found.append(Due("fee_due", due, early(due)))
    if "appeal_due" in running and today <= running["appeal_due"]:
        found.append(Due("appeal_closing", running["appeal_due"], early(running["appeal_due"])))
    if "appeal_decision_due" in running and today > running["appeal_decision_due"]:
        day = running["appeal_decision_due"]
        found.append(Due("appeal_overdue", day, day + timedelta(days=1)))
    # The last day to go to court gets its own reminder; the day a suit becomes possible (a deemed denial) is told
    # in the overdue reminder that goes out the same day.
    if "sue_due" in running and _entry(request, "sue_due").get("last_day") and today <= running["sue_due"]:
        found.append(Due("court", running["sue_due"], early(running["sue_due"])))
    if "remind_on" in running:
        found.append(Due("remind_on", running["remind_on"], running["remind_on"]))
    return found


def recipients(session: Session, request: FoiaRequest) -> list[User]:
    """Who is reminded about a request: its owner and the members of the team it is shared with."""
    ids = {request.owner_id}
    if request.team_id is not None:
        ids |= set(session.exec(select(TeamMembership.user_id)
                                .where(TeamMembership.team_id == request.team_id)).all())
    users = session.exec(select(User).where(User.id.in_(ids), User.is_active == sa.true())).all()
    return sorted(users, key=lambda u: u.id)


def _insert_ignoring_duplicates(session: Session, values: dict) -> int:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database {dialect}")
    statement = insert(Reminder.__table__).values(**values).on_conflict_do_nothing(
        index_elements=["request_id", "kind", "due_date", "user_id"]).returning(Reminder.__table__.c.id)
    return len(session.execute(statement).all())


def _today(as_of: date | None, jurisdiction: Jurisdiction, now: datetime) -> date:
    return as_of or law_today(jurisdiction, now)


def _may_need_reminders(request: FoiaRequest) -> bool:
    return request.status == Status.payment_required or any(getattr(request, name) for name in running_dates(request))


def refresh(session: Session, as_of: date | None, result: RunResult, now: datetime) -> None:
    """Create the reminders the requests call for and cancel the unsent ones that no longer apply."""
    rows = session.exec(select(FoiaRequest, Agency, Jurisdiction)
                        .join(Agency, Agency.id == FoiaRequest.agency_id)
                        .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .where(sa.or_(FoiaRequest.status.not_in([Status.draft, Status.withdrawn]),
                                      FoiaRequest.remind_on.is_not(None)))).all()
    wanted: dict[tuple[int, int], set[tuple[str, date]]] = {}
    for request, agency, jurisdiction in rows:
        if not _may_need_reminders(request):
            continue
        calendar = rules.agency_calendar(law_for(jurisdiction), agency)
        today = _today(as_of, jurisdiction, now)
        for user in recipients(session, request):
            kinds = wanted_kinds(user)
            dues = [d for d in reminders_due(request, calendar, today, user.remind_days_ahead) if d.kind in kinds]
            wanted[(request.id, user.id)] = {(d.kind, d.due_date) for d in dues}
            for due in dues:
                result.created += _insert_ignoring_duplicates(session, {
                    "request_id": request.id, "user_id": user.id, "kind": due.kind, "due_date": due.due_date,
                    "notify_on": due.notify_on})
                # A reminder cancelled when its date moved away comes back if the date moves back.
                session.execute(sa.update(Reminder.__table__).where(
                    Reminder.__table__.c.request_id == request.id, Reminder.__table__.c.user_id == user.id,
                    Reminder.__table__.c.kind == due.kind, Reminder.__table__.c.due_date == due.due_date,
                    Reminder.__table__.c.sent_at.is_(None), Reminder.__table__.c.cancelled_at.is_not(None),
                ).values(cancelled_at=None, notify_on=due.notify_on))
    unsent = session.exec(select(Reminder).where(Reminder.sent_at.is_(None), Reminder.cancelled_at.is_(None))).all()
    for reminder in unsent:
        if (reminder.kind, reminder.due_date) not in wanted.get((reminder.request_id, reminder.user_id), set()):
            reminder.cancelled_at = now
            session.add(reminder)
            result.cancelled += 1
    session.flush()


def _request_link(config: dict, request: FoiaRequest) -> str:
    return f"{config['BASE_URL']}/requests/{request.id}"


def _explanation(request: FoiaRequest, kind: str) -> dict:
    wanted = EXPLAINED_BY[kind]
    entry = next((e for e in (request.deadline_explanation or []) if e.get("kind") == wanted), None)
    if kind == "remind_on":
        return {"text": request.remind_note or "You asked to be reminded of this request today."}
    if kind == "overdue":
        sue = _entry(request, "sue_due")
        if entry and sue and not sue.get("last_day") and "sue_due" in running_dates(request):
            return dict(entry, text=f"{entry['text']} {sue['text']}")
    if kind == "fee_due":
        return {"text": f"The clock stopped while the agency waits for your answer to its fee estimate. "
                        f"Agencies commonly close a request after about {FEE_RESPONSE_DAYS} days without an answer."
                        + (f" {entry['text']}" if entry else "")}
    return entry or {"text": ""}


@dataclass
class _Item:
    reminder: Reminder
    request: FoiaRequest
    agency: Agency
    label: str
    explanation: dict
    link: str
    follow_up_note: str = ""

    @property
    def kind(self) -> str:
        return self.reminder.kind


def _item(session: Session, config: dict, reminder: Reminder) -> _Item:
    request = session.get(FoiaRequest, reminder.request_id)
    agency = session.get(Agency, request.agency_id)
    label = KIND_LABELS[reminder.kind]
    if reminder.kind in ("response_due", "overdue") and request.response_due_is_follow_up:
        label = {"response_due": "Follow-up date coming", "overdue": "Time to follow up"}[reminder.kind]
    if reminder.kind == "court":
        label = due_date_label("sue_due", last_day=bool(_entry(request, "sue_due").get("last_day")))
    return _Item(reminder, request, agency, label, _explanation(request, reminder.kind),
                 _request_link(config, request))


def _claim(session: Session, reminder_id: int, now: datetime, worker: str) -> bool:
    table = Reminder.__table__
    result = session.execute(sa.update(table).where(
        table.c.id == reminder_id, table.c.sent_at.is_(None), table.c.cancelled_at.is_(None),
    ).values(claimed_at=now, claimed_by=worker, sent_at=now))
    return result.rowcount == 1


def _agency_follow_up(session: Session, config: dict, item: _Item, today: date, now: datetime,
                      result: RunResult) -> None:
    """Overdue: send the agency a follow-up (auto_follow_up) or leave a draft waiting for approval."""
    request = item.request
    if request.status not in (Status.submitted, Status.acknowledged) or request.paused_on:
        return
    recent = session.exec(select(Message.id).where(
        Message.request_id == request.id, Message.direction == Direction.outbound,
        Message.kind == MessageKind.follow_up, Message.created_at > now - FOLLOW_UP_INTERVAL)).first()
    if recent is not None:
        return
    if outbound.waiting_draft(session, request, "follow_up") is not None:
        item.follow_up_note = "A follow-up letter to the agency is drafted and waits for your approval."
        return
    draft = outbound.draft_letter(session, request, "follow_up", today)
    if request.auto_follow_up and draft.to:
        outbound.send_letter(session, None, request, now, mail_from=config["MAIL_FROM"], kind="follow_up",
                             body=draft.body, subject=draft.subject, to=draft.to)
        item.follow_up_note = f"A follow-up letter was sent to {draft.to} automatically."
        result.follow_ups_sent += 1
    else:
        outbound.save_waiting_draft(session, request, draft, now, "the response is overdue.")
        item.follow_up_note = "A follow-up letter to the agency is drafted and waits for your approval."
        result.follow_ups_drafted += 1


def _mail(session: Session, config: dict, user: User, items: list[_Item], today: date, now: datetime) -> None:
    context = {"user": user, "items": items, "today": today, "base_url": config["BASE_URL"],
               "settings_link": f"{config['BASE_URL']}/account/reminders"}
    if len(items) == 1 and not user.reminder_digest:
        item = items[0]
        name = f"reminder_{item.kind}"
        context.update(item=item, foia_request=item.request, agency=item.agency)
        purpose = "reminder"
    else:
        name, purpose = "reminder_digest", "digest"
    subject, body, html = outbound.render_email(name, **context)
    sender = parseaddr(config["MAIL_FROM"])[1] or config["MAIL_FROM"]
    outbox.enqueue(session, OutgoingEmail(to=[user.email], subject=subject, body=body, html=html),
                   sender=sender, purpose=purpose, now=now, sender_name="FOIA reminders")


def _latest_today(session: Session, now: datetime) -> date:
    """The latest "today" of any jurisdiction (the zone furthest east), from the jurisdictions table
    (loaded from the law files by `foia db upgrade`; reading the files would check every one of them)."""
    zones = session.exec(select(Jurisdiction.timezone).distinct()).all()
    return max((local_date(now, zone) for zone in zones), default=local_date(now))


def send_due(session: Session, config: dict, as_of: date | None, now: datetime, result: RunResult, *,
             dry_run: bool = False) -> None:
    """Claim every reminder whose day has come where its request's law counts days, and queue its email
    (digest users get one mail)."""
    rows = session.exec(select(Reminder, Jurisdiction)
                        .join(FoiaRequest, FoiaRequest.id == Reminder.request_id)
                        .join(Agency, Agency.id == FoiaRequest.agency_id)
                        .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
                        .where(Reminder.sent_at.is_(None), Reminder.cancelled_at.is_(None),
                               Reminder.notify_on <= (as_of or _latest_today(session, now)))
                        .order_by(Reminder.user_id, Reminder.id)).all()
    todays = {reminder.id: _today(as_of, jurisdiction, now) for reminder, jurisdiction in rows}
    due = [reminder for reminder, _ in rows if reminder.notify_on <= todays[reminder.id]]
    if dry_run:
        result.sent += len(due)
        return
    by_user: dict[int, list[Reminder]] = {}
    for reminder in due:
        by_user.setdefault(reminder.user_id, []).append(reminder)
    session.commit()
    worker = outbox.worker_name()
    for user_id, reminders in by_user.items():
        user = session.get(User, user_id)
        groups = [reminders] if user.reminder_digest else [[r] for r in reminders]
        for group in groups:
            items = []
            for reminder in group:
                if not _claim(session, reminder.id, now, worker):
                    result.skipped += 1
                    continue
                item = _item(session, config, reminder)
                if reminder.kind == "overdue" and user.id == item.request.owner_id:
                    _agency_follow_up(session, config, item, todays[reminder.id], now, result)
                items.append(item)
            if items:
                _mail(session, config, user, items, max(todays[i.reminder.id] for i in items), now)
                result.sent += len(items)
            session.commit()


def send_reminders(runtime, *, as_of: date | None = None, dry_run: bool = False) -> RunResult:
    """Create, refresh and send reminders as of a day (default today); dry: count without changing anything."""
    now = runtime.clock.now()
    result = RunResult(as_of=as_of or law_today(None, now), dry_run=dry_run)
    with runtime.session(immediate=True) as session:
        refresh(session, as_of, result, now)
        if dry_run:
            send_due(session, runtime.config, as_of, now, result, dry_run=True)
            session.rollback()
            return result
        session.commit()
        send_due(session, runtime.config, as_of, now, result)
    return result


def run_scheduled(runtime) -> RunResult:
    """The scheduler's job: queue what is due now, then hand the outbox to the mail server."""
    result = send_reminders(runtime)
    if result.sent:
        outbox.dispatch_due(runtime)
    if result.sent or result.created:
        log.info("reminders: %s", result.as_dict())
    return result


def update_preferences(session: Session, user: User, *, kinds: list[str], days_ahead: int | None,
                       digest: bool) -> User:
    """Save which reminders a user wants, how early, and whether as one daily digest."""
    from foia.errors import ValidationError

    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValidationError(f"Unknown reminder kind {unknown[0]!r}.", {"kinds": "Choose from the list."})
    if days_ahead is None or not 0 <= int(days_ahead) <= 30:
        raise ValidationError("Choose between 0 and 30 business days.",
                              {"remind_days_ahead": "Choose between 0 and 30 business days."})
    user.reminder_kinds = ",".join(k for k in KINDS if k in kinds)
    user.remind_days_ahead = int(days_ahead)
    user.reminder_digest = bool(digest)
    session.add(user)
    return user


def upcoming(session: Session, user: User, limit: int = 20) -> list[Reminder]:
    """The user's reminders not yet sent, soonest first (shown on the settings page)."""
    return list(session.exec(select(Reminder).where(Reminder.user_id == user.id, Reminder.sent_at.is_(None),
                                                    Reminder.cancelled_at.is_(None))
                             .order_by(Reminder.notify_on, Reminder.id).limit(limit)).all())
