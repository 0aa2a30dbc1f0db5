"""The request page's view-model: everything requests/detail.html shows, gathered once by the view.

Each panel comes from its own domain's services (deadlines, mail, documents), called here rather
than from the template, so the page's queries run in one place and a template only displays.
Nothing here imports flask: the view passes the session, the actor, now and the config in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from foia.accounts.models import Team, User
from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines import rules
from foia.deadlines.calendar import law_today
from foia.documents import services as document_services
from foia.documents.models import Document
from foia.errors import ValidationError
from foia.mail import holding_pen, outbound
from foia.mail.models import Message
from foia.requests import access, listing, timeline
from foia.requests.models import FoiaRequest, Status

#: Statuses in which the agency owes an answer, so a follow-up letter makes sense.
FOLLOW_UP_STATUSES = (Status.submitted, Status.acknowledged, Status.partial, Status.appealing)


@dataclass
class DeadlinePanel:
    """The due dates with their explanations, and the letters and records that may follow from them."""

    today: date
    items: list[dict]
    agency: Agency | None
    jurisdiction: Jurisdiction | None
    can_email: bool
    can_follow_up: bool
    can_appeal: bool
    #: The timeline event holding a follow-up letter that waits for approval, if any.
    waiting_draft: object | None
    can_estimate: bool

    @property
    def overdue(self) -> bool:
        return any(item["overdue"] for item in self.items)


@dataclass
class DocumentPanel:
    """The request's documents the actor may see, with extraction progress."""

    documents: list[Document]
    labels: dict = field(default_factory=lambda: dict(document_services.STATE_LABELS))

    @property
    def total(self) -> int:
        return len(self.documents)

    @property
    def finished(self) -> int:
        return sum(1 for d in self.documents if d.state in document_services.FINISHED)


@dataclass
class RequestPage:
    """One request as its page shows it to one actor."""

    view: listing.RequestView
    can_work: bool
    owner: User | None
    team: Team | None
    batch_size: int
    timeline: list
    #: The plus-address replies come to (only for those who work on the request).
    reply_address: str | None
    #: Outgoing emails' delivery state by Message id (only for those who work on the request).
    deliveries: dict
    deadlines: DeadlinePanel
    messages: list[Message]
    documents: DocumentPanel

    @property
    def request(self) -> FoiaRequest:
        return self.view.request

    @property
    def can_withdraw(self) -> bool:
        return self.request.status.can_become(Status.withdrawn)


def deadline_panel(session: Session, request: FoiaRequest, now: datetime) -> DeadlinePanel:
    """What the deadline panel shows: dates counted in the law's own calendar, and which letters may follow."""
    agency = session.get(Agency, request.agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id) if agency else None
    today = law_today(jurisdiction, now)
    return DeadlinePanel(
        today=today, items=rules.due_items(request, today), agency=agency, jurisdiction=jurisdiction,
        can_email=request.status == Status.draft and bool(agency and agency.foia_email),
        can_follow_up=request.status in FOLLOW_UP_STATUSES,
        can_appeal=outbound.appeal_ground(request, today) is not None,
        waiting_draft=outbound.waiting_draft(session, request, "follow_up"),
        can_estimate=request.status not in (Status.draft, Status.withdrawn))


def request_page(session: Session, actor: User | None, now: datetime, view: listing.RequestView,
                 mail_from: str) -> RequestPage:
    """Gather the request page for an actor who may see the request (listing.get_request checked that)."""
    request = view.request
    can_work = access.can_work_on(session, actor, request)
    batch_size = len(listing.get_batch(session, actor, request.batch_id, now).members) if request.batch_id else 0
    reply_address = None
    if can_work:
        try:
            reply_address = outbound.reply_address(mail_from, request.reply_token)
        except ValidationError:
            reply_address = None
    return RequestPage(
        view=view, can_work=can_work, owner=session.get(User, request.owner_id),
        team=session.get(Team, request.team_id) if request.team_id else None, batch_size=batch_size,
        timeline=timeline.timeline(session, request, actor), reply_address=reply_address,
        deliveries=outbound.deliveries(session, request) if can_work else {},
        deadlines=deadline_panel(session, request, now),
        messages=holding_pen.request_messages(session, actor, now, request.id),
        documents=DocumentPanel(document_services.request_documents(session, actor, now, request.id)))
