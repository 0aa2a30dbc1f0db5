"""Developer tool: write a new migration from the models' changes.

    .venv/bin/python -m foia.migrations.generate "add reminder digests"
"""
import sys
import tempfile
from pathlib import Path

from alembic import command

from foia import db, migrations


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
        migrations.upgrade(engine)
        with engine.connect() as connection:
            command.revision(migrations.alembic_config(connection), message=message, autogenerate=True)
            connection.commit()
        engine.dispose()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
