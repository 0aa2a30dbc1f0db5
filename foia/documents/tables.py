"""The document and page tables as SQLAlchemy Core sees them, for the commands that only read.

`foia documents` and `foia text` read through these rather than the table classes in
foia.documents.models, so they start without SQLModel, pydantic and every other table (issue 12:
within 2x of `flask --help`). Only the columns those reads use are declared, each as the model
declares it: tests/unit/documents/test_tables.py checks them against the models' tables column by
column, so the two cannot drift.
"""
import sqlalchemy as sa

from foia.db import NAMING_CONVENTION

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

documents = sa.Table(
    "document", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("filename", sa.String(500), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("page_count", sa.Integer, nullable=True),
    #: An ExtractionState's value.
    sa.Column("state", sa.String(32), nullable=False),
)

pages = sa.Table(
    "page", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)
