"""`foia demo`: load the Rekognition story and read its release."""
from __future__ import annotations

from time import monotonic, sleep

import click

from foia.cli_support import command_errors, current_runtime, needs_database, with_appcontext


def _read_release(runtime, message_id: int, patience: float = 60) -> int | None:
    """Extract the release and count its pages, waiting for a running server's worker that claimed it first."""
    from foia.demo import release as demo_release
    from foia.documents.queue import run_until_empty

    run_until_empty(runtime)
    deadline = monotonic() + patience
    while True:
        with runtime.session(immediate=False) as session:
            pages, waiting = demo_release.release_pages(session, message_id)
        if not waiting:
            return pages
        if monotonic() > deadline:
            return None
        sleep(0.5)


@click.command()
@click.option("--password", help="Password of demo@example.org when it is created (else one is made up and printed).")
@with_appcontext
@command_errors
@needs_database
def demo(password: str | None):
    """Load the Rekognition demo: a user, four agencies and their requests (safe to run twice)."""
    from foia.demo.story import DEMO_EMAIL, load_demo

    runtime = current_runtime()
    with runtime.session() as session:
        result = load_demo(session, password, follow_up_days=runtime.config["FOLLOW_UP_DAYS"], blobs=runtime.blobs)
        session.commit()
    if result["password"]:
        click.echo(f"Created user {DEMO_EMAIL} with password: {result['password']}")
    else:
        click.echo(f"User {DEMO_EMAIL} already exists; its password is unchanged.")
    if result["agencies"] or result["requests"] or result["released"]:
        click.echo(f"Added {result['agencies']} agencies and {result['requests']} requests.")
    if result["released"]:
        pages = _read_release(runtime, result["released"])
        click.echo(f"Received the Orlando police's first release and read its {pages} pages." if pages is not None else
                   "Received the Orlando police's first release; the running server's worker is still reading it.")
    else:
        click.echo("The demo data was already loaded; nothing changed.")
    click.echo(f"Log in at {runtime.config['BASE_URL']}/login")
