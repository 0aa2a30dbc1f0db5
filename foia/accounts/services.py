"""Accounts: creating users, checking passwords, teams and membership."""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from foia.accounts.models import Team, TeamMembership, User
from foia.errors import NotAllowed, NotFound, ValidationError

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    """Validate an address and return it lower-cased; raise ValidationError otherwise."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(str(error), {"email": str(error)}) from None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"Use at least {MIN_PASSWORD_LENGTH} characters."
        raise ValidationError(message, {"password": message})


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def new_user_problems(session: Session, email: str, password: str) -> dict[str, str]:
    """Every reason no account can be made with this address and password, by field (all at once)."""
    problems: dict[str, str] = {}
    try:
        address = normalise_email(email)
    except ValidationError as error:
        problems.update(error.fields)
    else:
        if find_user(session, address):
            problems["email"] = "An account with this email address already exists."
    try:
        check_password_strength(password)
    except ValidationError as error:
        problems.update(error.fields)
    return problems


def create_user(session: Session, email: str, password: str, *, display_name: str = "",
                is_admin: bool = False) -> User:
    """Add a user; the caller commits. Raises ValidationError naming every problem (address, password)."""
    problems = new_user_problems(session, email, password)
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
    check_password_strength(new)
    user.password_hash = hash_password(new)


def update_profile(session: Session, user: User, *, display_name: str, signature: str) -> None:
    user.display_name = display_name.strip()
    user.signature = signature.strip()


# Teams -------------------------------------------------------------------------------------------

def teams_of(session: Session, user: User) -> list[Team]:
    """The teams a user belongs to, by name."""
    return list(session.exec(
        select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id).order_by(Team.name)))


def team_ids_of(session: Session, user: User | None) -> list[int]:
    if user is None:
        return []
    return list(session.exec(select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)))


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


def add_member(session: Session, actor: User, team: Team, email: str) -> User:
    """Add an existing user to a team by email address."""
    _require_team_admin(session, actor, team)
    user = find_user(session, email)
    if user is None:
        message = "No user has this email address. They need an account first."
        raise ValidationError(message, {"email": message})
    if session.get(TeamMembership, (team.id, user.id)) is None:
        session.add(TeamMembership(team_id=team.id, user_id=user.id))
    return user


def remove_member(session: Session, actor: User, team: Team, user_id: int) -> None:
    _require_team_admin(session, actor, team)
    membership = session.get(TeamMembership, (team.id, user_id))
    if membership is None:
        raise NotFound("member")
    session.delete(membership)
