"""Who may see and work on a request and on what it holds: the one place these rules live.

Requests
- The owner, members of the team it is shared with, and admins see and work on it.
- Anyone (logged in or not) may see a public request, or an embargoed one once its embargo ended.
- Everyone else is told it does not exist (NotFound), the same as for an unknown id.

What a request holds (messages, documents, their pages)
- Whoever may see the request sees its messages and documents, unless one is marked private:
  private ones only those who work on the request see. So a public request's documents are
  public, on its page, their own pages, downloads, search and the API alike; a timeline entry
  that names a private message or file is private with it.
- In the holding pen (no request yet): the user who uploaded or imported it (its holder; a file
  that came attached to a message is held by whoever imported the message), and admins. Mail the
  instance fetched from its own mailbox that matched nothing: admins only.
- The same rules hold everywhere a message or document shows: its page, the inbox, the request
  page, downloads and search (each indexed item carries its content_scope).

Matching received mail
- Mail a user uploads or imports is matched only among the requests that user may work on, and is
  deduplicated only against their own uploads and those requests (each user's copy is their own).
- Mail fetched from the instance's own mailbox (or imported by the operator) may match any request.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession, aliased
from sqlmodel import Session, select

from foia.accounts.models import TeamMembership, User
from foia.errors import NotAllowed, NotFound
from foia.ports import local_date
from foia.requests.models import FoiaRequest, Visibility

#: The intake scope of the instance's own mail (IMAP, letters it sent, operator imports).
MAILBOX_SCOPE = "mailbox"
#: Search scopes of holding-pen items start here (see content_scope).
_PEN_SCOPE_BASE = 2 ** 40


def sees_everything(actor: User | None) -> bool:
    """Admins see and work on every request and everything it holds."""
    return actor is not None and actor.is_admin


def _public_clause(now: datetime, request=FoiaRequest):
    today = local_date(now)
    return sa.or_(
        request.visibility == Visibility.public,
        sa.and_(request.visibility == Visibility.embargoed, request.embargo_until.is_not(None),
                request.embargo_until <= today),
    )


def _member_clause(actor: User, request=FoiaRequest):
    team_ids = select(TeamMembership.team_id).where(TeamMembership.user_id == actor.id)
    return sa.or_(request.owner_id == actor.id, request.team_id.in_(team_ids))


def workable_clause(actor: User | None, request=FoiaRequest):
    """SQL condition: requests the actor may work on (edit, upload to, change status); `request` is
    FoiaRequest or an alias of it."""
    if actor is None:
        return sa.false()
    if sees_everything(actor):
        return sa.true()
    return _member_clause(actor, request)


def visible_clause(actor: User | None, now: datetime, request=FoiaRequest):
    """SQL condition: requests the actor may see. Use it in every query that lists requests or their contents."""
    if sees_everything(actor):
        return sa.true()
    if actor is None:
        return _public_clause(now, request)
    return sa.or_(_member_clause(actor, request), _public_clause(now, request))


def visible_request_ids(actor: User | None, now: datetime):
    """A subquery of the ids of requests the actor may see."""
    return select(FoiaRequest.id).where(visible_clause(actor, now))


def workable_request_ids(actor: User | None):
    """A subquery of the ids of requests the actor may work on."""
    return select(FoiaRequest.id).where(workable_clause(actor))


def can_work_on(session: Session, actor: User | None, request: FoiaRequest) -> bool:
    """Whether the actor may work on the request (edit it, upload to it, change its status)."""
    if actor is None:
        return False
    if sees_everything(actor) or request.owner_id == actor.id:
        return True
    return request.team_id is not None and request.team_id in team_ids_of(session, actor)


_TEAMS = "foia.access.team_ids"


def team_ids_of(session: Session, actor: User) -> frozenset[int]:
    """The teams the actor is in, read once per transaction of the session (a page asks several times)."""
    known = session.info.setdefault(_TEAMS, {})
    if actor.id not in known:
        known[actor.id] = frozenset(session.exec(select(TeamMembership.team_id)
                                                 .where(TeamMembership.user_id == actor.id)))
    return known[actor.id]


@sa.event.listens_for(OrmSession, "after_flush")
@sa.event.listens_for(OrmSession, "after_commit")
@sa.event.listens_for(OrmSession, "after_rollback")
@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _forget_teams(session, *_) -> None:
    """A write, a commit or a rollback may have changed who is in which team: read it again."""
    session.info.pop(_TEAMS, None)


def can_see(session: Session, actor: User | None, request: FoiaRequest, now: datetime) -> bool:
    """Whether the actor may see the request (the Python twin of visible_clause)."""
    if can_work_on(session, actor, request):
        return True
    if request.visibility == Visibility.public:
        return True
    return (request.visibility == Visibility.embargoed and request.embargo_until is not None
            and request.embargo_until <= local_date(now))


def get_visible_request(session: Session, actor: User | None, request_id: int, now: datetime) -> FoiaRequest:
    """The request if the actor may see it; NotFound otherwise (never NotAllowed: no leaking)."""
    request = session.get(FoiaRequest, request_id)
    if request is None or not can_see(session, actor, request, now):
        raise NotFound("request")
    return request


def get_workable_request(session: Session, actor: User | None, request_id: int, now: datetime) -> FoiaRequest:
    """The request if the actor may work on it. Seeing but not working on it is still NotFound for
    private ones; for public ones the actor learns it exists, so it is NotAllowed."""
    request = get_visible_request(session, actor, request_id, now)
    if not can_work_on(session, actor, request):
        raise NotAllowed("Only the requester and their team can change this request.")
    return request


# --- what requests hold: messages and documents ----------------------------------------------------

def _contents_clause(actor: User | None, now: datetime, request_id, is_private, holder_id, extra_pen=None):
    """Rows (messages or documents) the actor may see, given their request, private flag and uploader columns."""
    if sees_everything(actor):
        return sa.true()
    shared = sa.and_(is_private.is_(False), _its_request(request_id, lambda request: visible_clause(actor, now, request)))
    if actor is None:
        return shared
    own_pen = sa.and_(request_id.is_(None), holder_id == actor.id)
    if extra_pen is not None:
        own_pen = sa.or_(own_pen, sa.and_(request_id.is_(None), extra_pen))
    return sa.or_(shared, _its_request(request_id, lambda request: workable_clause(actor, request)), own_pen)


#: The request a row belongs to, in _its_request's subquery (one alias for every query: cheaper to build).
_ITS_REQUEST = aliased(FoiaRequest, name="its_request")


def _its_request(request_id, condition):
    """SQL condition: the row's request (by its `request_id` column) meets `condition`.

    A correlated EXISTS on the one request (a primary-key lookup per row), not `request_id IN (every
    request meeting the condition)`, which the database answers by reading all of them for each query: a
    document page checked 8,000 requests to show one. False (never NULL) for rows without a request."""
    request = _ITS_REQUEST
    return select(request.id).where(request.id == request_id, condition(request)).correlate_except(request).exists()


def message_visible_clause(actor: User | None, now: datetime):
    """SQL condition: messages the actor may see."""
    from foia.mail.models import Message

    return _contents_clause(actor, now, Message.request_id, Message.is_private, Message.imported_by_id)


def document_visible_clause(actor: User | None, now: datetime):
    """SQL condition: documents the actor may see (those of a message they imported count as theirs)."""
    from foia.documents.models import Document
    from foia.mail.models import Message

    their_messages = None
    if actor is not None:
        their_messages = Document.message_id.in_(select(Message.id).where(Message.imported_by_id == actor.id))
    return _contents_clause(actor, now, Document.request_id, Document.is_private, Document.uploaded_by_id,
                            their_messages)


def holder_of(uploaded_by_id: int | None, message_imported_by_id: int | None = None) -> int | None:
    """Whose holding pen an item is in: its uploader, or for a file that came with a message, the message's importer."""
    return uploaded_by_id or message_imported_by_id


