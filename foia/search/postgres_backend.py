"""Search on PostgreSQL full text, for deployments that want no local index.

The search_entry table holds a copy of every page and message body with its tsvector; the same
indexer keeps it up to date from the SearchChange watermark. Queries are built from our query tree
with plainto_tsquery / phraseto_tsquery / prefix to_tsquery and the tsquery operators, every value
bound, never spliced into SQL or into tsquery syntax.

Words as Tantivy sees them:
- Accents are folded by the `foia_english` text search configuration (unaccent, then the English
  stemmer), which migration 0006 creates when the `unaccent` extension is available; without it the
  plain `english` configuration is used and accents count (the README says how to add it later).
- PostgreSQL's parser keeps an email address, a host name, a path or a number like 3.14 as one token,
  so "orlando" would not find records@orlando-police.example. The stored copy of the text has each
  such joining character (@ . - / : and a few more, between two letters or digits) replaced by a
  private-use character of its own: the parser sees separate words, exactly the words our query
  parser makes of what a person types, and snippets turn the characters back into the original ones.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, time as day_time, timedelta

import sqlalchemy as sa
from sqlmodel import select

from foia.config import ConfigError
from foia.db import utcnow
from foia.search import indexer
from foia.search.index import (MARK_END, MARK_START, EngineHit, EngineResult, IndexBatch, IndexItem, SearchFilters,
                               has_unspaced, marked_html, space_unspaced)
from foia.search.models import SearchEntry, SearchWatermark
from foia.search.query import AnyOf, Phrase, SearchQuery, parse

#: Transaction-level advisory lock held by the one session writing search_entry.
WRITER_LOCK_ID = 724013
#: to_tsvector refuses more than 1 MB; words past this are not searchable.
MAX_INDEXED_CHARS = 500_000
HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")
#: The accent-folding configuration migration 0006 creates (unaccent + english_stem), and the fallback.
FOLDING_CONFIG = "foia_english"
PLAIN_CONFIG = "english"
#: Bump when what is stored in search_entry changes: the table is then rebuilt (the watermark name changes).
TEXT_VERSION = 2

table = SearchEntry.__table__

#: Characters that join words into one PostgreSQL token (email, host, file, version, float, hyphenated
#: word), each with the private-use stand-in stored in its place; U+E000/U+E001 are the highlight marks.
JOINERS = "@.-/:+_~%=&?#\\,'"
_STAND_IN = {joiner: chr(0xE010 + number) for number, joiner in enumerate(JOINERS)}
_RESTORE = str.maketrans({stand_in: joiner for joiner, stand_in in _STAND_IN.items()})
_STAND_INS = "".join(_STAND_IN.values())
_JOINED = re.compile(r"(?<=[^\W_])([" + re.escape(JOINERS) + r"])(?=[^\W_])")
#: Put between two CJK characters (the english parser would keep a CJK sentence as one word); shown as nothing.
CJK_GAP = "\ue00f"
_RESTORE[ord(CJK_GAP)] = None
_STRAY_STAND_IN = re.compile(f"[{_STAND_INS}{CJK_GAP}]")


def stored_text(text: str) -> str:
    """The text as search_entry stores it: joining characters between words replaced by their stand-ins,
    CJK characters apart (each a word of its own)."""
    text = _STRAY_STAND_IN.sub(" ", text)  # a stand-in in the text itself would come back as a joiner
    return _JOINED.sub(lambda match: _STAND_IN[match.group(1)], space_unspaced(text, CJK_GAP))


def shown_text(stored: str) -> str:
    """A snippet of stored text as it was written: joining characters back, CJK characters together."""
    return stored.translate(_RESTORE)


def _tsquery_sql(node, config: str, params: list) -> str:
    """A node of our query tree as tsquery SQL; the words go into params (psycopg's %s placeholders)."""
    if isinstance(node, AnyOf):
        return "(" + " || ".join(_tsquery_sql(option, config, params) for option in node.options) + ")"
    if isinstance(node, Phrase) or has_unspaced(node.text):  # a CJK word is a phrase of characters
        words = node.words if isinstance(node, Phrase) else (node.text,)
        params.append(space_unspaced(" ".join(words)))
        return f"phraseto_tsquery('{config}', %s)"
    if node.prefix:
        # The parser keeps only letters and digits in a word, so ":*" is the only syntax here.
        params.append(node.text + ":*")
        return f"to_tsquery('{config}', %s)"
    params.append(node.text)
    return f"plainto_tsquery('{config}', %s)"


def query_sql(query: SearchQuery, config: str, params: list, *, positive_only: bool = False) -> str:
    """The whole query as tsquery SQL: every required clause and none of the excluded ones."""
    parts = [_tsquery_sql(clause, config, params) for clause in query.required]
    if not positive_only:
        parts += ["!!" + _tsquery_sql(item, config, params) for item in query.excluded]
    return "(" + " && ".join(parts) + ")"


def _fetch(session, sql: str, params: list) -> list[tuple]:
    """Rows of one read, straight from psycopg on the session's connection (within its transaction): SQLAlchemy's
    statement building and compiling cost more than a rare word's search."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


#: Migration 0006's statement: the accent-folding configuration, made when unaccent is installed.
_FOLDING_CONFIG_SQL = f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent')
       AND NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{FOLDING_CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {FOLDING_CONFIG} (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION {FOLDING_CONFIG}
            ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;
    END IF;
END
$$"""


def _add_folding_config(session) -> None:
    """Make the accent-folding configuration when unaccent was installed after migration 0006 (a rebuild
    does it: `CREATE EXTENSION unaccent;` then `foia reindex`); no change when the role may not."""
    try:
        with session.begin_nested():  # released on success, rolled back alone on failure
            session.exec(sa.text(_FOLDING_CONFIG_SQL))
    except sa.exc.DBAPIError:
        pass


#: The columns search.services shows of each hit, in the order of its _PAGES and _MESSAGES queries, read in the
#: search's own statement (their rows as they are now: a hit whose row is gone has NULLs and is dropped).
PAGE_COLUMNS = ["p.id", "p.number", "d.id", "d.filename", "d.page_count", "d.request_id", "pr.id",
                "pr.tracking_code", "pr.title", "d.is_private", "d.uploaded_by_id", "dm.imported_by_id"]
MESSAGE_COLUMNS = ["m.id", "m.request_id", "m.subject", "m.from_name", "m.from_address", "mr.id",
                   "mr.tracking_code", "mr.title", "m.is_private", "m.imported_by_id"]
SHOWN_ROWS = ("LEFT JOIN page p ON e.kind = 'page' AND p.id = e.item_id "
              "LEFT JOIN document d ON d.id = p.document_id "
              "LEFT JOIN message dm ON dm.id = d.message_id "
              "LEFT JOIN foia_request pr ON pr.id = d.request_id "
              "LEFT JOIN message m ON e.kind = 'message' AND m.id = e.item_id "
              "LEFT JOIN foia_request mr ON mr.id = m.request_id")


def _escaped_like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PostgresSearchIndex:
    """SearchIndex on the search_entry table (PostgreSQL only)."""

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        #: The last change this process saw applied (it only spares a search the lock and queries).
        self._applied = -1
        #: The text search configuration in use, found on first use (FOLDING_CONFIG when it exists).
        self._config: str | None = None

    def _check(self, session) -> None:
        if session.get_bind().dialect.name != "postgresql":
            raise ConfigError("FOIA_SEARCH_BACKEND=postgres needs FOIA_DATABASE_URL to be PostgreSQL")

    def config(self, session) -> str:
        """foia_english (accents folded) when the database has it, else english."""
        if self._config is None:
            self._check(session)
            found = _fetch(session, "SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [FOLDING_CONFIG])
            self._config = FOLDING_CONFIG if found else PLAIN_CONFIG
        return self._config

    def watermark_name(self, session) -> str:
        """The watermark of search_entry as it is written now: another configuration or text version rebuilds it."""
        return f"postgres:search_entry:{self.config(session)}:v{TEXT_VERSION}"

    def is_behind(self, session, latest_change_id: int | None = None) -> bool:
        """Whether the database has changes this process has not seen applied (one indexed MAX query, unless
        the caller read the newest change id already)."""
        if latest_change_id is None:
            latest_change_id = indexer.latest_change_id(session)
        return latest_change_id > self._applied

    def update(self, session, *, look_back: bool = True) -> int:
        """Apply the changes after the watermark; return how many items changed."""
        self._check(session)
        if not look_back and not self.is_behind(session):
            return 0  # the quick check before a search: nothing new
        if look_back:
            self._config = None  # the periodic run looks again: a rebuild elsewhere may have changed it
        name = self.watermark_name(session)
        changed = 0
        while True:
            if not session.exec(select(sa.func.pg_try_advisory_xact_lock(WRITER_LOCK_ID))).one():
                # Another process is writing (into the table every process reads).
                self._applied = max(self._applied, indexer.applied_change_id(session, name))
                session.rollback()
                return changed
            if session.get(SearchWatermark, name) is None:
                # Never written this way (a new database, or the configuration or text version changed).
                return self._rebuild_locked(session)
            mark = indexer.watermark(session, name)
            changes = indexer.pending_changes(session, mark.last_change_id, look_back=look_back)
            if not changes:
                self._applied = mark.last_change_id
                session.commit()
                return changed
            batch = indexer.collect(session, changes)
            self._apply(session, batch)
            mark.last_change_id = max(mark.last_change_id, changes[-1].id)
            session.add(mark)
            session.commit()
            changed += len(batch)
            if len(changes) < indexer.CHANGES_PER_ROUND:
                self._applied = mark.last_change_id
                return changed

    def _apply(self, session, batch: IndexBatch) -> None:
        keys = batch.deleted + [(item.kind, item.item_id) for item in batch.upserts]
        for kind in ("page", "message"):
            ids = [item_id for k, item_id in keys if k == kind]
            for start in range(0, len(ids), 1000):
                session.exec(sa.delete(table).where(table.c.kind == kind, table.c.item_id.in_(ids[start:start + 1000])))
        if batch.replaced_documents:
            session.exec(sa.delete(table).where(table.c.kind == "page",
                                                table.c.document_id.in_(batch.replaced_documents)))
        self._insert(session, batch.upserts)

    def _insert(self, session, items: list[IndexItem]) -> None:
        config = sa.literal_column(f"'{self.config(session)}'::regconfig")
        for start in range(0, len(items), 500):
            rows = []
            for item in items[start:start + 500]:
                text = stored_text(item.text)
                rows.append(dict(kind=item.kind, item_id=item.item_id, document_id=item.document_id,
                                 request_id=item.request_id, agency_id=item.agency_id, scope=item.scope,
                                 page=item.page, filename=item.filename, sender=item.sender, date=item.date,
                                 doc_type=item.doc_type, text=text,
                                 tsv=sa.func.to_tsvector(config, sa.func.left(sa.bindparam(None, text, type_=sa.Text),
                                                                              MAX_INDEXED_CHARS))))
            session.exec(sa.insert(table).values(rows))

    def rebuild(self, session) -> int:
        """Refill search_entry from every page and message in one transaction (searches see the old copy until then)."""
        self._check(session)
        session.exec(select(sa.func.pg_advisory_xact_lock(WRITER_LOCK_ID))).one()
        _add_folding_config(session)
        self._config = None  # look again: it may exist now
        return self._rebuild_locked(session)

    def _rebuild_locked(self, session) -> int:
        started_at_change = indexer.latest_change_id(session)
        session.exec(sa.delete(table))
        count = 0
        for items in indexer.all_items(session):
            self._insert(session, items)
            count += len(items)
        session.exec(sa.delete(SearchWatermark.__table__).where(SearchWatermark.index_name.like("postgres:%")))
        name = self.watermark_name(session)
        session.add(SearchWatermark(index_name=name, last_change_id=started_at_change, rebuilt_at=utcnow()))
        session.commit()
        self._applied = started_at_change
        return count

    def search(self, session, query, *, visible_scopes=None, filters: SearchFilters | None = None,
               limit: int = 20, offset: int = 0) -> EngineResult:
        """Matching pages and messages, best first; visible_scopes None means everything (admins)."""
        query = query if isinstance(query, SearchQuery) else parse(query)
        if not query.is_searchable or (visible_scopes is not None and not visible_scopes):
            return EngineResult(0, [])
        sql, params = self.statement(self.config(session), query, visible_scopes, filters, limit, offset)
        rows = _fetch(session, sql, params)
        if not rows and offset:
            # Past the last match: the total alone.
            sql, params = self.statement(self.config(session), query, visible_scopes, filters, 1, 0)
            rows = _fetch(session, sql, params)
            return EngineResult(rows[0][0] if rows else 0, [])
        if not rows:
            return EngineResult(0, [])
        hits = []
        shown: dict[str, dict[int, tuple]] = {"page": {}, "message": {}}
        for row in rows:
            _total, kind, item_id, document_id, request_id, page, rank, snippet = row[:8]
            hits.append(EngineHit(kind=kind, item_id=item_id, document_id=document_id, request_id=request_id,
                                  page=page, score=float(rank), snippet=marked_html(shown_text(snippet.strip()))))
            found = row[8:8 + len(PAGE_COLUMNS)] if kind == "page" else row[8 + len(PAGE_COLUMNS):]
            if found[0] is not None:  # the row still exists
                shown[kind][item_id] = tuple(found)
        return EngineResult(rows[0][0], hits, rows=shown)

    @staticmethod
    def statement(config: str, query: SearchQuery, visible=None, filters: SearchFilters | None = None,
                  limit: int = 20, offset: int = 0) -> tuple[str, list]:
        """The one statement of a search (psycopg placeholders, values in the list): each shown match with
        its total, rank and snippet. The matches are ranked once; ts_headline, which re-parses the text
        (the costliest step), runs only for the shown rows."""
        filters = filters or SearchFilters()
        params: list = []
        tsquery = query_sql(query, config, params)
        conditions = ["tsv @@ (SELECT q FROM wanted)"]
        if visible is not None:
            # A filter on the rows the words match (scope has no index of its own, so the planner keeps to
            # the word's GIN lookup).
            conditions.append("scope = ANY(%s)")
            params.append(sorted(int(i) for i in visible))
        if filters.request_id:
            conditions.append("request_id = %s")
            params.append(int(filters.request_id))
        if filters.agency_id:
            conditions.append("agency_id = %s")
            params.append(int(filters.agency_id))
        if filters.doc_type:
            conditions.append("doc_type = %s")
            params.append(filters.doc_type)
        if filters.sender.strip():
            conditions.append("sender ILIKE %s ESCAPE '\\'")
            params.append(_escaped_like(filters.sender.strip()))
        if filters.date_from:
            conditions.append("date >= %s")
            params.append(datetime.combine(filters.date_from, day_time(), UTC))
        if filters.date_to:
            conditions.append("date < %s")
            params.append(datetime.combine(filters.date_to + timedelta(days=1), day_time(), UTC))
        params += [max(1, limit), max(0, offset)]
        highlight = query_sql(query, config, params, positive_only=True)
        params.append(HEADLINE_OPTIONS)
        sql = (f"WITH wanted AS (SELECT {tsquery} AS q), "
               f"matched AS MATERIALIZED (SELECT id, ts_rank_cd(tsv, (SELECT q FROM wanted)) AS rank "
               f"FROM search_entry WHERE {' AND '.join(conditions)}), "
               f"shown AS (SELECT id, rank FROM matched ORDER BY rank DESC, id LIMIT %s OFFSET %s) "
               f"SELECT (SELECT count(*) FROM matched), e.kind, e.item_id, e.document_id, e.request_id, e.page, "
               f"shown.rank, ts_headline('{config}', e.text, {highlight}, %s), "
               f"{', '.join(PAGE_COLUMNS + MESSAGE_COLUMNS)} "
               f"FROM shown JOIN search_entry e ON e.id = shown.id {SHOWN_ROWS} ORDER BY shown.rank DESC, e.id")
        return sql, params
