"""Commands run where there is no database, or an old one: one line, exit 2, nothing created.

Each runs the installed `foia` program in an empty folder, as an operator would on a new machine.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FOIA = str(Path(sys.executable).with_name("foia"))

NEEDS_DATABASE = [
    ["documents"], ["search", "rekognition"], ["import", "reply.eml"], ["extract"], ["send-reminders"],
    ["create-user", "a@example.org", "--password", "long enough pw"], ["agencies", "list"], ["demo"],
    ["text", "1"], ["reindex"], ["fetch-mail"], ["backup", "copy"], ["serve"], ["scheduler"], ["worker"],
]


def foia(folder: Path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIA_")}
    env.update({f"FOIA_{key}": value for key, value in settings.items()})
    return subprocess.run([FOIA, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", NEEDS_DATABASE, ids=lambda args: args[0] + ("-" + args[1] if args[0] == "agencies" else ""))
def test_a_command_without_a_database_says_so_in_one_line_and_creates_nothing(tmp_path, args):
    result = foia(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f'Error: No database at {tmp_path / "instance" / "foia.sqlite3"} — run "foia db upgrade" or '
                     '"make run" first.'], result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no instance folder, no empty database, no secret key


def test_an_old_database_is_named_with_its_revision_and_left_alone(tmp_path):
    from foia import db, migrations

    instance = tmp_path / "instance"
    instance.mkdir()
    engine = db.make_engine(f"sqlite:///{instance / 'foia.sqlite3'}")
    migrations.upgrade(engine, "0001")
    engine.dispose()
    result = foia(tmp_path, "documents")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is at revision 0001" in result.stderr and 'run "foia db upgrade"' in result.stderr
    assert sorted(p.name for p in instance.iterdir()) == ["foia.sqlite3"]


def test_an_unreachable_postgresql_is_one_line(tmp_path):
    result = foia(tmp_path, "documents", DATABASE_URL="postgresql://foia:secret@127.0.0.1:1/foia")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Cannot reach the database at postgresql+psycopg://foia:***@127.0.0.1:1/foia" in result.stderr
    assert "secret" not in result.stderr


def test_db_upgrade_creates_the_database_and_says_so_then_finds_it_up_to_date(tmp_path):
    created = foia(tmp_path, "db", "upgrade")
    assert created.returncode == 0, created.stderr
    database = tmp_path / "instance" / "foia.sqlite3"
    assert created.stdout.startswith(f"Created the database at {database}")
    again = foia(tmp_path, "db", "upgrade")
    assert again.stdout.startswith(f"The database at {database} is up to date")
    listing = foia(tmp_path, "documents")
    assert listing.returncode == 0, listing.stderr
    assert oct((tmp_path / "instance" / "secret_key").stat().st_mode & 0o777) == "0o600"
