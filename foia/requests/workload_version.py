"""The workload version a transaction sees (models.WorkloadVersion): what a page may keep its results under.

It is read in the login's statement (accounts.services.user_of_identity: every page asks that first), so a page
that keeps what it worked out pays no statement of its own to know whether that is still right.

What a transaction that wrote worked out must not be kept: its own writes are not in the number until it commits
(PostgreSQL raises it at the commit), and if it rolls back, what it read never existed (`wrote`).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from foia.db import transaction_wrote
from foia.requests.models import WorkloadVersion

_VERSION = "foia.workload_version"


def _version():
    return select(WorkloadVersion.version).where(WorkloadVersion.id == 1)


def version_column():
    """The version, as a column to read with another statement (None when the row is missing)."""
    return _version().scalar_subquery()


def remember(session: Session, version: int | None) -> None:
    """Keep the version a statement of this transaction read with something else (version_column)."""
    session.info[_VERSION] = version


def workload_version(session: Session) -> int | None:
    """The version this transaction sees (read now unless a statement of it read it already); None when the row is
    missing: then nothing may be kept or reused."""
    if _VERSION not in session.info:
        session.info[_VERSION] = session.exec(_version()).first()
    return session.info[_VERSION]


def wrote(session: Session) -> bool:
    """Whether this transaction wrote anything, however: then what it read may never be committed."""
    return transaction_wrote(session.connection())


@sa.event.listens_for(OrmSession, "after_commit")
@sa.event.listens_for(OrmSession, "after_rollback")
@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _new_transaction(session, *_) -> None:
    """The next transaction sees the version anew."""
    session.info.pop(_VERSION, None)
