"""Keeping the database: create or upgrade it (`foia db upgrade`, also the first step of `foia run`), and
back it up with the blobs (`foia backup`)."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app

from foia import prepare_instance
from foia.cli_support import (command_errors, current_runtime, database_location, needs_database,
                              sqlite_file_missing, with_appcontext)


def upgrade_database(runtime) -> tuple[str | None, str]:
    """Alembic to head, then the jurisdictions data file into its table; returns (revision before or None, after)."""
    from foia import migrations
    from foia.agencies.jurisdictions import sync_jurisdictions

    before = None if sqlite_file_missing(runtime) else migrations.current_revision(runtime.engine)
    if before != migrations.head_revision():  # Alembic is loaded only when there is something to apply
        migrations.upgrade(runtime.engine)
    with runtime.session() as session:
        sync_jurisdictions(session)
        session.commit()
    return before, migrations.current_revision(runtime.engine)


@click.group()
def db():
    """Database schema."""


@db.command("upgrade")
@with_appcontext
@command_errors
def db_upgrade():
    """Create the database, or apply the migrations it lacks, and load the jurisdictions."""
    prepare_instance(current_app)
    runtime = current_runtime()
    before, after = upgrade_database(runtime)
    where = database_location(runtime)
    if before is None:
        click.echo(f"Created the database at {where} (revision {after}).")
    elif before != after:
        click.echo(f"Upgraded the database at {where} from revision {before} to {after}.")
    else:
        click.echo(f"The database at {where} is up to date (revision {after}).")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
@command_errors
@needs_database
def backup(path: Path):
    """Copy the database (SQLite) and the blobs into PATH, a new folder."""
    runtime = current_runtime()
    if path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path} exists and is not empty; choose a new folder.")
    path.mkdir(parents=True, exist_ok=True)
    url = runtime.engine.url
    if url.get_backend_name() == "sqlite":
        target = path / "foia.sqlite3"
        source = sqlite3.connect(url.database)
        with sqlite3.connect(target) as destination:
            source.backup(destination)
        source.close()
        click.echo(f"Database copied to {target}")
    else:
        click.echo("PostgreSQL: back the database up with pg_dump; copying blobs only.")
    blobs = runtime.instance_path / "blobs"
    if blobs.exists():
        shutil.copytree(blobs, path / "blobs")
    (path / "BACKUP.txt").write_text(f"foia backup made {datetime.now(UTC).isoformat()}\n")
    click.echo(f"Backup written to {path}")
