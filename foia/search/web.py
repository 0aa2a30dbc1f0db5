"""The search page: results per document with highlighted snippets, filters and pagination."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from foia.search import services
from foia.search.query import MIN_PREFIX_CHARS
from foia.web.context import actor, db_session, now, runtime

bp = Blueprint("search", __name__)

FILTER_ARGS = ("request", "agency", "from", "to", "sender", "type")


@bp.app_template_global()
def search_document_url(document_id: int, page: int | None, q: str) -> str:
    """The document opened at a page, with the searched words highlighted."""
    url = url_for("documents.show_document", document_id=document_id, q=q)
    return f"{url}#page-{page}" if page else url


@bp.app_template_global()
def search_message_url(message_id: int) -> str:
    return url_for("mail.show_message", message_id=message_id)


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    filters, errors = services.parse_filters(request.args)
    session = db_session()
    results = None
    if q.strip() or not filters.is_empty():
        results = services.search(session, runtime(), actor(), now(), q, filters,
                                  services.page_number(request.args.get("page")))
        kept = {name: request.args.get(name) for name in FILTER_ARGS if request.args.get(name)}
        results.url_for = lambda number: url_for("search.search", q=q, page=number, **kept)
    return render_template("search/search.html", q=q, results=results, filters=filters, errors=errors,
                           values=request.args, choices=services.filter_choices(session, actor(), now(), filters.request_id),
                           min_prefix=MIN_PREFIX_CHARS)
