"""The `foia` command; every command is also reachable as `flask --app foia ...`.

Commands are imported on first use, by name (click's lazy group): `foia --help` lists them from
COMMANDS without importing any, and a command loads only its own module. The app a command gets
(`with_appcontext`) carries the config and the runtime, not the web pages; `foia deadline` builds
no app at all.
"""
from __future__ import annotations

import importlib
import sys

import click
from flask.cli import FlaskGroup, ScriptInfo

#: Every command: where it lives (module:attribute) and the first paragraph of its help, which
#: `foia --help` shows without importing it (tests/web/test_cli_lazy.py keeps the two equal).
COMMANDS = {
    "agencies": ("foia.agencies.commands:agencies", "Agency directory."),
    "backup": ("foia.maintenance:backup", "Copy the database (SQLite) and the blobs into PATH, a new folder."),
    "create-user": ("foia.accounts.commands:create_user", "Create a user who can log in."),
    "db": ("foia.maintenance:db", "Database schema."),
    "deadline": ("foia.deadlines.commands:deadline",
                 "Compute every due date under a law, with the reasons. Reads the packaged law data: no database "
                 "needed."),
    "demo": ("foia.demo.commands:demo",
             "Load the Rekognition demo: a user, four agencies and their requests (safe to run twice)."),
    "documents": ("foia.documents.commands:documents", "List every document with its page count and extraction state."),
    "extract": ("foia.documents.commands:extract", "Extract the text of every queued document, then stop."),
    "fetch-mail": ("foia.mail.commands:fetch_mail", "Poll the IMAP folder once."),
    "import": ("foia.mail.commands:import_mail",
               "Import emails (.eml, .mbox, .msg) and files (.pdf, .docx, .zip, folders, ...)."),
    "reindex": ("foia.search.commands:reindex", "Rebuild the search index from the database."),
    "run": ("foia.serve:run",
            "All in one: upgrade the database, serve the web app, run the scheduler and a worker."),
    "scheduler": ("foia.serve:scheduler",
                  "Run the periodic jobs (reminders, outbox, mail, index); one leads on PostgreSQL."),
    "search": ("foia.search.commands:search",
               "Search every page and message body (the command line sees all requests)."),
    "send-reminders": ("foia.deadlines.commands:send_reminders",
                       "Create and send the reminders that are due, each exactly once, then deliver the outbox."),
    "serve": ("foia.serve:serve", "Serve the web app only (scale-out: run as many as you like)."),
    "text": ("foia.documents.commands:text", "Print a document's extracted text, pages separated by form feeds."),
    "unlock-login": ("foia.accounts.commands:unlock_login",
                     "Let an account log in again now, after too many failed logins."),
    "worker": ("foia.serve:worker", "Extract text from queued documents until stopped."),
}
#: Commands an extension adds to the web app (Flask-Limiter's), found by loading the app with its pages.
EXTENSION_COMMANDS = {"limiter": "Flask-Limiter maintenance & utility commands"}


def load_command(name: str) -> click.Command:
    """Import one of COMMANDS."""
    module, attribute = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), attribute)


def _create_app():
    from foia import create_app
    from foia.config import ConfigError

    try:
        app = create_app(create_instance=False, pages=False)
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    # Commands, jobs and workers run beside other processes: their transactions take the write lock first.
    app.extensions["foia"].immediate_sessions = True
    return app


class LazyCommands(FlaskGroup):
    """A FlaskGroup whose commands are imported when named, and listed from COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *EXTENSION_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            return load_command(name)
        if name in EXTENSION_COMMANDS:
            from foia import add_pages

            add_pages(ctx.ensure_object(ScriptInfo).load_app())
            return super().get_command(ctx, name)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The Commands section as click writes it, from the help in COMMANDS (nothing imported)."""
        helps = {**{name: help for name, (_, help) in COMMANDS.items()}, **EXTENSION_COMMANDS}
        limit = formatter.width - 6 - max(len(name) for name in helps)
        rows = [(name, click.Command(name, help=helps[name]).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyCommands, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False, set_debug_flag=False)
def main():
    """foia: public-records requests, tracked."""


def register_commands(group: click.Group) -> None:
    """Add every command to a click group (Flask's app.cli, for `flask --app foia ...`)."""
    for name in COMMANDS:
        group.add_command(load_command(name), name)
