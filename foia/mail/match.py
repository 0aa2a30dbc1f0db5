"""Which request a received message belongs to, and why; None sends it to the holding pen.

Every rule looks only among `candidates` (an SQL condition on FoiaRequest): for mail a user uploads,
the requests they work on (access.match_candidates_clause), so nobody's mail lands on, or tells of,
another's request.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.agencies.models import Agency
from foia.mail.models import Message
from foia.mail.parsed import ParsedMessage
from foia.requests.models import OPEN_STATUSES, FoiaRequest

TRACKING_CODE = re.compile(r"\bFOIA-\d{4}-\d{4,}\b", re.I)
#: Domains shared by many senders: a sender there says nothing about which agency wrote.
FREEMAIL_DOMAINS = {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
                    "aol.com", "icloud.com", "me.com", "gmx.de", "gmx.net", "web.de", "protonmail.com",
                    "proton.me", "mail.com", "msn.com", "comcast.net", "t-online.de"}

#: Candidates when any request may match (the instance's own mail).
ANY_REQUEST = sa.true()


@dataclass
class BatchKnowledge:
    """What the rules know of a batch of emails read together (foia.mail.ingest.EmailBatch): the candidate
    requests their reply tokens name, asked once for the batch, and the batch's messages taken in but not
    written yet, by Message-ID (a reply to one of them belongs to its request, as if it were written)."""

    requests_by_token: dict[str, FoiaRequest] = field(default_factory=dict)
    unwritten: dict[str, Message] = field(default_factory=dict)


def _reply_tokens(addresses: list[str]) -> list[str]:
    tokens = []
    for address in addresses:
        local = address.split("@", 1)[0]
        if "+" in local:
            tokens.append(local.split("+", 1)[1].strip())
    return [t for t in tokens if t]


def _token_addresses(parsed: ParsedMessage) -> list[str]:
    return parsed.recipient_addresses + parsed.returned_addresses


def requests_by_reply_token(session: Session, messages: Iterable[ParsedMessage],
                            candidates=ANY_REQUEST) -> dict[str, FoiaRequest]:
    """The candidate requests whose reply token a recipient's plus-address names, by token: one query for
    any number of messages."""
    tokens = {token for parsed in messages for token in _reply_tokens(_token_addresses(parsed))}
    if not tokens:
        return {}
    found = session.exec(select(FoiaRequest).where(FoiaRequest.reply_token.in_(tokens), candidates))
    return {request.reply_token: request for request in found}


def by_reply_token(session: Session, parsed: ParsedMessage, candidates=ANY_REQUEST,
                   batch: BatchKnowledge | None = None):
    """The request whose reply token is in a recipient's plus-address."""
    addresses = _token_addresses(parsed)
    tokens = _reply_tokens(addresses)
    if not tokens:
        return None, ""
    known = batch.requests_by_token if batch else requests_by_reply_token(session, [parsed], candidates)
    named = [known[token] for token in tokens if token in known]
    if not named:
        return None, ""
    request = min(named, key=lambda found: found.id)
    address = next(a for a in addresses if "+" + request.reply_token in a.split("@")[0])
    return request, f"reply address {address}"


def by_thread(session: Session, parsed: ParsedMessage, candidates=ANY_REQUEST, batch: BatchKnowledge | None = None):
    """The request of a known message this one answers (In-Reply-To, References, a bounce's original)."""
    ids = parsed.related_ids
    if not ids:
        return None, ""
    rows = session.exec(select(Message).where(Message.message_id.in_(ids), Message.request_id.in_(
        select(FoiaRequest.id).where(candidates)))).all()
    by_id = {row.message_id: row for row in rows}
    unwritten = batch.unwritten if batch else {}
    for message_id in ids:  # matched among the candidates (a forced request skips matching)
        if message_id not in by_id and getattr(unwritten.get(message_id), "request_id", None) is not None:
            by_id[message_id] = unwritten[message_id]
    for message_id in ids:
        if message_id in by_id:
            header = "In-Reply-To" if message_id == parsed.in_reply_to else (
                "References" if message_id in parsed.references else "the returned message")
            return session.get(FoiaRequest, by_id[message_id].request_id), f"{header} <{message_id}>"
    return None, ""


