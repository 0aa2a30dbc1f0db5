"""Jurisdictions (whose law sets the clock) and agencies (who answer requests)."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime, utcnow
from foia.model_base import SQLModel


class Jurisdiction(SQLModel, table=True):
    """A public-records law in the directory; its clock (stages, holidays) is read from foia/data/laws/<slug>.toml."""

    id: Optional[int] = Field(default=None, primary_key=True)
    #: `federal`, or the state's postal code in lower case (`fl`, `or`, `dc`): the law file's name.
    slug: str = Field(sa_column=sa.Column(sa.String(32), unique=True, nullable=False))
    name: str = Field(max_length=100)
    #: federal | state | local
    level: str = Field(default="state", max_length=16)
    law_name: str = Field(default="", max_length=200)
    citation: str = Field(default="", max_length=300)
    source_url: str = Field(default="", max_length=500)
    #: IANA time zone in which the law's dates are counted (whose "today").
    timezone: str = Field(max_length=64)
    #: Anything a requester should know that is not a stage.
    notes: str = Field(default="", sa_type=sa.Text)
    #: True when every stage and the holiday rules carry the statute's own words, source and date checked.
    verified: bool = Field(default=False)
    #: sha256 of the law file the row was last copied from: `foia db upgrade` reads only the files that changed.
    law_digest: str = Field(default="", max_length=64)


class Agency(SQLModel, table=True):
    """A public body that answers records requests."""

    __table_args__ = (sa.UniqueConstraint("jurisdiction_id", "name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    name: str = Field(max_length=300)
    abbreviation: str = Field(default="", max_length=50)
    foia_email: str = Field(default="", max_length=254, index=True)
    portal_url: str = Field(default="", max_length=500)
    address: str = Field(default="", sa_type=sa.Text)
    phone: str = Field(default="", max_length=50)
    #: Where appeals go when it is not the FOIA office.
    appeal_contact: str = Field(default="", sa_type=sa.Text)
    #: Days the agency is closed besides its law's holidays: [{"date": "2026-12-24", "name": "Christmas Eve"}].
    closed_days: list = Field(default_factory=list, sa_type=sa.JSON)
    notes: str = Field(default="", sa_type=sa.Text)
    #: Set when mail to foia_email bounced; cleared when the address is edited.
    email_failing_since: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    email_failing_reason: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class AgencyChange(SQLModel, table=True):
    """One edit of an agency: who changed which fields from what to what."""

    __tablename__ = "agency_change"

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    actor_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    #: {"field": [old, new], ...}; {} with summary "created" for the first version.
    changes: dict = Field(default_factory=dict, sa_type=sa.JSON)
    summary: str = Field(default="", max_length=300)


class AgencySuggestion(SQLModel, table=True):
    """A non-admin's change to where an agency's mail goes (email, portal), waiting for confirmation
    by an admin or by someone who filed a request with the agency."""

    __tablename__ = "agency_suggestion"

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    actor_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    #: foia_email | portal_url
    field: str = Field(max_length=32)
    old_value: str = Field(default="", max_length=500)
    new_value: str = Field(default="", max_length=500)
    #: open | accepted | rejected
    state: str = Field(default="open", max_length=16, index=True)
    decided_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
