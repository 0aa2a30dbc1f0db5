"""Factories for tests: each makes one valid object with overridable fields, and commits it.

Rows are made directly (not through the services), as the services would leave them: a test that is
about a service calls the service itself.
"""
from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from foia.accounts.models import Team, TeamMembership, User
from foia.accounts.services import hash_password
from foia.agencies.models import Agency, Jurisdiction
from foia.documents.models import Document, ExtractionState, Page
from foia.mail.models import Direction, Message
from foia.reminders.models import Reminder
from foia.requests.models import FoiaRequest, Status
from foia.search.models import SearchChange

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_password_hash = None


def _hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


class Factories:
    def __init__(self, session: Session):
        self.session = session

    def _save(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def user(self, email: str | None = None, **fields) -> User:
        """A user whose password is factories.PASSWORD."""
        n = next(_counter)
        fields.setdefault("display_name", f"User {n}")
        return self._save(User(email=email or f"user{n}@example.org", password_hash=_hash(), **fields))

    def team(self, name: str | None = None, members: list[User] = ()) -> Team:
        team = self._save(Team(name=name or f"Team {next(_counter)}"))
        for member in members:
            self.session.add(TeamMembership(team_id=team.id, user_id=member.id))
        self.session.commit()
        return team

    def jurisdiction(self, slug: str = "fl") -> Jurisdiction:
        found = self.session.exec(select(Jurisdiction).where(Jurisdiction.slug == slug)).first()
        assert found, f"jurisdiction {slug} not loaded"
        return found

    def agency(self, name: str | None = None, jurisdiction: str = "fl", **fields) -> Agency:
        fields.setdefault("foia_email", f"records{next(_counter)}@agency.example.gov")
        return self._save(Agency(name=name or f"Agency {next(_counter)}",
                                 jurisdiction_id=self.jurisdiction(jurisdiction).id, **fields))

    def request(self, owner: User | None = None, agency: Agency | None = None, **fields) -> FoiaRequest:
        """A request row as the services would leave it (no timeline events)."""
        n = next(_counter)
        owner = owner or self.user()
        agency = agency or self.agency()
        fields.setdefault("title", f"Records about facial recognition {n}")
        fields.setdefault("records_sought", "All emails mentioning Rekognition.")
        fields.setdefault("status", Status.draft)
        if fields["status"] != Status.draft:
            fields.setdefault("submitted_on", date(2026, 3, 2))
        return self._save(FoiaRequest(tracking_code=f"FOIA-2026-{n:05d}", reply_token=secrets.token_hex(10),
                                      owner_id=owner.id, agency_id=agency.id, **fields))

    def message(self, request: FoiaRequest | None = None, body: str = "We have received your request.", **fields) -> Message:
        """An email of the request (None: the holding pen), inbound unless told, queued for the search index."""
        fields.setdefault("direction", Direction.inbound)
        fields.setdefault("subject", "Your records request")
        fields.setdefault("from_address", "records@agency.example.gov")
        fields.setdefault("sent_at", datetime(2026, 2, 1, 12, tzinfo=UTC))
        message = Message(request_id=request.id if request is not None else None, body_text=body, **fields)
        self.session.add(message)
        self.session.flush()
        self.session.add(SearchChange(item_type="message", item_id=message.id))
        self.session.commit()
        return message

    def document(self, request: FoiaRequest | None = None, *, pages: list[str] | None = None, blobs=None,
                 data: bytes | None = None, filename: str = "release.pdf", **fields) -> Document:
        """A document of the request (None: the holding pen). With `pages`, already extracted with those page
        texts (and queued for the search index); with `data` and `blobs`, stored bytes waiting for extraction."""
        if data is not None:
            fields.setdefault("blob_key", blobs.put(data) if blobs is not None else hashlib.sha256(data).hexdigest())
            fields.setdefault("content_type", "application/pdf" if data[:5] == b"%PDF-" else "application/octet-stream")
            fields.setdefault("sha256", hashlib.sha256(data).hexdigest())
            fields.setdefault("size", len(data))
        digest = hashlib.sha256(f"{filename}{pages}{next(_counter)}".encode()).hexdigest()
        fields.setdefault("content_type", "application/pdf")
        fields.setdefault("sha256", digest)
        fields.setdefault("size", 100)
        fields.setdefault("blob_key", digest)
        if pages is not None:
            fields.setdefault("page_count", len(pages))
            fields.setdefault("state", ExtractionState.done)
        document = Document(request_id=request.id if request is not None else None, filename=filename, **fields)
        self.session.add(document)
        self.session.flush()
        for number, text in enumerate(pages or [], start=1):
            page = Page(document_id=document.id, number=number, text=text)
            self.session.add(page)
            self.session.flush()
            self.session.add(SearchChange(item_type="page", item_id=page.id))
        self.session.commit()
        return document

    def reminder(self, request: FoiaRequest, user: User | None = None, kind: str = "response_due",
                 due_date: date = date(2026, 3, 30), **fields) -> Reminder:
        """A reminder to `user` (the request's owner unless told) about one due date, not yet sent."""
        fields.setdefault("notify_on", due_date)
        return self._save(Reminder(request_id=request.id, user_id=(user.id if user else request.owner_id), kind=kind,
                                   due_date=due_date, **fields))