def _subject_tokens(subject: str) -> list[str]:
    tokens = set()
    for token in re.findall(r"[A-Za-z0-9#][A-Za-z0-9#\-_/.:]*", subject):
        token = token.strip("#.:-/")
        if any(c.isdigit() for c in token) and len(token) >= 3:
            tokens.add(token)
            tokens.add(token.upper())
    return sorted(tokens)


def by_subject(session: Session, parsed: ParsedMessage, candidates=ANY_REQUEST, batch: BatchKnowledge | None = None):
    """The request whose tracking code, or agency tracking number, the subject names."""
    for code in TRACKING_CODE.findall(parsed.subject):
        request = session.exec(select(FoiaRequest).where(FoiaRequest.tracking_code == code.upper(), candidates)).first()
        if request is not None:
            return request, f"tracking code {request.tracking_code} in the subject"
    tokens = _subject_tokens(parsed.subject)
    if tokens:
        found = session.exec(select(FoiaRequest).where(FoiaRequest.agency_tracking_number.in_(tokens),
                                                       FoiaRequest.agency_tracking_number != "", candidates)).all()
        if len(found) == 1:
            return found[0], f"agency tracking number {found[0].agency_tracking_number} in the subject"
    return None, ""


def agencies_of_sender(session: Session, address: str) -> list[Agency]:
    """Agencies whose FOIA address is the sender's, else those on the sender's (non-freemail) domain."""
    address = (address or "").lower()
    if "@" not in address:
        return []
    exact = session.exec(select(Agency).where(sa.func.lower(Agency.foia_email) == address)).all()
    if exact:
        return list(exact)
    domain = address.rsplit("@", 1)[1]
    if domain in FREEMAIL_DOMAINS:
        return []
    return list(session.exec(select(Agency).where(sa.func.lower(Agency.foia_email).like(f"%@{domain}"))).all())


def by_sender(session: Session, parsed: ParsedMessage, candidates=ANY_REQUEST, batch: BatchKnowledge | None = None):
    """The one open request to the sender's agency, when there is exactly one."""
    agencies = agencies_of_sender(session, parsed.from_address)
    if not agencies:
        return None, ""
    open_requests = session.exec(select(FoiaRequest).where(
        FoiaRequest.agency_id.in_([a.id for a in agencies]), FoiaRequest.status.in_(list(OPEN_STATUSES)),
        candidates)).all()
    if len(open_requests) == 1:
        agency = next(a for a in agencies if a.id == open_requests[0].agency_id)
        return open_requests[0], f"sender {parsed.from_address} is {agency.name}, which has one open request"
    return None, ""


RULES = (by_reply_token, by_thread, by_subject, by_sender)


def match_request(session: Session, parsed: ParsedMessage, candidates=ANY_REQUEST,
                  batch: BatchKnowledge | None = None) -> tuple[FoiaRequest | None, str]:
    """(request, why) by the first rule that finds one among the candidates, else (None, "") for the holding pen;
    with `batch`, what a batch of emails read together knows already (the rules that read requests only ignore it)."""
    for rule in RULES:
        request, reason = rule(session, parsed, candidates, batch)
        if request is not None:
            return request, reason
    return None, ""


def likely_requests(session: Session, message: Message, candidates_clause, limit: int = 5) -> list[FoiaRequest]:
    """Best guesses for a holding-pen message: requests to the sender's agency, or named in the subject."""
    guesses: list[FoiaRequest] = []
    codes = [c.upper() for c in TRACKING_CODE.findall(message.subject or "")]
    tokens = _subject_tokens(message.subject or "")
    conditions = []
    if codes:
        conditions.append(FoiaRequest.tracking_code.in_(codes))
    if tokens:
        conditions.append(sa.and_(FoiaRequest.agency_tracking_number.in_(tokens), FoiaRequest.agency_tracking_number != ""))
    agencies = agencies_of_sender(session, message.from_address)
    if agencies:
        conditions.append(FoiaRequest.agency_id.in_([a.id for a in agencies]))
    if conditions:
        open_first = sa.case((FoiaRequest.status.in_(list(OPEN_STATUSES)), 0), else_=1)
        guesses = list(session.exec(select(FoiaRequest).where(sa.or_(*conditions), candidates_clause)
                                    .order_by(open_first, FoiaRequest.updated_at.desc()).limit(limit)).all())
    return guesses
