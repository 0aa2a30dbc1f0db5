"""Accent folding on PostgreSQL needs the unaccent extension, which not every database role may create.

Migration 0006 creates it when it may; when it may not, the upgrade still succeeds, says what to do, and
search works with accents counting, until someone allowed runs `CREATE EXTENSION unaccent;` and `foia reindex`.
"""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from foia import db, migrations
from foia.search import services
from foia.search.index import SearchFilters
from tests.conftest import DEFAULT_NOW, PG_URL
from tests.unit.search.records import add_document

LIMITED_ROLE = "foia_search_limited"
#: The folding migration and the revision before it: the test runs that one migration again, as a role that
#: may or may not create the extension; the migrations after it are already in place and stay so.
FOLDING, BEFORE_FOLDING = "0007_search_folding", "0006_page_indexes"


def _run_folding_again(engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": BEFORE_FOLDING})
    migrations.upgrade(engine, FOLDING)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": migrations.head_revision()})

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not (PG_URL or "").startswith("postgres"),
                       reason="unaccent is PostgreSQL's: runs in the PostgreSQL pass of the suite"),
]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SEARCH_BACKEND": "postgres"}


def _restore(superuser) -> None:
    """Leave the test database as migrations make it: unaccent and foia_english present, no limited role."""
    with superuser.begin() as connection:
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    _run_folding_again(superuser)
    with superuser.begin() as connection:
        if connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": LIMITED_ROLE}).first():
            connection.execute(sa.text(f"DROP OWNED BY {LIMITED_ROLE}"))
            connection.execute(sa.text(f"DROP ROLE {LIMITED_ROLE}"))


def _found(session, runtime, query: str) -> set[int]:
    results = services.search(session, runtime, None, DEFAULT_NOW, query, SearchFilters(), as_operator=True)
    session.commit()
    return {group.document.id for group in results.groups if group.document is not None}


def test_a_role_that_may_not_create_unaccent_still_upgrades_and_searches_until_a_superuser_adds_it(
        database_url, session, runtime, caplog):
    superuser = db.make_engine(PG_URL)
    try:
        with superuser.begin() as connection:
            connection.execute(sa.text("DROP TEXT SEARCH CONFIGURATION IF EXISTS foia_english"))
            connection.execute(sa.text("DROP EXTENSION IF EXISTS unaccent"))
            if connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": LIMITED_ROLE}).first():
                connection.execute(sa.text(f"DROP OWNED BY {LIMITED_ROLE}"))  # what a run stopped midway left
                connection.execute(sa.text(f"DROP ROLE {LIMITED_ROLE}"))
            # Like an application's role on a managed database: it may use the tables, not create extensions.
            connection.execute(sa.text(f"CREATE ROLE {LIMITED_ROLE} LOGIN NOSUPERUSER"))
            connection.execute(sa.text(f"GRANT USAGE, CREATE ON SCHEMA public TO {LIMITED_ROLE}"))
            connection.execute(sa.text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {LIMITED_ROLE}"))
        limited = db.make_engine(PG_URL.replace("postgres@", f"{LIMITED_ROLE}@", 1))
        try:
            with caplog.at_level(logging.WARNING, logger="foia.migrations"):
                _run_folding_again(limited)
            assert migrations.current_revision(limited) == migrations.head_revision()
        finally:
            limited.dispose()
        warning = " ".join(record.getMessage() for record in caplog.records)
        assert "unaccent" in warning and "CREATE EXTENSION unaccent" in warning and "foia reindex" in warning

        document = add_document(session, None, ["Letter from Sgt. María Peña of the Orlando police."])
        assert runtime.search.config(session) == "english"
        assert _found(session, runtime, "Peña") == {document.id}  # words as written are still found
        assert _found(session, runtime, "orlando") == {document.id}
        assert _found(session, runtime, "pena") == set()  # but accents count

        # What the README says to do: a superuser adds the extension, then `foia reindex`.
        with superuser.begin() as connection:
            connection.execute(sa.text("CREATE EXTENSION unaccent"))
        runtime.search.rebuild(session)
        assert runtime.search.config(session) == "foia_english"
        assert _found(session, runtime, "pena") == {document.id}
    finally:
        _restore(superuser)
        superuser.dispose()
