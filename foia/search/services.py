"""Searching pages and message bodies: only what the actor may see, grouped by document.

How search ranks (the same rules on both backends; tests/unit/search pins the order on each):
- What is searched: each page of a document's text, and each message's subject and body, as one
  item each. Filters (request, agency, dates, sender, type) and who may see an item
  (foia.requests.access.content_scope) only decide whether an item is in the results, never its place.
- Order of items: by how much the item is about the searched words: the more often they occur, for
  the item's length, the higher. Tantivy scores with BM25 (rarer words weigh more, long pages less);
  PostgreSQL with ts_rank_cd (more occurrences, and words of the query close together, weigh more).
  Equal scores keep the order the items were indexed in.
- Grouping: a document appears once, where its best page ranks, with every matching page listed in
  page order; a message is a result of its own, ranked among the pages.
"""
from __future__ import annotations

import html
import logging
import math
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Mapping, NamedTuple

from sqlmodel import Session, select

from foia.pagination import Paged, page_number as pagination_page_number
from foia.ports import local_date
from foia.requests.access import (content_scope, holder_of, scopes_for, sees_everything, visible_clause,
                                  workable_clause)
from foia.requests.listing import agencies_with_requests
from foia.requests.models import FoiaRequest
from foia.search.index import DOC_TYPES, EngineHit, SearchFilters
from foia.search.query import SearchQuery, parse

log = logging.getLogger("foia.search")

PER_PAGE = 20
#: Results beyond this many are not paged through; a narrower query finds them.
MAX_RESULTS = 2000


@dataclass
class PageMatch:
    """One matching page of a document."""

    number: int
    snippet: str  # HTML, words marked


@dataclass
class ResultGroup:
    """A document with its matching pages, or one message whose body matched.

    document, message and foia_request are rows of the columns shown (id, filename, page_count, request_id;
    id, subject, from_name, from_address; id, tracking_code, title), not whole models."""

    kind: str  # document | message
    foia_request: object | None
    document: object | None = None
    message: object | None = None
    pages: list[PageMatch] = field(default_factory=list)
    snippet: str = ""

    @property
    def title(self) -> str:
        if self.document is not None:
            return self.document.filename
        return (self.message.subject or "(no subject)") if self.message else ""


@dataclass
class SearchResults(Paged):
    """One page of results with everything a results page or the CLI shows."""

    query: SearchQuery
    filters: SearchFilters
    groups: list[ResultGroup] = field(default_factory=list)
    total: int = 0
    number: int = 1
    per_page: int = PER_PAGE
    problem: str | None = None
    url_for: Callable[[int], str] | None = None
    max_items = MAX_RESULTS

    @property
    def hit_count(self) -> int:
        return sum(len(group.pages) or 1 for group in self.groups)

    def hits(self) -> list[dict]:
        """Flat hits as `foia search --json` prints them (snippets as plain text)."""
        rows = []
        for group in self.groups:
            code = group.foia_request.tracking_code if group.foia_request else None
            if group.kind == "document":
                rows += [{"document": group.document.id, "filename": group.document.filename, "page": page.number,
                          "snippet": plain_snippet(page.snippet), "request": code} for page in group.pages]
            else:
                rows.append({"document": None, "filename": group.title, "page": None,
                             "snippet": plain_snippet(group.snippet), "request": code})
        return rows


def plain_snippet(snippet_html: str) -> str:
    """A snippet without its <mark> tags, unescaped."""
    return html.unescape(re.sub(r"</?mark>", "", snippet_html))


def _int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _date(value, name: str, errors: dict) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        errors[name] = "Use a date like 2026-03-02."
        return None
    if not date(1900, 1, 1) <= parsed <= date(2200, 1, 1):
        errors[name] = "That date is out of range."
        return None
    return parsed


