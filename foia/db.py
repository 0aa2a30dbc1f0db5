"""Engine and sessions; SQLite gets WAL, foreign keys and a busy timeout.

Importing it loads SQLAlchemy Core only: SQLModel, pydantic and the table classes come with the
first session (`new_session`), so a command that reads through Core (`foia documents`) never pays for them.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event

if TYPE_CHECKING:
    from sqlmodel import Session

#: Constraint names, for the models' metadata (foia.model_base) and the Core tables (foia.documents.tables).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime, stored naive-UTC so SQLite and PostgreSQL agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC-aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_type(enum_class) -> sa.Enum:
    """Store an Enum by its value as a plain string column (no PostgreSQL enum type to migrate)."""
    return sa.Enum(enum_class, native_enum=False, create_constraint=False, length=32,
                   values_callable=lambda members: [m.value for m in members])


def utcnow() -> datetime:
    """The current time, UTC-aware."""
    return datetime.now(UTC)


def is_sqlite(url: str | sa.engine.Engine) -> bool:
    """True when the URL or engine is SQLite."""
    name = url.dialect.name if isinstance(url, sa.engine.Engine) else sa.engine.make_url(url).get_backend_name()
    return name == "sqlite"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> sa.engine.Engine:
    """Create the engine; nothing connects until first use."""
    url = normalise_url(url)
    if is_sqlite(url):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy manage BEGIN so "BEGIN IMMEDIATE" can be used for claims.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            immediate = connection.get_execution_options().get(IMMEDIATE)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
            connection.info[_CHANGES_AT_BEGIN] = connection.connection.driver_connection.total_changes

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


#: Execution option: on SQLite, begin transactions with BEGIN IMMEDIATE (take the write lock first).
IMMEDIATE = "foia_sqlite_immediate"
_CHANGES_AT_BEGIN = "foia.changes_at_begin"


def transaction_wrote(connection: sa.engine.Connection) -> bool:
    """Whether the connection's transaction has written anything yet (through the ORM, Core or plain SQL)."""
    if is_sqlite(connection.engine):
        return connection.connection.driver_connection.total_changes != connection.info.get(_CHANGES_AT_BEGIN)
    return connection.exec_driver_sql("SELECT txid_current_if_assigned()").scalar() is not None


def new_session(engine: sa.engine.Engine, *, immediate: bool = False) -> Session:
    """A session whose objects stay readable after commit.

    SQLite refuses at once (no busy wait) a transaction that read and then wants to write after
    another process wrote; `immediate` sessions take the write lock at BEGIN and wait their turn.
    Use them for anything that reads and then writes while other processes may write.
    Every table is registered by then (foia.models), whichever domain opened the session.
    """
    from sqlmodel import Session

    from foia import models  # noqa: F401
    bind = engine.execution_options(**{IMMEDIATE: True}) if immediate and is_sqlite(engine) else engine
    return Session(bind, expire_on_commit=False)


@contextmanager
def write_connection(engine: sa.engine.Engine):
    """A connection whose transactions take SQLite's write lock up front (a no-op on PostgreSQL)."""
    with engine.execution_options(**{IMMEDIATE: True}).connect() as connection:
        yield connection


def ping(engine: sa.engine.Engine) -> None:
    """Raise unless the database answers."""
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
