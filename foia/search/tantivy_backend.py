"""The default search backend: a Tantivy index in instance/search/.

Layout of the folder:
    current            the name of the generation in use (replaced atomically after a rebuild)
    v<schema>-<ns>/    one generation of the index
    writer.lock        held (flock) by the one process that writes; all others only read

A missing, unreadable or outdated index is rebuilt from the database instead of failing a search.
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, time as day_time, timedelta
from pathlib import Path

import tantivy
from tantivy import Document, Filter, Index, Occur, Query, SchemaBuilder, SnippetGenerator, TextAnalyzerBuilder, Tokenizer

from foia.search import indexer
from foia.search.index import (UNSPACED_CHARS, EngineHit, EngineResult, IndexBatch, IndexItem, SearchFilters,
                               index_name, marked_html, space_unspaced)
from foia.search.query import AnyOf, Phrase, SearchQuery, Word, parse

log = logging.getLogger("foia.search")

#: Bump when the fields change: an index of another version is rebuilt.
SCHEMA_VERSION = 4
#: How many dictionary words a prefix* may stand for (the most frequent ones).
MAX_PREFIX_EXPANSIONS = 64
SNIPPET_CHARS = 220
WRITER_HEAP = 64_000_000
REBUILD_HEAP = 256_000_000


def build_schema() -> tantivy.Schema:
    """The fields of every indexed page and message."""
    builder = SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")  # page:ID | message:ID
    builder.add_text_field("doc_key", tokenizer_name="raw")  # document:ID, to drop a document's pages
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    # scope: who may find it (access.content_scope).
    for name in ("item_id", "document_id", "request_id", "agency_id", "page", "scope"):
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    builder.add_text_field("filename", stored=True)
    builder.add_text_field("sender", stored=True)
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    builder.add_text_field("doc_type", stored=True, tokenizer_name="raw")
    # Chinese, Japanese and Korean characters are stored spaced (index.space_unspaced), each a word
    # of its own: the simple tokenizer would keep a whole sentence as one over-long word and drop
    # it. A query word in them becomes a phrase of characters ("警察" inside "京都の警察は…").
    builder.add_text_field("text", stored=True, tokenizer_name=TEXT_TOKENIZER)
    return builder.build()


TEXT_TOKENIZER = "foia_text"
#: A space that spacing put between two CJK characters, perhaps beside highlight tags.
_CJK_SPACE = re.compile(rf"([{UNSPACED_CHARS}])((?:</?b>)*) ((?:</?b>)*)(?=[{UNSPACED_CHARS}])")


def _unspaced(snippet: str) -> str:
    """A snippet of stored (spaced) text as it was written."""
    return _CJK_SPACE.sub(r"\1\2\3", snippet)


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    """Words as the text field indexes them (stem=True: accents folded, so "cafe" finds "café", and
    English stems), or as typed, lower-cased, for prefixes and the sender field."""
    builder = TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(40)).filter(Filter.lowercase())
    if stem:
        builder = builder.filter(Filter.ascii_fold()).filter(Filter.stemmer("english"))
    return builder.build()

#: Scope filters kept (about one for each searcher searching at the moment).
SCOPE_FILTERS_KEPT = 16


class TantivySearchIndex:
    """SearchIndex on a local Tantivy index; safe to share between threads."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.name = index_name(self.folder.resolve())
        self.schema = build_schema()
        self._text_words = _analyzer(stem=True)
        self._plain_words = _analyzer(stem=False)
        self._thread_lock = threading.RLock()
        self._index: Index | None = None
        self._generation: str | None = None
        #: The last change this process saw applied (it only spares a search the writer lock).
        self._applied = -1
        self._pointer_identity: tuple | None = None
        #: The scope filter of the last few sets of scopes searched with (search.services hands a searcher the
        #: same frozenset while what they may see is unchanged): a term set of 17,000 scopes costs more to build
        #: than the search. Keyed by the set itself, so a different set is a different filter.
        self._scope_filters: dict[frozenset, Query] = {}
        self._pointer_name: str | None = None

    # -- opening ---------------------------------------------------------------------------

    def _current_generation(self) -> str | None:
        pointer = self.folder / "current"
        try:
            # A rebuild replaces the file (os.replace: a new inode), so the name is read again only then.
            stat = pointer.stat()
            identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if identity == self._pointer_identity and self._pointer_name is not None:
                name = self._pointer_name
            else:
                name = pointer.read_text().strip()
                self._pointer_identity, self._pointer_name = identity, name
        except OSError:
            return None
        if not name.startswith(f"v{SCHEMA_VERSION}-") or "/" in name:
            return None
        return name

    def _open(self) -> Index | None:
        """The index in use, reopened when another process rebuilt it; None when missing or unreadable."""
        generation = self._current_generation()
        if generation is None:
            return None
        with self._thread_lock:
            if self._index is not None and generation == self._generation:
                return self._index
            path = self.folder / generation
            try:
                if not (path / "meta.json").is_file() or not Index.exists(str(path)):
                    return None
                index = Index.open(str(path))
                index.register_tokenizer(TEXT_TOKENIZER, self._text_words)
                index.searcher()  # reads the segment list: fails now rather than mid-search
            except (OSError, ValueError) as error:
                log.warning("search index %s unreadable (%s); it will be rebuilt", path, error)
                return None
            self._index, self._generation = index, generation
            return index

    def _ready(self, session) -> Index:
        index = self._open()
        if index is None:
            with self._writing(wait=True):
                if self._open() is None:  # nobody rebuilt it while this thread waited
                    self._rebuild_locked(session)
            index = self._open()
            if index is None:
                raise RuntimeError(f"the search index in {self.folder} cannot be opened after a rebuild")
        return index

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def _writing(self, wait: bool):
        """Hold the writer lock (this thread and process); yields False when someone else holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # flock on a file opened here: it excludes other threads of this process as well as other processes.
        handle = open(self.folder / "writer.lock", "a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def is_behind(self, session, latest_change_id: int | None = None) -> bool:
        """Whether the database has changes this process has not seen applied (one indexed MAX query, unless
        the caller read the newest change id already)."""
        if latest_change_id is None:
            latest_change_id = indexer.latest_change_id(session)
        return latest_change_id > self._applied

    def update(self, session, *, look_back: bool = True) -> int:
        """Apply the changes after this index's watermark; return how many items changed."""
        if not look_back and not self.is_behind(session):
            return 0  # the quick check before a search: nothing new
        with self._writing(wait=False) as writing:
            if not writing:
                # Another process is writing and will apply the changes; what it has applied is not
                # asked for again before every search.
                self._applied = max(self._applied, indexer.applied_change_id(session, self.name))
                return 0
            index = self._open()
            if index is None:
                return self._rebuild_locked(session)
            applied = indexer.applied_change_id(session, self.name)
            changed = 0
            while True:
                changes = indexer.pending_changes(session, applied, look_back=look_back)
                if not changes:
                    break
                batch = indexer.collect(session, changes)
                self._apply(index, batch)
                applied = max(applied, changes[-1].id)
                indexer.save_watermark(session, self.name, applied)
                changed += len(batch)
                if len(changes) < indexer.CHANGES_PER_ROUND:
                    break
            self._applied = applied
            return changed

    def _apply(self, index: Index, batch: IndexBatch) -> None:
        if not len(batch):
            return
        writer = index.writer(WRITER_HEAP, 1)
        try:
            # Deletes only touch documents added before them, so they all go first.
            for kind, item_id in batch.deleted:
                writer.delete_documents_by_term("key", f"{kind}:{item_id}")
            for document_id in batch.replaced_documents:
                writer.delete_documents_by_term("doc_key", f"document:{document_id}")
            for item in batch.upserts:
                writer.delete_documents_by_term("key", item.key)
            for item in batch.upserts:
                writer.add_document(self._document(item))
            writer.commit()
        finally:
            writer.wait_merging_threads()
        index.reload()

    def _document(self, item: IndexItem) -> Document:
        doc = Document()
        doc.add_text("key", item.key)
        doc.add_text("doc_key", f"document:{item.document_id}" if item.document_id else "")
        doc.add_text("kind", item.kind)
        doc.add_integer("item_id", item.item_id)
        doc.add_integer("document_id", item.document_id or 0)
        doc.add_integer("request_id", item.request_id or 0)
        doc.add_integer("agency_id", item.agency_id or 0)
        doc.add_integer("scope", item.scope)
        doc.add_integer("page", item.page or 0)
        doc.add_text("filename", item.filename)
        doc.add_text("sender", item.sender)
        if item.date is not None:
            doc.add_date("date", item.date.astimezone(UTC))
        doc.add_text("doc_type", item.doc_type)
        doc.add_text("text", space_unspaced(item.text))
        return doc

    def rebuild(self, session) -> int:
        """Build a new index from every page and message, then switch readers to it."""
        with self._writing(wait=True):
            return self._rebuild_locked(session)

    def _rebuild_locked(self, session) -> int:
        started_at_change = indexer.latest_change_id(session)
        generation = f"v{SCHEMA_VERSION}-{time.time_ns()}"
        path = self.folder / generation
        path.mkdir(parents=True)
        index = Index(self.schema, str(path), reuse=False)
        index.register_tokenizer(TEXT_TOKENIZER, self._text_words)
        writer = index.writer(REBUILD_HEAP, 0)
        count = 0
        try:
            for items in indexer.all_items(session):
                for item in items:
                    writer.add_document(self._document(item))
                count += len(items)
            writer.commit()
        except BaseException:
            writer.wait_merging_threads()
            shutil.rmtree(path, ignore_errors=True)
            raise
        writer.wait_merging_threads()
        pointer = self.folder / "current.tmp"
        pointer.write_text(generation)
        os.replace(pointer, self.folder / "current")
        for old in self.folder.iterdir():
            if old.is_dir() and old.name != generation:
                shutil.rmtree(old, ignore_errors=True)
        indexer.save_watermark(session, self.name, started_at_change, rebuilt=True)
        applied = started_at_change
        with self._thread_lock:
            self._index, self._generation = None, None
        # Changes made while rebuilding are applied now (applying one twice does no harm).
        index = self._open()
        if index is not None:
            changes = indexer.pending_changes(session, started_at_change)
            if changes:
                self._apply(index, indexer.collect(session, changes))
                applied = max(applied, changes[-1].id)
                indexer.save_watermark(session, self.name, applied)
        self._applied = applied
        log.info("search index rebuilt in %s: %d items", path, count)
        return count

    # -- searching -------------------------------------------------------------------------

    def search(self, session, query, *, visible_scopes=None, filters: SearchFilters | None = None,
               limit: int = 20, offset: int = 0) -> EngineResult:
        """Matching pages and messages, best first; visible_scopes None means everything (admins)."""
        query = query if isinstance(query, SearchQuery) else parse(query)
        if not query.is_searchable or (visible_scopes is not None and not visible_scopes):
            return EngineResult(0, [])
        for attempt in (1, 2):
            index = self._ready(session)
            try:
                return self._search(index, query, visible_scopes, filters or SearchFilters(), limit, offset)
            except (OSError, ValueError):
                if attempt == 2:
                    raise
                log.warning("search index unreadable while searching; rebuilding", exc_info=True)
                with self._thread_lock:
                    self._index, self._generation = None, None
                self._ready(session)
        raise AssertionError("unreachable")

    def engine_query(self, searcher, query: SearchQuery, visible=None,
                     filters: SearchFilters | None = None) -> tuple[Query, Query] | None:
        """The Tantivy query of a search (words, permissions, filters) and the query its snippets mark;
        None when a required word is in no page."""
        wanted = []
        for clause in query.required:
            sub = self._text_query(searcher, clause)
            if sub is None:
                return None  # a required word that no page contains
            wanted.append(sub)
        clauses = [(Occur.Must, sub) for sub in wanted]
        for item in query.excluded:
            sub = self._text_query(searcher, item)
            if sub is not None:
                clauses.append((Occur.MustNot, sub))
        for sub in self._filter_queries(filters or SearchFilters(), visible):
            clauses.append((Occur.Must, Query.const_score_query(sub, 0.0)))
        snippet_query = wanted[0] if len(wanted) == 1 else Query.boolean_query([(Occur.Should, q) for q in wanted])
        return Query.boolean_query(clauses), snippet_query

    def snippet_generator(self, searcher, snippet_query: Query) -> SnippetGenerator:
        """Snippets of the page text around the words of snippet_query."""
        generator = SnippetGenerator.create(searcher, snippet_query, self.schema, "text")
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator

    def _search(self, index: Index, query: SearchQuery, visible, filters: SearchFilters, limit: int,
                offset: int) -> EngineResult:
        searcher = index.searcher()
        queries = self.engine_query(searcher, query, visible, filters)
        if queries is None:
            return EngineResult(0, [])
        engine_query, snippet_query = queries
        result = searcher.search(engine_query, limit=max(1, limit), count=True, offset=max(0, offset))
        if not result.hits:
            return EngineResult(result.count or 0, [])
        # Snippets only for the hits shown.
        generator = self.snippet_generator(searcher, snippet_query)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            hits.append(EngineHit(
                kind=doc.get_first("kind"), item_id=doc.get_first("item_id"),
                document_id=doc.get_first("document_id") or None, request_id=doc.get_first("request_id") or None,
                page=doc.get_first("page") or None, score=float(score),
                snippet=self._snippet(generator, doc)))
        return EngineResult(result.count, hits)

    def _snippet(self, generator: SnippetGenerator, doc: Document) -> str:
        # Tantivy escapes the fragment (&, <, >, quotes) and wraps the matched words in <b>; as any <b> of the
        # text itself is escaped, every <b> left is one of its marks.
        snippet = _unspaced(generator.snippet_from_doc(doc).to_html().strip())
        if not snippet:
            text = _unspaced(doc.get_first("text") or "")
            return marked_html(text[:SNIPPET_CHARS].strip())
        return snippet.replace("<b>", "<mark>").replace("</b>", "</mark>")

    def _tokens(self, text: str) -> list[str]:
        return [token for token in self._text_words.analyze(space_unspaced(text)) if token]

    def _text_query(self, searcher, node) -> Query | None:
        """A node of the query tree as a Tantivy query on the page text; None when it cannot match."""
        if isinstance(node, AnyOf):
            options = [q for q in (self._text_query(searcher, option) for option in node.options) if q is not None]
            if not options:
                return None
            return options[0] if len(options) == 1 else Query.boolean_query([(Occur.Should, q) for q in options])
        if isinstance(node, Word) and node.prefix:
            return self._prefix_query(searcher, node.text)
        words = node.words if isinstance(node, Phrase) else (node.text,)
        tokens = self._tokens(" ".join(words))
        if not tokens:
            return None
        if len(tokens) == 1:
            return Query.term_query(self.schema, "text", tokens[0])
        return Query.phrase_query(self.schema, "text", tokens)

    def _prefix_query(self, searcher, prefix: str) -> Query | None:
        # Stored words are stems ("recognition" -> "recognit"), so look for the prefix and its stem.
        starts = {token for token in self._plain_words.analyze(space_unspaced(prefix))[:1]}
        starts.update(self._tokens(prefix)[:1])
        counts: dict[str, int] = {}
        for start in starts:
            for term, count in searcher.terms_with_prefix("text", start, limit=MAX_PREFIX_EXPANSIONS):
                counts[term] = max(count, counts.get(term, 0))
        terms = sorted(counts, key=lambda term: -counts[term])[:MAX_PREFIX_EXPANSIONS]
        if not terms:
            return None
        queries = [Query.term_query(self.schema, "text", term) for term in terms]
        return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])

    def _scope_filter(self, visible) -> Query:
        """The items in one of the visible scopes (kept for a frozenset of them)."""
        kept = self._scope_filters.get(visible) if isinstance(visible, frozenset) else None
        if kept is not None:
            return kept
        query = Query.term_set_query(self.schema, "scope", sorted(int(i) for i in visible))
        if isinstance(visible, frozenset):
            with self._thread_lock:
                if len(self._scope_filters) >= SCOPE_FILTERS_KEPT:
                    self._scope_filters.pop(next(iter(self._scope_filters)))
                self._scope_filters[visible] = query
        return query

    def _filter_queries(self, filters: SearchFilters, visible) -> list[Query]:
        queries = []
        if visible is not None:
            queries.append(self._scope_filter(visible))
        if filters.request_id:
            queries.append(Query.term_query(self.schema, "request_id", int(filters.request_id)))
        if filters.agency_id:
            queries.append(Query.term_query(self.schema, "agency_id", int(filters.agency_id)))
        if filters.doc_type:
            queries.append(Query.term_query(self.schema, "doc_type", filters.doc_type))
        sender = [token for token in self._plain_words.analyze(filters.sender or "") if token][:12]
        if sender:
            queries.append(Query.term_query(self.schema, "sender", sender[0]) if len(sender) == 1
                           else Query.phrase_query(self.schema, "sender", sender))
        if filters.date_from or filters.date_to:
            lower = datetime.combine(filters.date_from, day_time(), UTC) if filters.date_from else None
            upper = datetime.combine(filters.date_to + timedelta(days=1), day_time(), UTC) if filters.date_to else None
            queries.append(Query.range_query(self.schema, "date", tantivy.FieldType.Date, lower, upper,
                                             include_upper=upper is None))
        return queries
