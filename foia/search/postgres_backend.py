"""Search on PostgreSQL full text, for deployments that want no local index.

The search_entry table holds a copy of every page and message body with its tsvector; the same
indexer keeps it up to date from the SearchChange watermark. Queries are built from our query tree
with plainto_tsquery / phraseto_tsquery / prefix to_tsquery and the tsquery operators, every value
bound, never spliced into SQL or into tsquery syntax.
"""
from __future__ import annotations

import functools
from datetime import UTC, datetime, time as day_time, timedelta

import sqlalchemy as sa
from sqlmodel import select

from foia.config import ConfigError
from foia.db import utcnow
from foia.search import indexer
from foia.search.index import (MARK_END, MARK_START, EngineHit, EngineResult, IndexBatch, IndexItem, SearchFilters,
                               has_unspaced, marked_html, space_unspaced)
from foia.search.models import SearchEntry
from foia.search.query import AnyOf, Phrase, SearchQuery, parse

#: Transaction-level advisory lock held by the one session writing search_entry.
WRITER_LOCK_ID = 724013
#: to_tsvector refuses more than 1 MB; words past this are not searchable.
MAX_INDEXED_CHARS = 500_000
HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")
CONFIG = sa.literal_column("'english'::regconfig")

table = SearchEntry.__table__


def _tsvector(text: str):
    text = space_unspaced(text)  # the english parser would keep a CJK sentence as one word
    return sa.func.to_tsvector(CONFIG, sa.func.left(sa.bindparam(None, text, type_=sa.Text), MAX_INDEXED_CHARS))


def to_tsquery(node):
    """A node of our query tree as a PostgreSQL tsquery expression with bound values."""
    if isinstance(node, AnyOf):
        return functools.reduce(sa.func.tsquery_or, [to_tsquery(option) for option in node.options])
    if isinstance(node, Phrase) or has_unspaced(node.text):  # a CJK word is a phrase of characters
        words = node.words if isinstance(node, Phrase) else (node.text,)
        return sa.func.phraseto_tsquery(CONFIG, sa.bindparam(None, space_unspaced(" ".join(words)), type_=sa.Text))
    if node.prefix:
        # The parser keeps only letters and digits in a word, so ":*" is the only syntax here.
        return sa.func.to_tsquery(CONFIG, sa.bindparam(None, node.text + ":*", type_=sa.Text))
    return sa.func.plainto_tsquery(CONFIG, sa.bindparam(None, node.text, type_=sa.Text))


def query_expression(query: SearchQuery):
    """The whole query: every required clause and none of the excluded ones."""
    parts = [to_tsquery(clause) for clause in query.required]
    parts += [sa.func.tsquery_not(to_tsquery(item)) for item in query.excluded]
    return functools.reduce(sa.func.tsquery_and, parts)


