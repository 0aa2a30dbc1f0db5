"""APScheduler wiring only: periodic jobs that call services, and the extraction worker thread.

On PostgreSQL several `foia scheduler` processes may run; the one holding an advisory lock leads
and the others wait to take over. Every job is idempotent, so a job that runs twice does no harm.
"""
from __future__ import annotations

import importlib
import logging
import threading

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("foia.scheduler")

LEADER_LOCK_ID = 724012

#: (name, "module:function", seconds between runs, config key that must be set or None)
JOBS = [
    ("dispatch-outbox", "foia.mail.outbox:dispatch_due", 30, None),
    ("send-reminders", "foia.deadlines.reminders:run_scheduled", 900, None),
    ("fetch-mail", "foia.mail.imap:run_scheduled", 300, "IMAP_HOST"),
    ("update-search-index", "foia.search.indexer:run_scheduled", 20, None),
]


def _resolve(target: str):
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def run_job(runtime, name: str, target: str) -> None:
    """Run one job, logging (never raising) its failure so the scheduler keeps going."""
    try:
        _resolve(target)(runtime)
    except Exception:
        log.exception("job %s failed", name)


class Leadership:
    """Holds a PostgreSQL advisory lock on its own connection; SQLite is always the leader."""

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        self.connection = None

    def try_lead(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        if self.connection is not None:
            try:
                self.connection.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                self.release()
        connection = self.engine.connect()
        got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:id)"), {"id": LEADER_LOCK_ID}).scalar()
        connection.commit()
        if got:
            self.connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self.connection is not None:
            try:
                # Closing would return the connection to the pool still holding the session-level lock;
                # invalidating closes it for real, so the lock is freed for another process.
                self.connection.invalidate()
                self.connection.close()
            finally:
                self.connection = None


def _scheduler_loop(runtime, stop: threading.Event) -> None:
    leadership = Leadership(runtime.engine)
    scheduler = None
    try:
        while not stop.is_set():
            leading = leadership.try_lead()
            if leading and scheduler is None:
                log.info("this process leads the scheduler")
                scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
                for name, target, seconds, needs in JOBS:
                    if needs and not runtime.config.get(needs):
                        continue
                    scheduler.add_job(run_job, "interval", seconds=seconds, args=(runtime, name, target),
                                      id=name, next_run_time=None)
                    # Run once at start so anything missed during downtime is caught up.
                    scheduler.add_job(run_job, args=(runtime, name, target), id=f"{name}-at-start")
                scheduler.start()
            elif not leading and scheduler is not None:
                scheduler.shutdown(wait=True)
                scheduler = None
            stop.wait(15)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        leadership.release()


def _worker_loop(runtime, stop: threading.Event) -> None:
    from foia.documents.queue import work

    try:
        work(runtime, stop)
    except Exception:
        log.exception("extraction worker stopped")


def start_background(runtime, stop: threading.Event, *, with_worker: bool, with_scheduler: bool) -> list[threading.Thread]:
    """Start the scheduler and/or the extraction worker in daemon threads until `stop` is set."""
    threads = []
    if with_scheduler:
        threads.append(threading.Thread(target=_scheduler_loop, args=(runtime, stop), name="foia-scheduler", daemon=True))
    if with_worker:
        threads.append(threading.Thread(target=_worker_loop, args=(runtime, stop), name="foia-worker", daemon=True))
    for thread in threads:
        thread.start()
    return threads
