"""Choosing the SearchIndex: Tantivy in the instance folder (the default) or PostgreSQL full-text.

Kept apart from foia.search.index (the types both backends share), so that the backends import the
types and only this module imports the backends: no import circle inside search.
"""
from __future__ import annotations

from pathlib import Path


def make_search_index(config: dict, engine):
    """The SearchIndex chosen by FOIA_SEARCH_BACKEND (tantivy, in the instance folder, or postgres)."""
    backend = config.get("SEARCH_BACKEND", "tantivy")
    if backend == "postgres":
        from foia.search.postgres_backend import PostgresSearchIndex

        return PostgresSearchIndex(engine)
    from foia.search.tantivy_backend import TantivySearchIndex

    return TantivySearchIndex(Path(config["INSTANCE_PATH"]) / "search")
