"""Letters to agencies by email: the request itself, follow-ups and appeals.

Every letter goes From FOIA_MAIL_FROM with Reply-To `<local>+<reply_token>@<domain>`, the tracking
code in the subject and a fresh Message-ID recorded on an outbound Message row, so the agency's
answer finds its request. The letter is queued in the outbox in the caller's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr

import jinja2
from sqlmodel import Session, select

from foia.accounts.models import User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines.laws import Stage, law_for
from foia.errors import DomainError, InvalidTransition, ValidationError
from foia.deadlines.calendar import law_today
from foia.mail import outbox
from foia.mail.models import Direction, Message, MessageKind
from foia.ports import OutgoingEmail
from foia.rendering import render_html, render_text
from foia.requests import batches, listing
from foia.requests.models import FoiaRequest, Status
from foia.requests.timeline import add_event

#: Letter kinds other than the request itself, with the template each is drafted from.
LETTER_TEMPLATES = {"follow_up": "letters/follow_up.txt.j2", "appeal": "letters/appeal.txt.j2"}
KIND_WORDS = {"letter": "request letter", "follow_up": "follow-up letter", "appeal": "appeal letter"}


def render_email(name: str, **context) -> tuple[str, str, str | None]:
    """A triplet templates/email/<name>/{subject.txt, body.txt, body.html}: (subject, text, html)."""
    subject = " ".join(render_text(f"email/{name}/subject.txt", **context).split())
    body = render_text(f"email/{name}/body.txt", **context)
    try:
        html = render_html(f"email/{name}/body.html", **context)
    except jinja2.TemplateNotFound:
        html = None
    return subject, body, html


def reply_address(mail_from: str, reply_token: str) -> str:
    """The request's plus-address: requests+<token>@example.org for FOIA_MAIL_FROM requests@example.org."""
    address = parseaddr(mail_from)[1] or mail_from
    if "@" not in address:
        raise ValidationError(f"FOIA_MAIL_FROM {mail_from!r} is not an email address.")
    local, domain = address.rsplit("@", 1)
    return f"{local.split('+', 1)[0]}+{reply_token}@{domain}"


def subject_for(kind: str, request: FoiaRequest) -> str:
    """The subject line, always carrying the tracking code (and the agency's number when known)."""
    prefix = {"letter": "Public records request", "follow_up": "Follow-up on public records request",
              "appeal": "Appeal of public records request"}[kind]
    theirs = f" (your ref. {request.agency_tracking_number})" if request.agency_tracking_number else ""
    return f"{prefix}: {request.title} [{request.tracking_code}]{theirs}"


@dataclass
class LetterDraft:
    """A letter ready to be edited and sent."""

    kind: str
    to: str
    subject: str
    body: str


def _parties(session: Session, request: FoiaRequest) -> tuple[Agency, Jurisdiction, User]:
    agency = session.get(Agency, request.agency_id)
    return agency, session.get(Jurisdiction, agency.jurisdiction_id), session.get(User, request.owner_id)


def appeal_address(agency: Agency, stage: Stage | None = None) -> str:
    """Where appeals go by email: the law's appeal body when it names an email address, else an address in the
    agency's appeal contact, else its FOIA address."""
    for text in ((stage.address if stage is not None else ""), agency.appeal_contact or ""):
        for word in text.replace(",", " ").replace(";", " ").split():
            candidate = parseaddr(word.strip("<>()"))[1]
            if "@" in candidate and "." in candidate.rsplit("@", 1)[1]:
                return candidate
    return agency.foia_email


def allowed_recipients(session: Session, request: FoiaRequest) -> set[str]:
    """Where this request's letters may go without an admin's approval: the agency's addresses on record
    (FOIA and appeal), the address the request was sent to, and every address that wrote to this request."""
    agency, jurisdiction, _ = _parties(session, request)
    allowed = {agency.foia_email, appeal_address(agency, law_for(jurisdiction).stage("appeal")), request.sent_to_email}
    allowed |= set(session.exec(select(Message.from_address).where(
        Message.request_id == request.id, Message.direction == Direction.inbound)).all())
    return {a.strip().lower() for a in allowed if a and "@" in a}