def parse_filters(args: Mapping) -> tuple[SearchFilters, dict[str, str]]:
    """Filters from form or command-line values; unusable values are reported, never raised."""
    errors: dict[str, str] = {}
    filters = SearchFilters(
        request_id=_int(args.get("request")),
        agency_id=_int(args.get("agency")),
        date_from=_date(args.get("from"), "from", errors),
        date_to=_date(args.get("to"), "to", errors),
        sender=str(args.get("sender") or "").replace("\x00", "").strip()[:200],
        doc_type=str(args.get("type") or "").strip() if args.get("type") in DOC_TYPES else "",
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["to"] = "The end date is before the start date."
    return filters, errors


def page_number(value) -> int:
    """A results page number from user input (1 when unusable), no further than results are offered."""
    return min(pagination_page_number(value), MAX_RESULTS // PER_PAGE)


def search(session: Session, runtime, actor, now: datetime, query: str, filters: SearchFilters | None = None,
           page: int = 1, *, per_page: int = PER_PAGE, as_operator: bool = False) -> SearchResults:
    """Search pages and message bodies the actor may see (as_operator: everything, for the command line)."""
    parsed = parse(query)
    filters = filters or SearchFilters()
    page = max(1, min(int(page or 1), math.ceil(MAX_RESULTS / per_page)))
    results = SearchResults(query=parsed, filters=filters, number=page, per_page=per_page, problem=parsed.problem)
    if not parsed.is_searchable:
        return results
    connection = session.connection()
    latest = None
    if as_operator or sees_everything(actor):
        visible = None
    else:
        visible, latest = _scopes_and_latest_change(connection, actor, now)
    if visible is not None and (not visible or (filters.request_id and filters.request_id not in visible
                                                and -filters.request_id not in visible)):
        return results
    _catch_up(runtime, session, latest)
    found = runtime.search.search(session, parsed, visible_scopes=visible, filters=filters,
                                  limit=per_page, offset=(page - 1) * per_page)
    results.total = found.total
    results.groups = _groups(connection, found.hits, visible, found.rows)
    return results


#: The SQL of the searcher's scopes by (dialect, actor id, is_admin, local date): building and compiling the
#: statement costs more than running it. Only the SQL is kept; its rows are read anew on every search.
_visible_sql: dict[tuple, str] = {}
_VISIBLE_SQL_KEPT = 512


def visible_scopes(connection, actor, now: datetime) -> frozenset[int]:
    """The search scopes the actor sees (access.scopes_for): visible requests, private parts of workable
    ones, their own holding pen; as a search works them out."""
    return _scopes_and_latest_change(connection, actor, now)[0]


def _sql(connection, what: str, actor, now: datetime, build) -> str:
    """The SQL of a statement about the actor, compiled once per actor and day."""
    key = (what, connection.dialect.name, getattr(actor, "id", None), bool(getattr(actor, "is_admin", False)),
           local_date(now))
    sql = _visible_sql.get(key)
    if sql is None:
        if len(_visible_sql) >= _VISIBLE_SQL_KEPT:
            _visible_sql.clear()
        # Its values are the actor's id, visibility names and a date: rendered inline, the SQL needs no parameters.
        sql = _visible_sql[key] = build()
    return sql


def _compiled(connection, statement) -> str:
    return str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


#: The scopes last computed for each searcher, keyed by the exact lists of request ids they were built from
#: (as the database sent them): a searcher who searches again with the same visible and workable requests gets
#: the same frozenset back (which the Tantivy backend keeps its scope filter for) instead of building 17,000
#: ints again. Never a version or a time: any change in what they may see is a different list, hence a miss.
_scopes_kept: dict[int | None, tuple[str, str, frozenset[int]]] = {}
_SCOPES_KEPT = 16
_scopes_lock = threading.Lock()


def _id_list_sql(connection, value: str) -> str:
    """An aggregate of the non-null values of an id expression as one comma-separated text, in the order the
    database reads them (another order is only a miss of _scopes_kept; sorting cost more than it saved)."""
    if connection.dialect.name == "postgresql":
        return f"string_agg(CAST({value} AS TEXT), ',')"
    return f"group_concat({value})"


def _scopes_and_latest_change(connection, actor, now: datetime) -> tuple[frozenset[int], int]:
    """visible_scopes and the newest search change id (indexer.latest_change_id), in one query: each query
    before the engine's is a round trip to the database, which is most of a rare word's search.

    One scan of the requests the actor may see, each marked whether they may work on it; the ids come back
    as two texts (workable; visible only), not 8,000 rows each: the database joins them in C."""
    def build() -> str:
        marked = select(FoiaRequest.id, workable_clause(actor).label("workable")).where(visible_clause(actor, now))
        return (f"SELECT 1, {_id_list_sql(connection, 'CASE WHEN v.workable THEN v.id END')}, "
                f"{_id_list_sql(connection, 'CASE WHEN v.workable THEN NULL ELSE v.id END')} "
                f"FROM ({_compiled(connection, marked)}) AS v "
                "UNION ALL SELECT 2, CAST(coalesce(max(id), 0) AS TEXT), NULL FROM search_change")

    workable, seen_only, latest = "", "", 0
    for what, first, second in _fetch(connection, _sql(connection, "scopes+latest", actor, now, build)):
        if what == 1:
            workable, seen_only = first or "", second or ""
        else:
            latest = int(first)
    actor_id = getattr(actor, "id", None)
    kept = _scopes_kept.get(actor_id)
    if kept is not None and kept[0] == workable and kept[1] == seen_only:
        return kept[2], latest
    workable_ids = _split_ids(workable)
    scopes = frozenset(scopes_for(actor, workable_ids + _split_ids(seen_only), workable_ids))
    with _scopes_lock:
        if len(_scopes_kept) >= _SCOPES_KEPT and actor_id not in _scopes_kept:
            _scopes_kept.pop(next(iter(_scopes_kept)))
        _scopes_kept[actor_id] = (workable, seen_only, scopes)
    return scopes, latest


def _split_ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",")] if text else []


