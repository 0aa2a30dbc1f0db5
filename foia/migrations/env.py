"""Alembic environment: runs on the connection handed in by foia.migrations."""
from alembic import context
from sqlmodel import SQLModel

import foia.models  # noqa: F401  (registers every table)

target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `foia db upgrade`.")
run_migrations(connection)
