"""Accounts: creating users, checking passwords, teams and membership."""
from __future__ import annotations

from datetime import datetime

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from foia.accounts.models import LoginSession, Team, TeamInvitation, TeamMembership, User
from foia.errors import NotAllowed, NotFound, ValidationError
from foia.requests import workload_version

MIN_PASSWORD_LENGTH = 8
#: zxcvbn's score (0-4) a password needs: 3 is "safely unguessable" (about 10^8 guesses and more).
MIN_PASSWORD_SCORE = 3
#: zxcvbn looks at this much of a password; more adds nothing to its verdict and costs time.
_SCORED_CHARS = 100
#: A login lasts this long, whatever its cookies say.
LOGIN_LIFETIME = timedelta(days=30)
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    """Validate an address and return it lower-cased; raise ValidationError otherwise."""
    from email_validator import EmailNotValidError, validate_email  # here: most commands never check an address

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(str(error), {"email": str(error)}) from None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, hints: tuple[str, ...] = (), field: str = "password") -> None:
    """Refuse short, common and guessable passwords (zxcvbn), saying why and what would do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"Use at least {MIN_PASSWORD_LENGTH} characters."
        raise ValidationError(message, {field: message})
    from zxcvbn import zxcvbn  # here: its dictionaries cost a command 0.03 s to load

    verdict = zxcvbn(password[:_SCORED_CHARS], user_inputs=[h for h in hints if h])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        feedback = verdict.get("feedback") or {}
        reason = feedback.get("warning") or "This password is too easy to guess."
        advice = " ".join(feedback.get("suggestions") or []) or "Add another word or two; uncommon words are better."
        message = f"{reason.rstrip('.')}. {advice}"
        raise ValidationError(message, {field: message})


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def new_user_problems(session: Session, email: str, password: str, display_name: str = "", *,
                      tell_existing: bool = True) -> dict[str, str]:
    """Every reason no account can be made with this address and password, by field (all at once).

    The registration page passes `tell_existing=False`: whether an address has an account is never said
    there (its owner gets a mail instead)."""
    problems: dict[str, str] = {}
    address = ""
    try:
        address = normalise_email(email)
    except ValidationError as error:
        problems.update(error.fields)
    else:
        if tell_existing and find_user(session, address):
            problems["email"] = "An account with this email address already exists."
    try:
        check_password_strength(password, (address, address.split("@")[0], display_name))
    except ValidationError as error:
        problems.update(error.fields)
    return problems


def create_user(session: Session, email: str, password: str, *, display_name: str = "",
                is_admin: bool = False) -> User:
    """Add a user; the caller commits. Raises ValidationError naming every problem (address, password)."""
    problems = new_user_problems(session, email, password, display_name)
    if problems:
        raise ValidationError(next(iter(problems.values())), problems)
    address = normalise_email(email)
    user = User(email=address, password_hash=hash_password(password),
                display_name=display_name.strip(), is_admin=is_admin)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active user with this address and password, or None. Upgrades old hashes."""
    user = find_user(session, email)
    if user is None or not user.is_active:
        _hasher.hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        message = "The current password is wrong."
        raise ValidationError(message, {"current_password": message}) from None
    check_password_strength(new, (user.email, user.email.split("@")[0], user.display_name), field="new_password")
    user.password_hash = hash_password(new)


def update_profile(session: Session, user: User, *, display_name: str, signature: str) -> None:
    # A name goes into mail headers (From) and pages: one line of printable text.
    user.display_name = " ".join("".join(c if c.isprintable() else " " for c in display_name).split())[:200]
    user.signature = signature.strip()


# Teams -------------------------------------------------------------------------------------------

def teams_of(session: Session, user: User) -> list[Team]:
    """The teams a user belongs to, by name."""
    return list(session.exec(
        select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id).order_by(Team.name)))


def is_member(session: Session, user: User | None, team_id: int | None) -> bool:
    if user is None or team_id is None:
        return False
    return session.get(TeamMembership, (team_id, user.id)) is not None


def create_team(session: Session, actor: User, name: str) -> Team:
    """A new team with the actor as its first (admin) member."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the team a name.", {"name": "Give the team a name."})
    if session.exec(select(Team).where(Team.name == name)).first():
        message = "A team with this name already exists."
        raise ValidationError(message, {"name": message})
    team = Team(name=name)
    session.add(team)
    session.flush()
    session.add(TeamMembership(team_id=team.id, user_id=actor.id, is_team_admin=True))
    return team


def get_team(session: Session, actor: User, team_id: int) -> Team:
    """A team the actor belongs to (admins see all); NotFound otherwise."""
    team = session.get(Team, team_id)
    if team is None or not (actor.is_admin or is_member(session, actor, team_id)):
        raise NotFound("team")
    return team


def team_members(session: Session, team: Team) -> list[tuple[User, TeamMembership]]:
    return list(session.exec(
        select(User, TeamMembership).join(TeamMembership, TeamMembership.user_id == User.id)
        .where(TeamMembership.team_id == team.id).order_by(User.email)))


def _require_team_admin(session: Session, actor: User, team: Team) -> None:
    membership = session.get(TeamMembership, (team.id, actor.id))
    if not actor.is_admin and not (membership and membership.is_team_admin):
        raise NotAllowed("Only the team's admins can change who is in it.")


def invite_member(session: Session, actor: User, team: Team, email: str, now: datetime) -> TeamInvitation:
    """Invite an address to a team; its owner joins when they accept. Whether the address has an account
    (or is already in the team) is never told: the answer is the same."""
    _require_team_admin(session, actor, team)
    address = normalise_email(email)
    invitation = session.exec(select(TeamInvitation).where(TeamInvitation.team_id == team.id,
                                                           TeamInvitation.email == address)).first()
    if invitation is None:
        invitation = TeamInvitation(team_id=team.id, email=address, invited_by_id=actor.id, created_at=now)
        session.add(invitation)
        session.flush()
    return invitation


def pending_invitations(session: Session, user: User) -> list[tuple[TeamInvitation, Team]]:
    """Invitations waiting for this user's answer, with their teams."""
    return list(session.exec(select(TeamInvitation, Team).join(Team, Team.id == TeamInvitation.team_id)
                             .where(TeamInvitation.email == user.email).order_by(TeamInvitation.created_at)))


