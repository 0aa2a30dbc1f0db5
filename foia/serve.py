"""Process commands: run (all-in-one: upgrade, serve, scheduler and worker), serve, scheduler, worker.

Keeping the database (`foia db upgrade`, `foia backup`) is foia.maintenance."""
from __future__ import annotations

import logging
import os
import signal
import threading

import click
from flask import current_app

from foia import add_pages, prepare_instance
from foia.cli_support import command_errors, current_runtime, needs_database, with_appcontext
from foia.maintenance import upgrade_database

log = logging.getLogger("foia")


def _serve(app, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    click.echo(f"Serving foia on http://{host}:{port}  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="foia")


def _logging() -> None:
    logging.basicConfig(level=os.environ.get("FOIA_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Their INFO lines repeat every few seconds; our jobs log what they did themselves.
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


@click.command()
@click.option("--host", default=None, help="Address to listen on (FOIA_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (FOIA_PORT, default 5000).")
@with_appcontext
@command_errors
def run(host: str | None, port: int | None):
    """All in one: upgrade the database, serve the web app, run the scheduler and a worker."""
    from foia.scheduler import start_background

    _logging()
    app = current_app._get_current_object()
    add_pages(app)
    prepare_instance(app)
    runtime = current_runtime()
    upgrade_database(runtime)
    _follow_served_address(app, host, port)
    stop = threading.Event()
    start_background(runtime, stop, with_worker=app.config["WORKER_ENABLED"],
                     with_scheduler=app.config["SCHEDULER_ENABLED"])
    _follow_search_log(runtime, stop)
    try:
        _serve(app, host or app.config["HOST"], port or app.config["PORT"])
    finally:
        stop.set()


@click.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--threads", type=int, default=8)
@with_appcontext
@needs_database
def serve(host: str | None, port: int | None, threads: int):
    """Serve the web app only (scale-out: run as many as you like)."""
    _logging()
    app = current_app._get_current_object()
    add_pages(app)
    prepare_instance(app)
    _follow_served_address(app, host, port)
    stop = threading.Event()
    _follow_search_log(current_runtime(), stop)
    try:
        _serve(app, host or app.config["HOST"], port or app.config["PORT"], threads)
    finally:
        stop.set()


def _follow_search_log(runtime, stop: threading.Event) -> None:
    """Every web process keeps its host's search index fed from the change log (foia.search.follower)."""
    from foia.search import follower

    follower.start(runtime, stop)


def _follow_served_address(app, host: str | None, port: int | None) -> None:
    """Without FOIA_BASE_URL, links in emails and feeds point where this process really serves."""
    from foia.config import served_url

    if app.config.get("BASE_URL_DEFAULTED"):
        url = served_url(host or app.config["HOST"], port or app.config["PORT"])
        app.config["BASE_URL"] = current_runtime().config["BASE_URL"] = url


def _run_in_background(name: str, *, with_worker: bool, with_scheduler: bool) -> None:
    """Start the scheduler and/or worker threads and wait for Ctrl+C or SIGTERM."""
    from foia.scheduler import start_background

    _logging()
    stop = threading.Event()
    start_background(current_runtime(), stop, with_worker=with_worker, with_scheduler=with_scheduler)
    click.echo(f"{name} running (Ctrl+C to stop)")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1):
        pass


@click.command()
@with_appcontext
@needs_database
def scheduler():
    """Run the periodic jobs (reminders, outbox, mail, index); one leads on PostgreSQL."""
    _run_in_background("Scheduler", with_worker=False, with_scheduler=True)


@click.command()
@with_appcontext
@needs_database
def worker():
    """Extract text from queued documents until stopped."""
    _run_in_background("Worker", with_worker=True, with_scheduler=False)
