"""What every domain's commands share: the runtime, one-line errors, JSON output."""
from __future__ import annotations

import functools
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from foia.config import ConfigError
from foia.errors import DomainError
from foia.runtime import Runtime

__all__ = ["command_errors", "current_runtime", "echo_json", "with_appcontext"]


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
    return wrapper


def echo_json(data) -> None:
    """Print data as indented JSON (dates as ISO strings)."""
    click.echo(json.dumps(data, indent=2, default=str))