def team_invitations(session: Session, team: Team) -> list[TeamInvitation]:
    """Invitations to the team nobody has answered yet (for its admins)."""
    return list(session.exec(select(TeamInvitation).where(TeamInvitation.team_id == team.id)
                             .order_by(TeamInvitation.created_at)))


def answer_invitation(session: Session, user: User, invitation_id: int, accept: bool) -> Team:
    """Join the team (accept) or drop the invitation; only the invited address's owner may."""
    invitation = session.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.email != user.email:
        raise NotFound("invitation")
    team = session.get(Team, invitation.team_id)
    if accept and session.get(TeamMembership, (team.id, user.id)) is None:
        session.add(TeamMembership(team_id=team.id, user_id=user.id))
    session.delete(invitation)
    session.flush()
    return team


def cancel_invitation(session: Session, actor: User, team: Team, invitation_id: int) -> None:
    _require_team_admin(session, actor, team)
    invitation = session.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.team_id != team.id:
        raise NotFound("invitation")
    session.delete(invitation)


# Logins ------------------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(session: Session, user: User, now: datetime, user_agent: str = "") -> str:
    """A new login for this browser; returns the token its cookies carry (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, token_hash=_token_hash(token), created_at=now, last_seen_at=now,
                             user_agent=(user_agent or "")[:300]))
    session.flush()
    return token


def login_identity(user: User, token: str) -> str:
    """What the session and remember cookies carry: the user's id and their login's token."""
    return f"{user.id}:{token}"


def user_of_identity(session: Session, identity: str, now: datetime) -> User | None:
    """The active user whose login this identity names, while the login lasts; None otherwise."""
    user_id, _, token = (identity or "").partition(":")
    if not user_id.isdigit() or len(user_id) > 12 or not token:
        return None
    # With its user and the workload version in the same statement: every page asks this first, and a page that
    # keeps what it worked out (the dashboard) checks it against that version.
    found = session.exec(select(LoginSession, User, workload_version.version_column())
                         .join(User, User.id == LoginSession.user_id)
                         .where(LoginSession.token_hash == _token_hash(token))).first()
    if found is None:
        return None
    login, user, version = found
    workload_version.remember(session, version)
    if login.user_id != int(user_id) or login.created_at < now - LOGIN_LIFETIME:
        return None
    return user if user.is_active else None


def end_login(session: Session, identity: str | None) -> None:
    """End one login (log out): its cookies, even copied, no longer log anyone in."""
    _, _, token = (identity or "").partition(":")
    if token:
        session.exec(sa.delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_other_logins(session: Session, user: User, identity: str | None) -> int:
    """End every login of the user but this one; how many ended."""
    _, _, token = (identity or "").partition(":")
    keep = _token_hash(token) if token else ""
    result = session.exec(sa.delete(LoginSession).where(LoginSession.user_id == user.id,
                                                        LoginSession.token_hash != keep))
    return result.rowcount or 0


def logins_of(session: Session, user: User) -> list[LoginSession]:
    return list(session.exec(select(LoginSession).where(LoginSession.user_id == user.id)
                             .order_by(LoginSession.created_at.desc())))


# Registration ------------------------------------------------------------------------------------

def registration_claims(session: Session, email: str, password: str, display_name: str) -> dict:
    """Check a registration and return what its confirmation link will carry (never the password itself).

    Whether the address already has an account is not told here: both cases get a mail."""
    address = normalise_email(email)
    check_password_strength(password, (address, address.split("@")[0], display_name))
    return {"email": address, "name": display_name.strip()[:200], "hash": hash_password(password)}


def complete_registration(session: Session, claims: dict) -> User | None:
    """Create the account a confirmation link names; None when the address has one already."""
    address = normalise_email(claims.get("email", ""))
    if find_user(session, address):
        return None
    user = User(email=address, password_hash=claims["hash"], display_name=claims.get("name", ""))
    session.add(user)
    session.flush()
    return user


def remove_member(session: Session, actor: User, team: Team, user_id: int) -> None:
    _require_team_admin(session, actor, team)
    membership = session.get(TeamMembership, (team.id, user_id))
    if membership is None:
        raise NotFound("member")
    session.delete(membership)
