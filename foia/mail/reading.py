"""New replies: an agency's reply is new until someone who works on its request opens it.

The mark is shared by the request's team, like a shared mailbox: one colleague reading a reply
takes it off everyone's list of new replies.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.mail.models import Direction, Message, MessageKind
from foia.requests.access import workable_clause
from foia.requests.models import FoiaRequest

#: The inbound kind that is the agency speaking (auto-replies and bounces are not news).
NEWS_KIND = MessageKind.reply

#: Newest first, in the order of the index ix_message_unread (kind, read_at, received_at, id) read backwards.
#: kind and read_at are the same for every row listed (one kind, unread: never list two kinds at once), so
#: they change nothing in the order; without them PostgreSQL does not see that the index gives this order
#: (`read_at IS NULL` is not an equality to it) and reads and sorts every unread message: 27 ms instead of
#: 1 ms with the bench's 20,000 unread replies.
NEWEST_UNREAD_FIRST = (Message.kind.desc(), Message.read_at.desc(), Message.received_at.desc(), Message.id.desc())


def mark_read(session: Session, message: Message, now: datetime) -> bool:
    """Mark a reply read once (the first opening counts); True when this call marked it."""
    if message.direction != Direction.inbound or message.read_at is not None:
        return False
    changed = session.exec(sa.update(Message).where(Message.id == message.id, Message.read_at.is_(None))
                           .values(read_at=now)).rowcount
    return bool(changed)


class NewReply(NamedTuple):
    """What a list of new replies shows of one: bare columns, without the body an ORM row would carry."""

    id: int
    subject: str
    from_name: str
    from_address: str
    sent_at: datetime | None
    received_at: datetime
    suggested_status: str | None


class ReplyRequest(NamedTuple):
    """The request a new reply is on, as its line names it."""

    id: int
    title: str
    tracking_code: str


def unread_replies(session: Session, actor: User, limit: int = 50) -> list[tuple[NewReply, ReplyRequest]]:
    """Agencies' replies on requests the actor works on that nobody has opened yet, newest first."""
    reply = [getattr(Message, name) for name in NewReply._fields]
    request = [getattr(FoiaRequest, name) for name in ReplyRequest._fields]
    rows = session.exec(select(*reply, *request).join(FoiaRequest, FoiaRequest.id == Message.request_id)
                        .where(Message.direction == Direction.inbound, Message.kind == NEWS_KIND,
                               Message.read_at.is_(None), workable_clause(actor))
                        .order_by(*NEWEST_UNREAD_FIRST).limit(limit))
    return [(NewReply(*row[:len(reply)]), ReplyRequest(*row[len(reply):])) for row in rows]
