"""Users, teams and who belongs to which team."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field

from foia.db import UTCDateTime, utcnow
from foia.model_base import SQLModel


class User(SQLModel, table=True):
    """A person who logs in: requester, team member or admin."""

    id: Optional[int] = Field(default=None, primary_key=True)
    #: Login name, stored lower-case.
    email: str = Field(sa_column=sa.Column(sa.String(254), unique=True, nullable=False))
    #: Shown in timelines and letters' signatures.
    display_name: str = Field(default="", max_length=200)
    #: argon2 hash; never the password.
    password_hash: str = Field(max_length=255)
    is_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_login_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    #: Postal address and phone printed under letters.
    signature: str = Field(default="", sa_type=sa.Text)
    #: Secret token of the personal iCal feed; None when revoked or never made.
    ical_token: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(64), unique=True))
    #: Reminder kinds this user wants, comma-separated; see reminders.services.KINDS.
    reminder_kinds: str = Field(
        default="ack_due,response_due,overdue,estimate_passed,fee_due,appeal_closing,appeal_overdue,court",
        max_length=255)
    #: How many business days before a due date the reminder goes out.
    remind_days_ahead: int = Field(default=3)
    #: One digest mail a day instead of single reminders.
    reminder_digest: bool = Field(default=False)

    # Flask-Login protocol, kept here so the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def name(self) -> str:
        """How the user is addressed in their own mail and pages."""
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """How others (anyone reading a public request or an agency's history) see the user: never the address."""
        return self.display_name or "a requester"


class Team(SQLModel, table=True):
    """A newsroom or group that shares requests."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(200), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class TeamMembership(SQLModel, table=True):
    """A user's place in a team; team admins may add and remove members."""

    __tablename__ = "team_membership"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    is_team_admin: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class TeamInvitation(SQLModel, table=True):
    """An invitation to join a team, waiting for the invited address's owner to accept it."""

    __tablename__ = "team_invitation"
    __table_args__ = (sa.UniqueConstraint("team_id", "email"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    #: The invited address, lower-case; it need not have an account yet.
    email: str = Field(max_length=254, index=True)
    invited_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class LoginSession(SQLModel, table=True):
    """One login (a browser): its token is in the session and remember cookies; deleting the row ends it."""

    __tablename__ = "login_session"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    #: sha256 of the token the cookies carry; never the token itself.
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    #: The browser, as its User-Agent says, to tell sessions apart on the account page.
    user_agent: str = Field(default="", max_length=300)


class ThrottleCounter(SQLModel, table=True):
    """A login-throttle counter (Flask-Limiter's fixed window) kept in the database, shared by every web host."""

    __tablename__ = "throttle_counter"

    key: str = Field(sa_column=sa.Column(sa.String(300), primary_key=True))
    count: int = Field(default=0)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
