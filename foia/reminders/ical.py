"""A person's iCal feed of every due date of the requests they work on, behind a secret, revocable URL."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency
from foia.requests.access import workable_clause
from foia.requests.models import FoiaRequest, due_date_label, running_dates

def new_token() -> str:
    """An unguessable feed token."""
    return secrets.token_urlsafe(32)


def regenerate_token(session: Session, user: User) -> str:
    """Give the user a new feed URL; the old one stops working."""
    user.ical_token = new_token()
    session.add(user)
    return user.ical_token


def revoke_token(session: Session, user: User) -> None:
    """Turn the feed off."""
    user.ical_token = None
    session.add(user)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user whose feed this is, or None."""
    if not token or len(token) < 20:
        return None
    user = session.exec(select(User).where(User.ical_token == token)).first()
    return user if user is not None and user.is_active else None


def feed(session: Session, user: User, now: datetime, base_url: str) -> bytes:
    """The .ics bytes: an all-day event for each due date that runs in its request's status (RUNNING_DATES)."""
    calendar = Calendar()
    calendar.add("prodid", "-//foia//due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "FOIA due dates")
    rows = session.exec(select(FoiaRequest, Agency).join(Agency, Agency.id == FoiaRequest.agency_id)
                        .where(workable_clause(user))
                        .order_by(FoiaRequest.id)).all()
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "foia"
    for request, agency in rows:
        explanations = {e.get("kind"): e for e in (request.deadline_explanation or [])}
        for name in running_dates(request):
            day = getattr(request, name)
            if day is None:
                continue
            entry = explanations.get(name, {})
            label = due_date_label(name, follow_up=name == "response_due" and request.response_due_is_follow_up,
                                   last_day=bool(entry.get("last_day")))
            text = request.remind_note if name == "remind_on" else entry.get("text", "")
            event = Event()
            event.add("uid", f"{request.id}-{name}@{host}")
            event.add("dtstamp", now)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"{label}: {request.title} ({agency.name}) [{request.tracking_code}]")
            link = f"{base_url}/requests/{request.id}"
            event.add("description", f"{text or ''}\n\n{link}".strip())
            event.add("url", link)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
