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


def _serve(app, host: str, port: int, threads: int = 8, workers: int = 1, started=None) -> None:
    """Serve until stopped. `started` runs once the serving processes exist: with several, in the parent after
    they are forked (a thread or an open connection would not survive a fork whole)."""
    from waitress import serve as waitress_serve

    if workers > 1:
        _serve_in_processes(app, host, port, threads, workers, started)
        return
    if started is not None:
        started()
    click.echo(f"Serving foia on http://{host}:{port}  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="foia")


def _serve_in_processes(app, host: str, port: int, threads: int, workers: int, started=None) -> None:
    """`workers` processes answering on one listening socket (the kernel gives each connection to one of them).

    One Python process runs one thread at a time (the GIL): its threads share a core however many there are.
    Each process opens its own database connections (none is open when they are forked). If one stops, the
    others are stopped too and the command fails, for whatever supervises it to start it again."""
    import socket

    from waitress import serve as waitress_serve

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    current_runtime().engine.dispose()
    children: list[int] = []
    stopping = False

    def stop(*_) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    # A stop asked for while the processes start waits until this process can act on it: without the mask a
    # SIGTERM between the first fork and the handlers below killed this process alone, its children left serving.
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    try:
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:  # pragma: no cover (a child process)
                code = 1
                try:
                    for sig in stop_signals:
                        signal.signal(sig, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
                    waitress_serve(app, sockets=[listener], threads=threads, ident="foia")
                    code = 0
                finally:
                    os._exit(code)
            children.append(pid)
        listener.close()
        for sig in stop_signals:
            signal.signal(sig, stop)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
    if started is not None:
        started()
    click.echo(f"Serving foia on http://{host}:{port} with {workers} processes of {threads} threads (Ctrl+C to stop)")

    failed = False
    while children:
        pid, status = os.wait()
        if pid in children:
            children.remove(pid)
            if not stopping:
                log.error("a web process stopped (status %s): stopping the others", status)
                failed = True
                stop()
    if failed:
        raise SystemExit(1)


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
    runtime.blobs.sweep_abandoned()  # temporary files of an upload or import killed mid-batch
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
@click.option("--threads", type=int, default=8, help="Threads a process (they share one core).")
@click.option("--workers", type=click.IntRange(1, 64), default=1,
              help="Processes answering on the port: one per core to use every core (default 1).")
@with_appcontext
@needs_database
def serve(host: str | None, port: int | None, threads: int, workers: int):
    """Serve the web app only (scale-out: run as many as you like)."""
    _logging()
    app = current_app._get_current_object()
    add_pages(app)
    prepare_instance(app)
    _follow_served_address(app, host, port)
    stop = threading.Event()
    try:
        _serve(app, host or app.config["HOST"], port or app.config["PORT"], threads, workers,
               started=lambda: _follow_search_log(current_runtime(), stop))
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
