"""Appending to a request's timeline; every domain records what it did to a request here."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from foia.accounts.models import User
from foia.requests.models import FoiaRequest, RequestEvent, Status


def add_event(session: Session, request: FoiaRequest, actor: User | None, kind: str, summary: str, now: datetime,
              *, from_status: Status | None = None, to_status: Status | None = None,
              detail: dict | None = None) -> RequestEvent:
    """Record one thing that happened to a request (actor None: the system)."""
    event = RequestEvent(request_id=request.id, actor_id=actor.id if actor else None, at=now, kind=kind,
                         summary=summary, from_status=from_status, to_status=to_status, detail=detail or {})
    session.add(event)
    request.updated_at = now
    return event
