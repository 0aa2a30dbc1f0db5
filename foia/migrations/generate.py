"""Developer tool: write a migration from the models' changes.

    .venv/bin/python -m foia.migrations.generate "add reminder digests"
    .venv/bin/python -m foia.migrations.generate --replace-initial   (before the first release only)

Holds a file lock so two developers' runs in one checkout do not interleave.
"""
import fcntl
import sys
import tempfile
from pathlib import Path

from alembic import command

from foia import db, migrations

VERSIONS = migrations.MIGRATIONS_DIR / "versions"


def generate(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
        migrations.upgrade(engine)
        with engine.connect() as connection:
            command.revision(migrations.alembic_config(connection), message=message, autogenerate=True,
                             rev_id="0001" if message == "initial schema" else None)
            connection.commit()
        engine.dispose()


def main(argv: list[str]) -> None:
    with open(Path(tempfile.gettempdir()) / "foia-migrations.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if argv == ["--replace-initial"]:
            for path in VERSIONS.glob("*.py"):
                path.unlink()
            generate("initial schema")
        else:
            generate(" ".join(argv) or "schema change")


if __name__ == "__main__":
    main(sys.argv[1:])
