"""Jurisdictions (whose law sets the clock) and agencies (who answer requests)."""
import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from foia.db import UTCDateTime, enum_type, utcnow


class DayType(str, enum.Enum):
    business = "business"
    calendar = "calendar"


class Jurisdiction(SQLModel, table=True):
    """A public-records law and its clock, loaded from foia/data/jurisdictions.toml."""

    id: Optional[int] = Field(default=None, primary_key=True)
    #: `federal`, or the state's postal code in lower case (`fl`, `or`, `dc`).
    slug: str = Field(sa_column=sa.Column(sa.String(32), unique=True, nullable=False))
    name: str = Field(max_length=100)
    #: federal | state | local
    level: str = Field(default="state", max_length=16)
    law_name: str = Field(default="", max_length=200)
    citation: str = Field(default="", max_length=300)
    source_url: str = Field(default="", max_length=500)
    #: IANA time zone in which the law's dates are counted.
    timezone: str = Field(default="America/New_York", max_length=64)
    #: `holidays` package country and subdivision (None: national holidays only).
    holiday_country: str = Field(default="US", max_length=8)
    holiday_subdiv: Optional[str] = Field(default=None, max_length=8)
    #: Days to acknowledge; None when the law sets none.
    ack_days: Optional[int] = None
    #: Days to respond (after acknowledgement where the law has two stages); None: no fixed period.
    response_days: Optional[int] = None
    #: True when response_days count from the acknowledgement rather than from receipt.
    response_after_ack: bool = Field(default=False)
    day_type: DayType = Field(default=DayType.business, sa_type=enum_type(DayType))
    extension_days: Optional[int] = None
    #: Requester's time to appeal a denial, in calendar days; None: not set by the law.
    appeal_window_days: Optional[int] = None
    #: Days the appeal body has to decide; None: not set by the law.
    appeal_response_days: Optional[int] = None
    #: Citations for the individual rules, shown in explanations.
    ack_citation: str = Field(default="", max_length=300)
    response_citation: str = Field(default="", max_length=300)
    extension_citation: str = Field(default="", max_length=300)
    appeal_citation: str = Field(default="", max_length=300)
    #: What a "prompt"/"reasonable time" law says, and other caveats.
    notes: str = Field(default="", sa_type=sa.Text)
    #: False until the day counts were checked against the statute itself.
    verified: bool = Field(default=False)


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
