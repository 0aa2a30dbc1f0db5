"""`foia search QUERY [--limit N] [--json]` and `foia reindex`."""
from __future__ import annotations

import click

from foia.cli_support import command_errors, current_runtime, echo_json, needs_database, with_appcontext


@click.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Most hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
@command_errors
@needs_database
def search(query: str, limit: int, as_json: bool):
    """Search every page and message body (the command line sees all requests)."""
    from foia.search import services

    runtime = current_runtime()
    with runtime.session(immediate=False) as session:  # reads; catching the index up writes apart
        results = services.search(session, runtime, None, runtime.clock.now(), query, per_page=limit,
                                  as_operator=True)
        hits = results.hits()[:limit]
    if as_json:
        echo_json({"total": results.total, "hits": hits})
        return
    if results.problem:
        click.echo(results.problem)
        return
    click.echo(f"{results.total} matching {'page or message' if results.total == 1 else 'pages and messages'}")
    for hit in hits:
        where = f"document {hit['document']} page {hit['page']}" if hit["document"] else "message"
        click.echo(f"{hit['request'] or 'holding pen'}  {where}  {hit['filename']}")
        click.echo(f"    {hit['snippet']}")


@click.command()
@with_appcontext
@command_errors
@needs_database
def reindex():
    """Rebuild the search index from the database."""
    from foia.search.indexer import reindex as rebuild

    count = rebuild(current_runtime())
    click.echo(f"Search index rebuilt: {count} pages and messages.")