def check_recipient(session: Session, actor: User | None, request: FoiaRequest, to: str) -> None:
    """Refuse an address the server may not mail for this request (issue: the server as a mail cannon)."""
    from foia.mail.models import ApprovedAddress

    address = to.strip().lower()
    if actor is None or actor.is_admin or address in allowed_recipients(session, request):
        return
    if session.exec(select(ApprovedAddress.id).where(ApprovedAddress.address == address)).first() is not None:
        return
    agency = session.get(Agency, request.agency_id)
    message = (f"Letters for this request go to {agency.name}'s address on record"
               f"{' (' + agency.foia_email + ')' if agency.foia_email else ''} or to an address that wrote to this "
               f"request. {to} is neither: ask an admin to approve it, or suggest it as the agency's address.")
    raise ValidationError(message, {"to": message})


def check_daily_limit(session: Session, actor: User | None, now: datetime, limit: int) -> None:
    """Refuse a letter past the user's daily sending limit (FOIA_DAILY_SEND_LIMIT; admins have none)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from foia.mail.models import OutboxMessage

    if actor is None or actor.is_admin:
        return
    sent = session.exec(select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.sent_by_id == actor.id, OutboxMessage.created_at > now - timedelta(days=1))).one()
    if sent >= limit:
        raise ValidationError(f"You have had {sent} letters emailed in the last 24 hours, the most this site allows "
                              "a user in a day. Send this one later, or ask an admin.")


def approved_addresses(session: Session):
    """Addresses admins allowed letters to go to, by address."""
    from foia.mail.models import ApprovedAddress

    return list(session.exec(select(ApprovedAddress).order_by(ApprovedAddress.address)))


def approve_address(session: Session, actor: User, address: str, note: str, now: datetime):
    """Allow letters to an address (admins only); approving one twice changes nothing. The caller commits."""
    from foia.accounts.services import normalise_email
    from foia.errors import NotAllowed
    from foia.mail.models import ApprovedAddress

    if not actor.is_admin:
        raise NotAllowed("Only admins approve addresses.")
    address = normalise_email(address)
    row = session.exec(select(ApprovedAddress).where(ApprovedAddress.address == address)).first()
    if row is None:
        row = ApprovedAddress(address=address, note=note.strip()[:300], approved_by_id=actor.id, created_at=now)
        session.add(row)
        session.flush()
    return row


def withdraw_approval(session: Session, actor: User, approved_id: int) -> None:
    from foia.errors import NotAllowed, NotFound
    from foia.mail.models import ApprovedAddress

    if not actor.is_admin:
        raise NotAllowed("Only admins approve addresses.")
    row = session.get(ApprovedAddress, approved_id)
    if row is None:
        raise NotFound("approved address")
    session.delete(row)


#: What an appeal is about, by what happened to the request (the letter is worded for it).
APPEAL_GROUNDS = {
    Status.rejected: "denial",
    Status.partial: "partial",
    Status.no_records: "no_records",
    Status.done: "incomplete",
    Status.payment_required: "fee",
}


def appeal_ground(request: FoiaRequest, today: date) -> str | None:
    """What an appeal would contest now: denial, partial, no_records, incomplete, fee, or no_response (the
    agency let its deadline pass); None when there is nothing to appeal."""
    from foia.requests.listing import is_overdue

    if request.status in APPEAL_GROUNDS:
        return APPEAL_GROUNDS[request.status]
    if request.status in (Status.submitted, Status.acknowledged) and is_overdue(request, today):
        return "no_response"
    return None


def draft_letter(session: Session, request: FoiaRequest, kind: str, today: date) -> LetterDraft:
    """A follow-up or appeal letter for the request, rendered from templates/letters/.

    An appeal is addressed to the body the law names (its appeal stage's body and address) and worded for
    what happened (appeal_ground); a follow-up quotes the statutory date and the agency's own estimate.
    """
    if kind not in LETTER_TEMPLATES:
        raise ValueError(f"no letter template for {kind!r}")
    agency, jurisdiction, owner = _parties(session, request)
    law = law_for(jurisdiction)
    first_letter = session.exec(select(Message).where(
        Message.request_id == request.id, Message.direction == Direction.outbound,
        Message.kind == MessageKind.letter).order_by(Message.created_at)).first()
    appeal_stage, respond_stage = law.stage("appeal"), law.stage("respond")
    body = render_text(LETTER_TEMPLATES[kind], foia_request=request, agency=agency, jurisdiction=jurisdiction,
                       requester=owner, today=today, first_letter=first_letter, law=law,
                       appeal_stage=appeal_stage, decided_stage=law.stage("appeal_decided"),
                       response_citation=respond_stage.citation if respond_stage is not None else "",
                       ground=appeal_ground(request, today) or "denial",
                       overdue_days=(today - request.response_due).days if request.response_due else None,
                       estimate_passed=bool(request.estimated_completion and request.estimated_completion < today))
    to = appeal_address(agency, appeal_stage) if kind == "appeal" else (request.sent_to_email or agency.foia_email)
    return LetterDraft(kind, to, subject_for(kind, request), body)


def send_letter(session: Session, actor: User | None, request: FoiaRequest, now: datetime, *, mail_from: str,
                kind: str = "letter", body: str | None = None, subject: str | None = None,
                to: str | None = None, daily_limit: int | None = None) -> Message:
    """Queue a letter to the agency and record it; for the request itself, mark it submitted by email."""
    if kind not in KIND_WORDS:
        raise ValueError(f"unknown letter kind {kind!r}")
    agency, jurisdiction, owner = _parties(session, request)
    if kind == "letter" and request.status != Status.draft:
        raise InvalidTransition(f"This request is already {request.status.label.lower()}; it was sent before.")
    if kind != "letter" and request.status == Status.draft:
        raise InvalidTransition("Send the request itself first.")
    body = (body if body is not None else request.letter_text if kind == "letter" else "").strip()
    if not body:
        raise ValidationError("The letter is empty.", {"body": "Write the letter before sending it."})
    default_to = (appeal_address(agency, law_for(jurisdiction).stage("appeal")) if kind == "appeal"
                  else request.sent_to_email or agency.foia_email)
    to = (to or default_to or "").strip()
    if "@" not in parseaddr(to)[1]:
        raise ValidationError(f"{agency.name} has no email address for records requests; add one to the agency "
                              "or file the request another way.", {"to": "Give the agency's email address."})
    to = parseaddr(to)[1]
    check_recipient(session, actor, request, to)
    if daily_limit is not None:
        check_daily_limit(session, actor, now, daily_limit)
    subject = (subject or subject_for(kind, request)).strip()
    if any(ord(c) < 32 and c != "\t" for c in subject):
        raise ValidationError("The subject may not contain line breaks.", {"subject": "Keep the subject on one line."})
    if request.tracking_code not in subject:
        subject = f"{subject} [{request.tracking_code}]"

    sender = parseaddr(mail_from)[1] or mail_from
    message_id = outbox.new_message_id(sender)
    previous = session.exec(select(Message).where(Message.request_id == request.id,
                                                  Message.direction == Direction.outbound,
                                                  Message.message_id.is_not(None))
                            .order_by(Message.created_at)).all()
    headers = {}
    if previous and kind != "letter":
        headers["In-Reply-To"] = f"<{previous[-1].message_id}>"
        headers["References"] = " ".join(f"<{m.message_id}>" for m in previous[-5:])
    email = OutgoingEmail(to=[parseaddr(to)[1]], subject=subject, body=body + "\n",
                          reply_to=reply_address(mail_from, request.reply_token), message_id=message_id,
                          headers=headers)
    message = Message(request_id=request.id, direction=Direction.outbound, kind=MessageKind(kind),
                      message_id=message_id.strip("<>"), in_reply_to=headers.get("In-Reply-To", "").strip("<>"),
                      references=headers.get("References", ""), from_address=sender,
                      from_name=owner.display_name if owner else "", to_addresses=email.to[0], subject=subject,
                      body_text=email.body, source="outbox", received_at=now, created_at=now, updated_at=now)
    session.add(message)
    session.flush()
    outbox.enqueue(session, email, sender=sender, purpose=kind, now=now, message_row_id=message.id,
                   sender_name=owner.display_name if owner else "", sent_by_id=actor.id if actor else None)

    if kind == "letter":
        from foia.requests import lifecycle
        from foia.requests.models import SubmissionMethod

        request.letter_text = body
        lifecycle.mark_submitted(session, actor, request.id, law_today(jurisdiction, now),
                                        SubmissionMethod.email, now, note=f"Emailed to {email.to[0]}.")
    else:
        add_event(session, request, actor, "letter", f"{KIND_WORDS[kind].capitalize()} emailed to {email.to[0]}",
                  now, detail={"message_id": message.id, "kind": kind})
        resolve_waiting_draft(session, request, kind, now)
    return message


def waiting_draft(session: Session, request: FoiaRequest, kind: str = "follow_up"):
    """The timeline event holding a drafted letter that waits for the requester's approval, if any."""
    from foia.requests.models import RequestEvent

    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id,
                                                     RequestEvent.kind == "letter")
                          .order_by(RequestEvent.at.desc(), RequestEvent.id.desc())).all()
    for event in events:
        detail = event.detail or {}
        if detail.get("draft") == kind and detail.get("state") == "waiting":
            return event
    return None


