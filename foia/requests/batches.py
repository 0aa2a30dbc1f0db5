"""Acting on a whole batch (one request to several agencies): send every letter, mark every one submitted.

Each member goes through the same service as on its own page (foia.mail.outbound.send_letter,
lifecycle.mark_submitted), in a savepoint of its own: a member that cannot be sent (no email address,
already sent, not the actor's to change) is reported and the others still go. The caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.documents.models import Document
from foia.errors import DomainError, ValidationError
from foia.mail.models import Direction, Message
from foia.requests import access, lifecycle, listing
from foia.requests.models import FoiaRequest, Status, SubmissionMethod


@dataclass
class BatchResult:
    """What a batch action did: the requests it acted on, and each one it left with the reason."""

    done: list[FoiaRequest] = field(default_factory=list)
    left: list[tuple[FoiaRequest, str]] = field(default_factory=list)


def member_counts(session: Session, actor: User | None, request_ids: list[int],
                  now: datetime) -> dict[int, tuple[int, int, int]]:
    """{request id: (messages, of them from the agency, documents)} for the batch page, counting only what the
    actor may see (a private message on a public request is not counted for a visitor)."""
    if not request_ids:
        return {}
    messages, inbound = {}, {}
    for request_id, direction, count in session.exec(
            select(Message.request_id, Message.direction, sa.func.count())
            .where(Message.request_id.in_(request_ids), access.message_visible_clause(actor, now))
            .group_by(Message.request_id, Message.direction)):
        messages[request_id] = messages.get(request_id, 0) + count
        if direction == Direction.inbound:
            inbound[request_id] = count
    documents = dict(session.exec(select(Document.request_id, sa.func.count())
                                  .where(Document.request_id.in_(request_ids), Document.duplicate_of_id.is_(None),
                                         access.document_visible_clause(actor, now))
                                  .group_by(Document.request_id)).all())
    return {request_id: (messages.get(request_id, 0), inbound.get(request_id, 0), documents.get(request_id, 0))
            for request_id in request_ids}


def sendable(session: Session, actor: User, view: listing.RequestView) -> str:
    """Why this member cannot be emailed now ("" when it can)."""
    if view.request.status != Status.draft:
        return f"already {view.request.status.label.lower()}"
    if not access.can_work_on(session, actor, view.request):
        return "not yours to send"
    if not view.agency.foia_email:
        return f"{view.agency.name} has no email address for requests: file it another way and mark it submitted"
    return ""


def mark_all_submitted(session: Session, actor: User, batch_id: int, on: date, method: SubmissionMethod,
                       now: datetime, *, note: str = "", follow_up_days: int = 10) -> BatchResult:
    """Record that every draft of the batch was filed on `on` by `method`; each clock starts that day."""
    result = BatchResult()
    for view in listing.get_batch(session, actor, batch_id, now).members:
        if view.request.status != Status.draft:
            result.left.append((view.request, f"already {view.request.status.label.lower()}"))
            continue
        try:
            with session.begin_nested():
                lifecycle.mark_submitted(session, actor, view.request.id, on, method, now, note=note,
                                        follow_up_days=follow_up_days)
        except DomainError as error:
            if isinstance(error, ValidationError) and error.fields:  # a wrong date is wrong for every member
                raise
            result.left.append((view.request, str(error)))
        else:
            result.done.append(view.request)
    return result
