"""APScheduler wiring only: periodic jobs that call services, and the extraction worker thread.

On PostgreSQL several `foia scheduler` processes may run; the one holding an advisory lock leads
and the others wait to take over. Every job is idempotent, so a job that runs twice does no harm.
"""
from __future__ import annotations

import importlib
import logging
import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from foia.system.jobs import Job

log = logging.getLogger("foia.scheduler")

LEADER_LOCK_ID = 724012
#: How often a process checks that it (still) leads, or tries to take over.
LEADERSHIP_CHECK_SECONDS = 15


def _resolve(target: str):
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def _record(runtime, step, *args) -> None:
    """Write one line of job bookkeeping in its own short transaction; never let it stop the job."""
    try:
        with runtime.session(immediate=True) as session:
            step(session, *args)
            session.commit()
    except Exception:
        log.exception("could not record the job's progress")


def run_job(runtime, job: Job) -> None:
    """Run one job, recording its start, outcome and duration; log (never raise) its failure."""
    from foia.mail.outbox import worker_name
    from foia.system import services

    host = worker_name()
    _record(runtime, services.job_started, job.name, host, runtime.clock.now())
    started = time.monotonic()
    error = None
    try:
        _resolve(job.target)(runtime)
    except Exception as failure:
        log.exception("job %s failed", job.name)
        error = f"{type(failure).__name__}: {failure}"
    _record(runtime, services.job_finished, job.name, runtime.clock.now(), time.monotonic() - started, error)


def _start_jobs(runtime):
    """Register this process as the one running the jobs, and start each: once now, then on its interval."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from foia.mail.outbox import worker_name
    from foia.system import services

    with runtime.session(immediate=True) as session:
        jobs = services.register_jobs(session, runtime.config, worker_name(), runtime.clock.now())
        session.commit()
    # misfire_grace_time=None: a run delayed by a busy machine still happens (coalesced into one).
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                  "misfire_grace_time": None})
    for job in jobs:
        scheduler.add_job(run_job, "interval", seconds=job.interval(runtime.config), args=(runtime, job),
                          id=job.name, name=job.name, next_run_time=datetime.now(UTC))
    scheduler.start()
    log.info("this process leads the scheduler: %s", ", ".join(job.name for job in jobs))
    return scheduler


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
            try:
                leading = leadership.try_lead()
                if leading and scheduler is None:
                    scheduler = _start_jobs(runtime)
                elif not leading and scheduler is not None:
                    log.warning("this process no longer leads the scheduler")
                    scheduler.shutdown(wait=True)
                    scheduler = None
            except Exception:  # the database is away: keep trying, /healthz reports the jobs late meanwhile
                log.exception("the scheduler could not check its leadership; trying again")
            stop.wait(LEADERSHIP_CHECK_SECONDS)
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
