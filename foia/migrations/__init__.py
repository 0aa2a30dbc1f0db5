"""Alembic, driven from code: `foia db upgrade` and the tests use `upgrade(engine)`.

Checking whether a database is up to date (every command does) reads the revision table and the
revision files directly: importing Alembic would cost a command more than the rest of its work.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*['\"]?([\w.-]+)['\"]?\s*$", re.MULTILINE)


def alembic_config(connection: sa.engine.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.engine.Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to run from several processes at once on PostgreSQL."""
    from alembic import command

    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_lock(724011)"))
            connection.commit()
        try:
            command.upgrade(alembic_config(connection), revision)
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_unlock(724011)"))
                connection.commit()


def current_revision(engine: sa.engine.Engine) -> str | None:
    """The revision the database is at; None for a database Alembic never touched."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str:
    """The newest revision this version of the code knows: the one no other revision names as its parent
    (the revisions are linear; tests/unit/core/test_config_and_schema.py checks this against Alembic's)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION_LINE.findall(path.read_text()))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision"))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"The migrations must form one line; their heads are {sorted(heads)}")
    return heads.pop()