def _fetch(connection, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of a read-only query, straight from the driver on the session's connection (within its transaction).

    For the few queries every search makes: SQLAlchemy's statement and result handling would cost more than
    the queries. `?` marks parameters, whatever the driver's style."""
    cursor = connection.connection.cursor()
    try:
        if params:
            if connection.dialect.paramstyle != "qmark":
                sql = sql.replace("?", "%s")
            cursor.execute(sql, params)
        else:
            cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _catch_up(runtime, session: Session, latest_change_id: int | None = None) -> None:
    """Apply changes not yet indexed, so a page extracted a moment ago is found.

    The check is one indexed MAX(id) on the caller's connection (or the one already read with the
    searcher's scopes); a write session is only opened when the index is behind."""
    try:
        if not runtime.search.is_behind(session, latest_change_id):
            return
        with runtime.session(immediate=True) as index_session:
            runtime.search.update(index_session, look_back=False)
    except Exception:
        log.exception("search index could not be brought up to date; searching what it has")


# Only the columns a results page shows, in plain SQL, each kind of hit in one query with its request:
# building ORM queries and objects would cost more than the search.
_PAGES = ("SELECT page.id, page.number, document.id, document.filename, document.page_count, document.request_id, "
          "foia_request.id, foia_request.tracking_code, foia_request.title, document.is_private, "
          "document.uploaded_by_id, message.imported_by_id "
          "FROM page JOIN document ON document.id = page.document_id "
          "LEFT JOIN message ON message.id = document.message_id "
          "LEFT JOIN foia_request ON foia_request.id = document.request_id WHERE page.id IN ({ids})")
_MESSAGES = ("SELECT message.id, message.request_id, message.subject, message.from_name, message.from_address, "
             "foia_request.id, foia_request.tracking_code, foia_request.title, message.is_private, message.imported_by_id "
             "FROM message LEFT JOIN foia_request ON foia_request.id = message.request_id WHERE message.id IN ({ids})")


def _rows_by_id(connection, sql: str, ids: list[int]) -> dict[int, tuple]:
    if not ids:
        return {}
    return {row[0]: row for row in _fetch(connection, sql.format(ids=", ".join("?" * len(ids))), list(ids))}


class DocumentRow(NamedTuple):
    id: int
    filename: str
    page_count: int | None
    request_id: int | None


class MessageRow(NamedTuple):
    id: int
    request_id: int | None
    subject: str | None
    from_name: str | None
    from_address: str | None


class RequestRow(NamedTuple):
    id: int
    tracking_code: str
    title: str


def _groups(connection, hits: list[EngineHit], visible: set[int] | None, rows: dict | None = None) -> list[ResultGroup]:
    # visible: the searcher's scopes (None: everything).
    """Group hits by document, after checking each item still exists and is still visible (one query per kind,
    unless the engine read the rows, _PAGES's and _MESSAGES's columns, in its own query)."""
    if rows is not None:
        pages, messages = rows["page"], rows["message"]
    else:
        pages = _rows_by_id(connection, _PAGES, [hit.item_id for hit in hits if hit.kind == "page"])
        messages = _rows_by_id(connection, _MESSAGES, [hit.item_id for hit in hits if hit.kind == "message"])

    def allowed(request_id: int | None, is_private, holder_id: int | None) -> bool:
        return visible is None or content_scope(request_id, bool(is_private), holder_id) in visible

    def request_of(request_id, tracking_code, title):
        return None if request_id is None else RequestRow(request_id, tracking_code, title)

    groups: list[ResultGroup] = []
    by_document: dict[int, ResultGroup] = {}
    for hit in hits:
        if hit.kind == "page" and hit.item_id in pages:
            (_page_id, number, document_id, filename, page_count, request_id, found, code, title, private, uploader,
             importer) = pages[hit.item_id]
            if not allowed(request_id, private, holder_of(uploader, importer)):
                continue
            group = by_document.get(document_id)
            if group is None:
                group = by_document[document_id] = ResultGroup(
                    kind="document", document=DocumentRow(document_id, filename, page_count, request_id),
                    foia_request=request_of(found, code, title))
                groups.append(group)
            group.pages.append(PageMatch(number=number, snippet=hit.snippet))
        elif hit.kind == "message" and hit.item_id in messages:
            message_id, request_id, subject, from_name, from_address, found, code, title, private, holder = \
                messages[hit.item_id]
            if allowed(request_id, private, holder):
                groups.append(ResultGroup(kind="message", snippet=hit.snippet,
                                          message=MessageRow(message_id, request_id, subject, from_name, from_address),
                                          foia_request=request_of(found, code, title)))
    for group in groups:
        group.pages.sort(key=lambda match: match.number)
    return groups


#: The request filter offers the actor's most recent requests (and the one filtered by): a longer menu is
#: of no use to pick from, and drawing it cost more than the search (a request page links to its own search).
REQUEST_CHOICES = 100


class RequestChoice(NamedTuple):
    id: int
    tracking_code: str
    title: str


def filter_choices(session: Session, actor, now: datetime, request_id: int | None = None) -> dict:
    """Requests and agencies the actor may filter by, and the document types.

    Requests: the REQUEST_CHOICES newest the actor may see (by id: the primary key, read backwards, stops at the
    hundredth; created_at has no index), and request_id if they may see it. Agencies:
    every agency with a request the actor may see (one EXISTS per agency, listing.agencies_with_requests).
    Bare columns, bounded: computed on every search, never kept between requests."""
    visible = visible_clause(actor, now)
    columns = (FoiaRequest.id, FoiaRequest.tracking_code, FoiaRequest.title)
    requests = [RequestChoice(*row) for row in session.exec(
        select(*columns).where(visible).order_by(FoiaRequest.id.desc())
        .limit(REQUEST_CHOICES))]
    if request_id and all(choice.id != request_id for choice in requests):
        requests += [RequestChoice(*row) for row in session.exec(
            select(*columns).where(FoiaRequest.id == request_id, visible))]
    agencies = sorted((agency for _jurisdiction, group in agencies_with_requests(session, actor, now) for agency in group),
                      key=lambda agency: (agency.name.casefold(), agency.id))
    return {"requests": requests, "agencies": agencies, "types": DOC_TYPES}