def save_waiting_draft(session: Session, request: FoiaRequest, draft: LetterDraft, now: datetime, reason: str):
    """Keep a drafted letter on the request's timeline until the requester approves it."""
    return add_event(session, request, None, "letter", f"A {KIND_WORDS[draft.kind]} is drafted and waits for "
                     f"your approval: {reason}", now,
                     detail={"draft": draft.kind, "state": "waiting", "to": draft.to, "subject": draft.subject,
                             "body": draft.body})


def resolve_waiting_draft(session: Session, request: FoiaRequest, kind: str, now: datetime) -> None:
    """Mark a waiting draft as dealt with (sent or discarded)."""
    event = waiting_draft(session, request, kind)
    if event is not None:
        event.detail = {**event.detail, "state": "done", "done_at": now.isoformat()}
        session.add(event)


def deliveries(session: Session, request: FoiaRequest) -> dict[int, "outbox.OutboxMessage"]:
    """Each outgoing email of this request (by Message id) with its outbox row: queued, sending, sent or failed."""
    from foia.mail.models import OutboxMessage

    rows = session.exec(select(OutboxMessage).join(Message, OutboxMessage.message_id == Message.id)
                        .where(Message.request_id == request.id).order_by(OutboxMessage.id)).all()
    return {row.message_id: row for row in rows}


def send_batch_letters(session: Session, actor: User, batch_id: int, now: datetime, *, mail_from: str) -> batches.BatchResult:
    """Email each draft of the batch to its agency, each with its own letter as previewed and saved."""
    result = batches.BatchResult()
    for view in listing.get_batch(session, actor, batch_id, now).members:
        reason = batches.sendable(session, actor, view)
        if reason:
            result.left.append((view.request, reason))
            continue
        try:
            with session.begin_nested():
                send_letter(session, actor, view.request, now, mail_from=mail_from, kind="letter")
        except DomainError as error:
            result.left.append((view.request, str(error)))
        else:
            result.done.append(view.request)
    return result
