"""Factories for tests: each makes one valid object with overridable fields, and commits it."""
from __future__ import annotations

import itertools
import secrets
from datetime import date

from sqlmodel import Session, select

from foia.accounts.models import Team, TeamMembership, User
from foia.accounts.services import hash_password
from foia.agencies.models import Agency, Jurisdiction
from foia.requests.models import FoiaRequest, Status

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
