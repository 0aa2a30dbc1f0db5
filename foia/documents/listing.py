"""What the command line reads about documents, through Core (foia.documents.tables): no ORM.

The command line runs as the instance's operator and sees every document, so nothing here asks who
may see what (that is foia.requests.access, for the web pages).
"""
from __future__ import annotations

import sqlalchemy as sa

from foia.documents.tables import documents, pages
from foia.errors import NotFound


def document_summaries(connection: sa.engine.Connection) -> list[dict]:
    """Every document, oldest first: id, filename, sha256, page count (0 before extraction) and state."""
    rows = connection.execute(sa.select(documents.c.id, documents.c.filename, documents.c.sha256,
                                        documents.c.page_count, documents.c.state).order_by(documents.c.id))
    return [{"id": id, "filename": filename, "sha256": sha256, "pages": page_count or 0, "state": state}
            for id, filename, sha256, page_count, state in rows]


def document_text(connection: sa.engine.Connection, document_id: int) -> str:
    """The document's text, pages separated by form feeds."""
    if connection.execute(sa.select(documents.c.id).where(documents.c.id == document_id)).first() is None:
        raise NotFound(f"No document with id {document_id}.")
    texts = connection.execute(sa.select(pages.c.text).where(pages.c.document_id == document_id)
                               .order_by(pages.c.number)).scalars()
    return "\f".join(texts)
