"""The Core tables the listing commands read (foia.documents.tables) are the models' tables, column for column."""
from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from foia.documents import tables
from foia.documents.models import Document, Page

MODELS = {"document": Document, "page": Page}


@pytest.mark.parametrize("table", tables.metadata.sorted_tables, ids=lambda table: table.name)
def test_each_core_column_is_the_model_s_column(table):
    model_table = MODELS[table.name].__table__
    for column in table.columns:
        model_column = model_table.columns[column.name]
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            assert column.type.compile(dialect) == model_column.type.compile(dialect), (column, dialect.name)
        assert (column.nullable, column.primary_key) == (model_column.nullable, model_column.primary_key), column


def test_every_table_the_listing_reads_has_a_model():
    assert {table.name for table in tables.metadata.sorted_tables} == set(MODELS)
