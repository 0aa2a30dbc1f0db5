"""What every domain's commands share: the runtime, one-line errors, JSON output."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from foia.config import ConfigError
from foia.errors import DomainError

if TYPE_CHECKING:
    from foia.runtime import Runtime

__all__ = ["command_errors", "current_runtime", "echo_json", "needs_database", "with_appcontext"]


def current_runtime() -> Runtime:
    """The Runtime of the app the command runs in."""
    return current_app.extensions["foia"]


def command_errors(func):
    """Turn domain and config errors into a one-line message and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (DomainError, ConfigError) as error:
            raise click.ClickException(str(error)) from None
        except Exception as error:
            if not _database_did_not_answer(error):
                raise
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            raise NoDatabase(f"The database at {database_location(current_runtime())} did not answer: {reason}") from None
    return wrapper


def _database_did_not_answer(error: Exception) -> bool:
    """An OperationalError from SQLAlchemy; a command that never imported SQLAlchemy cannot have one."""
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, exc.OperationalError)


def echo_json(data) -> None:
    """Print data as indented JSON (dates as ISO strings)."""
    click.echo(json.dumps(data, indent=2, default=str))


class NoDatabase(click.ClickException):
    """The command needs a database that is missing, unreachable or not upgraded: one line, exit 2."""

    exit_code = 2


def database_location(runtime: Runtime) -> str:
    """Where the database is, for messages: the SQLite file, or the URL without its password."""
    url = runtime.engine.url
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)


def sqlite_file_missing(runtime: Runtime) -> bool:
    """True for a SQLite database whose file is not there (opening it would create it)."""
    url = runtime.engine.url
    return url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file())


def database_problem(runtime: Runtime) -> str | None:
    """Why the database cannot be used yet, in one line; None when it exists and is up to date.

    Never creates anything: a SQLite file that is not there is not opened.
    """
    where = database_location(runtime)
    missing = f'No database at {where} — run "foia db upgrade" or "make run" first.'
    if sqlite_file_missing(runtime):
        return missing
    import sqlalchemy as sa

    from foia import migrations

    try:
        current = migrations.current_revision(runtime.engine)
    except sa.exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        return f"Cannot reach the database at {where}: {reason}"
    if current is None:
        return missing
    head = migrations.head_revision()
    if current != head:
        return f'The database at {where} is at revision {current}, this version needs {head} — run "foia db upgrade" first.'
    return None


def needs_database(func):
    """Stop the command in one line (exit 2) unless the database exists and is up to date."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        problem = database_problem(current_runtime())
        if problem:
            raise NoDatabase(problem)
        return func(*args, **kwargs)
    return wrapper
