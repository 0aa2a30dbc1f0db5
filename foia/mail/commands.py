"""`foia import` (files, folders, mbox) and `foia fetch-mail` (one IMAP poll)."""
from __future__ import annotations

import sys

import click

from foia.cli_support import command_errors, current_runtime, echo_json, needs_database, with_appcontext


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--request", "request_code", metavar="CODE", help="Put everything on this request (tracking code).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
@command_errors
@needs_database
def import_mail(paths, request_code, as_json):
    """Import emails (.eml, .mbox, .msg) and files (.pdf, .docx, .zip, folders, ...)."""
    from sqlmodel import select
    from tqdm import tqdm

    from foia.mail.ingest import Intake
    from foia.mail.inputs import expand_paths, ingest_paths
    from foia.requests.models import FoiaRequest

    runtime = current_runtime()
    runtime.blobs.sweep_abandoned()  # what an import killed mid-batch left; importing that file again rewrites it
    with runtime.session() as session:
        request = None
        if request_code:
            request = session.exec(select(FoiaRequest).where(FoiaRequest.tracking_code == request_code.strip().upper())).first()
            if request is None:
                raise click.ClickException(f"No request with the tracking code {request_code!r}.")
        intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now(), source="import", request=request)
        show_bar = not as_json and sys.stderr.isatty()
        with tqdm(total=len(expand_paths(paths)), unit="file", disable=not show_bar, file=sys.stderr) as bar:
            summary = ingest_paths(intake, paths, progress=lambda _path: bar.update(1))
    if as_json:
        echo_json(summary.as_json())
        return
    click.echo(f"{summary.messages} messages ({summary.unmatched} in the holding pen), {summary.documents} documents, "
               f"{summary.duplicates} already there, {len(summary.errors)} errors.")
    for error in summary.errors:
        click.echo(f"  {error['path']}: {error['reason']}", err=True)


@click.command("fetch-mail")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
@command_errors
@needs_database
def fetch_mail(as_json):
    """Poll the IMAP folder once."""
    from foia.mail.imap import ImapError, poll

    runtime = current_runtime()
    if not runtime.config.get("IMAP_HOST"):
        raise click.ClickException("IMAP is not configured: set FOIA_IMAP_HOST (and _USER, _PASSWORD).")
    try:
        summary = poll(runtime)
    except ImapError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{summary['fetched']} fetched: {summary['messages']} new messages ({summary['unmatched']} in the "
               f"holding pen), {summary['duplicates']} already there, {len(summary['errors'])} errors.")
