"""The `foia` command; every command is also reachable as `flask --app foia ...`."""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup


def _create_app():
    from foia import create_app
    from foia.config import ConfigError

    try:
        app = create_app(create_instance=False)
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    # Commands, jobs and workers run beside other processes: their transactions take the write lock first.
    app.extensions["foia"].immediate_sessions = True
    return app


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False, set_debug_flag=False)
def main():
    """foia: public-records requests, tracked."""


def register_commands(group: click.Group) -> None:
    """Add every domain's commands to a click group (ours, and Flask's app.cli)."""
    from foia.accounts.commands import create_user
    from foia.agencies.commands import agencies
    from foia.deadlines.commands import deadline, send_reminders
    from foia.documents.commands import documents, extract, text
    from foia.mail.commands import fetch_mail, import_mail
    from foia.demo.commands import demo
    from foia.search.commands import reindex, search
    from foia.maintenance import backup, db
    from foia.serve import run, scheduler, serve, worker

    for command in (run, serve, scheduler, worker, db, backup, create_user, agencies, demo,
                    deadline, send_reminders, import_mail, fetch_mail, extract, documents, text,
                    search, reindex):
        group.add_command(command)


register_commands(main)
