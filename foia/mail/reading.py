"""New replies: an agency's reply is new until someone who works on its request opens it.

The mark is shared by the request's team, like a shared mailbox: one colleague reading a reply
takes it off everyone's list of new replies.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.mail.models import Direction, Message, MessageKind
from foia.requests.access import workable_clause
from foia.requests.models import FoiaRequest

#: Inbound kinds that are the agency speaking (auto-replies and bounces are not news).
NEWS = (MessageKind.reply,)


def mark_read(session: Session, message: Message, now: datetime) -> bool:
    """Mark a reply read once (the first opening counts); True when this call marked it."""
    if message.direction != Direction.inbound or message.read_at is not None:
        return False
    changed = session.exec(sa.update(Message).where(Message.id == message.id, Message.read_at.is_(None))
                           .values(read_at=now)).rowcount
    return bool(changed)


def unread_replies(session: Session, actor: User, limit: int = 50) -> list[tuple[Message, FoiaRequest]]:
    """Agencies' replies on requests the actor works on that nobody has opened yet, newest first."""
    rows = session.exec(select(Message, FoiaRequest).join(FoiaRequest, FoiaRequest.id == Message.request_id)
                        .where(Message.direction == Direction.inbound, Message.kind.in_(NEWS),
                               Message.read_at.is_(None), workable_clause(actor))
                        .order_by(Message.received_at.desc(), Message.id.desc()).limit(limit))
    return [(message, request) for message, request in rows]