class PostgresSearchIndex:
    """SearchIndex on the search_entry table (PostgreSQL only)."""

    name = "postgres:search_entry"

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        #: The last change this process saw applied (it only spares a search the lock and queries).
        self._applied = -1

    def _check(self, session) -> None:
        if session.get_bind().dialect.name != "postgresql":
            raise ConfigError("FOIA_SEARCH_BACKEND=postgres needs FOIA_DATABASE_URL to be PostgreSQL")

    def is_behind(self, session) -> bool:
        """Whether the database has changes this process has not seen applied (one indexed MAX query)."""
        return indexer.latest_change_id(session) > self._applied

    def update(self, session, *, look_back: bool = True) -> int:
        """Apply the changes after the watermark; return how many items changed."""
        self._check(session)
        if not look_back and not self.is_behind(session):
            return 0  # the quick check before a search: nothing new
        changed = 0
        while True:
            if not session.exec(select(sa.func.pg_try_advisory_xact_lock(WRITER_LOCK_ID))).one():
                # Another process is writing (into the table every process reads).
                self._applied = max(self._applied, indexer.applied_change_id(session, self.name))
                session.rollback()
                return changed
            mark = indexer.watermark(session, self.name)
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
        for start in range(0, len(items), 500):
            rows = [dict(kind=item.kind, item_id=item.item_id, document_id=item.document_id,
                         request_id=item.request_id, agency_id=item.agency_id, scope=item.scope, page=item.page,
                         filename=item.filename, sender=item.sender, date=item.date, doc_type=item.doc_type,
                         text=item.text, tsv=_tsvector(item.text))
                    for item in items[start:start + 500]]
            session.exec(sa.insert(table).values(rows))

    def rebuild(self, session) -> int:
        """Refill search_entry from every page and message in one transaction (searches see the old copy until then)."""
        self._check(session)
        session.exec(select(sa.func.pg_advisory_xact_lock(WRITER_LOCK_ID))).one()
        started_at_change = indexer.latest_change_id(session)
        session.exec(sa.delete(table))
        count = 0
        for items in indexer.all_items(session):
            self._insert(session, items)
            count += len(items)
        mark = indexer.watermark(session, self.name)
        mark.last_change_id = started_at_change
        mark.rebuilt_at = utcnow()
        session.add(mark)
        session.commit()
        self._applied = started_at_change
        return count

    def search(self, session, query, *, visible_scopes=None, filters: SearchFilters | None = None,
               limit: int = 20, offset: int = 0) -> EngineResult:
        """Matching pages and messages, best first; visible_scopes None means everything (admins)."""
        self._check(session)
        query = query if isinstance(query, SearchQuery) else parse(query)
        if not query.is_searchable or (visible_scopes is not None and not visible_scopes):
            return EngineResult(0, [])
        count, top = self.statements(query, visible_scopes, filters, limit, offset)
        connection = session.connection()
        total = connection.execute(count).scalar()
        if not total:
            return EngineResult(0, [])
        hits = [EngineHit(kind=kind, item_id=item_id, document_id=document_id, request_id=request_id, page=page,
                          score=float(rank), snippet=marked_html(snippet.strip()))
                for kind, item_id, document_id, request_id, page, rank, snippet in connection.execute(top)]
        return EngineResult(total, hits)

    def statements(self, query: SearchQuery, visible=None, filters: SearchFilters | None = None, limit: int = 20,
                   offset: int = 0):
        """The two statements of a search: the count of matches, and the shown ones with their snippets."""
        filters = filters or SearchFilters()
        tsquery = query_expression(query)
        conditions = [table.c.tsv.op("@@")(tsquery)]
        if visible is not None:
            # A filter on the rows the words match (scope has no index of its own, so the planner keeps to
            # the word's GIN lookup).
            conditions.append(table.c.scope.in_(sorted(int(i) for i in visible)))
        if filters.request_id:
            conditions.append(table.c.request_id == int(filters.request_id))
        if filters.agency_id:
            conditions.append(table.c.agency_id == int(filters.agency_id))
        if filters.doc_type:
            conditions.append(table.c.doc_type == filters.doc_type)
        if filters.sender.strip():
            pattern = "%" + filters.sender.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(table.c.sender.ilike(pattern, escape="\\"))
        if filters.date_from:
            conditions.append(table.c.date >= datetime.combine(filters.date_from, day_time(), UTC))
        if filters.date_to:
            conditions.append(table.c.date < datetime.combine(filters.date_to + timedelta(days=1), day_time(), UTC))
        count = select(sa.func.count()).select_from(table).where(*conditions)
        rank = sa.func.ts_rank_cd(table.c.tsv, tsquery).label("rank")
        top = (select(table.c.id, rank).where(*conditions).order_by(rank.desc(), table.c.id)
               .limit(max(1, limit)).offset(max(0, offset)).subquery())
        # Snippets only for the shown rows: ts_headline re-parses the text, the costliest step.
        headline = sa.func.ts_headline(CONFIG, table.c.text, query_expression(_positive(query)),
                                       sa.bindparam(None, HEADLINE_OPTIONS, type_=sa.Text))
        rows = (select(table.c.kind, table.c.item_id, table.c.document_id, table.c.request_id, table.c.page,
                       top.c.rank, headline.label("snippet"))
                .join(top, top.c.id == table.c.id).order_by(top.c.rank.desc(), table.c.id))
        return count, rows


def _positive(query: SearchQuery) -> SearchQuery:
    return SearchQuery(text=query.text, required=list(query.required))
