"""search: accent folding on PostgreSQL (unaccent in a foia_english text search configuration)

Revision ID: 0007_search_folding
Revises: 0006_page_indexes
Create Date: 2026-12-01 18:20:00

On PostgreSQL: create the `unaccent` extension if the role may (a superuser, or the database's owner on
PostgreSQL 13+ where unaccent is a trusted extension), then the `foia_english` configuration: english
with unaccent before the stemmer, so "pena" finds "Peña" as on Tantivy. When the extension cannot be
created the migration still succeeds: it says so, and the search backend keeps the plain `english`
configuration (accents count) until an administrator runs `CREATE EXTENSION unaccent;` and `foia reindex`.
Nothing changes on SQLite (the Tantivy index folds accents itself).
"""
import logging

from alembic import op
import sqlalchemy as sa


revision = '0007_search_folding'
down_revision = '0006_page_indexes'
branch_labels = None
depends_on = None

log = logging.getLogger("foia.migrations")

CREATE_CONFIG = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'foia_english') THEN
        CREATE TEXT SEARCH CONFIGURATION foia_english (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION foia_english
            ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;
    END IF;
END
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    has_unaccent = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")).first()
    if not has_unaccent:
        try:
            with bind.begin_nested():  # released on success, rolled back alone on failure
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
            has_unaccent = True
        except sa.exc.DBAPIError as error:
            message = str(getattr(error, "orig", error)).strip().splitlines()[0]
            log.warning("search: the unaccent extension could not be created (%s). PostgreSQL search works "
                        "but accents count (\"pena\" does not find \"Peña\") until someone allowed to runs "
                        "CREATE EXTENSION unaccent; in this database, then `foia reindex`.", message)
    if has_unaccent:
        bind.execute(sa.text(CREATE_CONFIG))
    # The backend rebuilds search_entry when its watermark name (configuration, text version) is new.
    bind.execute(sa.text("DELETE FROM search_watermark WHERE index_name = 'postgres:search_entry'"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.execute(sa.text("DROP TEXT SEARCH CONFIGURATION IF EXISTS foia_english"))
    bind.execute(sa.text("DELETE FROM search_watermark WHERE index_name LIKE 'postgres:search_entry:%'"))