def events_seen_by(session: Session, actor: User | None, request: FoiaRequest, events: list) -> list:
    """The timeline events the actor may read: those naming a private message or file (sender, subject,
    file name) only for whoever works on the request."""
    if can_work_on(session, actor, request):
        return events
    from foia.documents.models import Document
    from foia.mail.models import Message

    private_messages = set(session.exec(select(Message.id).where(Message.request_id == request.id,
                                                                 Message.is_private.is_(True))).all())
    private_files = set(session.exec(select(Document.filename).where(Document.request_id == request.id,
                                                                     Document.is_private.is_(True))).all())

    def private(event) -> bool:
        detail = event.detail or {}
        return ((event.kind == "message" and detail.get("message_id") in private_messages)
                or (event.kind == "document" and detail.get("filename") in private_files))

    return [event for event in events if not private(event)]


def can_work_on_content(session: Session, actor: User | None, request_id: int | None, holder_id: int | None) -> bool:
    """Whether the actor may act on a message or document (assign, delete, mark private, retry)."""
    if actor is None:
        return False
    if sees_everything(actor):
        return True
    if request_id is None:
        return holder_id == actor.id
    request = session.get(FoiaRequest, request_id)
    return request is not None and can_work_on(session, actor, request)


def can_work_on_message(session: Session, actor: User | None, message) -> bool:
    """Whether the actor may act on a message (assign it, mark it private, download the raw mail with its reply address)."""
    return can_work_on_content(session, actor, message.request_id, message.imported_by_id)


def can_work_on_document(session: Session, actor: User | None, document) -> bool:
    """Whether the actor may act on a document (retry its extraction, mark it private, delete it from the pen)."""
    importer = None
    if document.uploaded_by_id is None and document.message_id is not None and document.request_id is None:
        from foia.mail.models import Message

        message = session.get(Message, document.message_id)
        importer = message.imported_by_id if message else None
    return can_work_on_content(session, actor, document.request_id, holder_of(document.uploaded_by_id, importer))


# --- received mail: where it may be matched, what it is deduplicated against ---------------------------

def intake_scope(actor: User | None, source: str) -> str:
    """Whose copy received mail is: the instance's mailbox, or one user's upload or import."""
    if actor is None or source == "imap":
        return MAILBOX_SCOPE
    return f"user:{actor.id}"


def match_candidates_clause(actor: User | None, source: str):
    """SQL condition: the requests received mail may be matched to (all for the instance's own mail)."""
    if intake_scope(actor, source) == MAILBOX_SCOPE:
        return sa.true()
    return workable_clause(actor)


# --- search: each indexed item carries a scope; a searcher sees a set of scopes -----------------------

def content_scope(request_id: int | None, is_private: bool, holder_id: int | None) -> int:
    """The search scope of a page or message: its request (negated when private), its uploader's holding
    pen, or 0 (the mailbox's holding pen, admins only)."""
    if request_id is not None:
        return -request_id if is_private else request_id
    return -(_PEN_SCOPE_BASE + holder_id) if holder_id else 0


def scopes_for(actor: User | None, visible_ids, workable_ids) -> set[int]:
    """The scopes a searcher sees, from the ids of the requests they may see and work on (admins see every
    scope: search asks sees_everything first)."""
    scopes = set(visible_ids) | {-request_id for request_id in workable_ids}
    if actor is not None:
        scopes.add(content_scope(None, False, actor.id))
    return scopes
