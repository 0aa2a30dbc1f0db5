"""Received messages after the chain: those the actor may see (on a request or in the holding pen),
assigning them to a request, a suggested status confirmed or dismissed, marking one private.

Every function flushes; the caller (the view) commits."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency, Jurisdiction
from foia.documents.models import Document
from foia.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from foia.mail.models import Message, MessageKind
from foia.mail.reply_status import note_suggestion
from foia.ports import local_date
from foia.requests.access import can_work_on_content, get_workable_request, message_visible_clause
from foia.requests.models import FoiaRequest, Status
from foia.requests.timeline import add_event
from foia.search.changes import record_change


def request_messages(session: Session, actor: User | None, now: datetime, request_id: int) -> list[Message]:
    """A request's messages the actor may see, newest first."""
    return list(session.exec(select(Message).where(Message.request_id == request_id, message_visible_clause(actor, now))
                             .order_by(Message.received_at.desc(), Message.id.desc())).all())


def get_visible_message(session: Session, actor: User | None, message_id: int, now: datetime) -> Message:
    """The message if the actor may see it; NotFound otherwise."""
    message = session.exec(select(Message).where(Message.id == message_id,
                                                  message_visible_clause(actor, now))).first()
    if message is None:
        raise NotFound("message")
    return message


def assign_messages(session: Session, actor: User, now: datetime, message_ids: list[int], request_id: int) -> list[Message]:
    """Put holding-pen (or misfiled) messages and their files on a request the actor works on."""
    if not message_ids:
        raise ValidationError("Choose at least one message.", {"message_ids": "Choose at least one message."})
    request = get_workable_request(session, actor, request_id, now)
    messages = []
    for message_id in dict.fromkeys(message_ids):
        message = get_visible_message(session, actor, message_id, now)
        if message.request_id is not None and message.request_id != request.id:
            get_workable_request(session, actor, message.request_id, now)
        if message.request_id == request.id:
            continue
        message.request_id = request.id
        message.match_reason = f"assigned by {actor.public_name}"
        message.updated_at = now
        record_change(session, "message", message.id, now)
        documents = session.exec(select(Document).where(Document.message_id == message.id)).all()
        for document in documents:
            document.request_id = request.id
            document.updated_at = now
            record_change(session, "document", document.id, now)
        if message.kind == MessageKind.reply:
            note_suggestion(message, request)
        what = {MessageKind.bounce: "Bounce", MessageKind.auto_reply: "Automatic reply"}.get(message.kind, "Message")
        add_event(session, request, actor, "message",
                  f"{what} from {message.from_name or message.from_address or 'unknown sender'} assigned: "
                  f"{message.subject or '(no subject)'}", now, detail={"message_id": message.id})
        messages.append(message)
    session.flush()
    return messages


def _event_date(session: Session, message: Message, request: FoiaRequest, now: datetime) -> date:
    """The day the reply's status change happened, in the calendar of the request's law (the day it was sent,
    unless that is in the future or before the request was filed: then today)."""
    agency = session.get(Agency, request.agency_id)
    timezone = session.get(Jurisdiction, agency.jurisdiction_id).timezone
    today = local_date(now, timezone)
    when = local_date(message.sent_at or message.received_at, timezone)
    if when > today or (request.submitted_on and when < request.submitted_on):
        return today
    return when


def apply_suggested_status(session: Session, actor: User, now: datetime, message_id: int,
                           follow_up_days: int = 10) -> FoiaRequest:
    """The user confirmed the status a reply suggested: change the request's status through its service."""
    from foia.requests import lifecycle

    message = get_visible_message(session, actor, message_id, now)
    if message.request_id is None or not message.suggested_status:
        raise InvalidTransition("This message suggests no status change.")
    request = session.get(FoiaRequest, message.request_id)
    status = Status(message.suggested_status)
    try:
        request = lifecycle.change_status(session, actor, request.id, status, _event_date(session, message, request, now), now,
                                         note=f"Suggested by the reply “{message.subject}”",
                                         follow_up_days=follow_up_days)
    except NotFound:
        raise NotAllowed("Only the requester and their team can change this request.") from None
    message.suggested_status = None
    message.suggested_status_reason = ""
    session.flush()
    return request


def dismiss_suggested_status(session: Session, actor: User, now: datetime, message_id: int) -> Message:
    """Forget a suggested status the user does not agree with."""
    message = get_visible_message(session, actor, message_id, now)
    if message.request_id is not None:
        get_workable_request(session, actor, message.request_id, now)
    message.suggested_status = None
    message.suggested_status_reason = ""
    session.flush()
    return message


def set_message_private(session: Session, actor: User | None, now: datetime, message_id: int, private: bool) -> Message:
    """Mark a message (and the files that came with it) private to those who work on its request, or shared again."""
    message = get_visible_message(session, actor, message_id, now)
    if message.request_id is None or not can_work_on_content(session, actor, message.request_id, None):
        raise NotAllowed("Only the requester and their team can change who sees this message.")
    message.is_private = private
    message.updated_at = now
    record_change(session, "message", message.id, now)
    for document in session.exec(select(Document).where(Document.message_id == message.id)).all():
        document.is_private = private
        document.updated_at = now
        record_change(session, "document", document.id, now)
    return message
