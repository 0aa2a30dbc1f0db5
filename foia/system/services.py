"""Job bookkeeping, the health verdict /healthz gives, and the queue lengths admins watch."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from foia.system.jobs import JOBS, LATE_AFTER_INTERVALS, Job
from foia.system.models import JobStatus


def _row(session: Session, name: str) -> JobStatus:
    row = session.get(JobStatus, name)
    if row is None:
        row = JobStatus(name=name)
        session.add(row)
    return row


def register_jobs(session: Session, config: dict, host: str, now: datetime) -> list[Job]:
    """Record that this process now leads: the jobs it will run (and those it will not); returns the former."""
    scheduled = []
    for job in JOBS:
        row = _row(session, job.name)
        row.enabled = job.enabled(config)
        row.interval_seconds = job.interval(config)
        if row.enabled:
            row.host = host
            row.registered_at = now
            scheduled.append(job)
        session.add(row)
    session.flush()
    return scheduled


def job_started(session: Session, name: str, host: str, now: datetime) -> None:
    row = _row(session, name)
    row.host, row.last_started_at = host, now
    session.add(row)
    session.flush()


def job_finished(session: Session, name: str, now: datetime, duration: float, error: str | None) -> None:
    """Record a run's outcome: a success clears the last error, a failure keeps the last success."""
    row = _row(session, name)
    row.last_finished_at, row.last_duration = now, duration
    row.runs += 1
    if error is None:
        row.last_succeeded_at, row.last_error = now, ""
    else:
        row.failures += 1
        row.last_error = error[:2000]
    session.add(row)
    session.flush()


@dataclass(frozen=True)
class JobHealth:
    """One job as /healthz and the System page judge it."""

    status: JobStatus
    purpose: str
    #: Since when the job has owed a success: its last success, or when the leader took it on.
    since: datetime | None
    late: bool

    @property
    def name(self) -> str:
        return self.status.name

    @property
    def every(self) -> str:
        """The interval in words: 30 s, 15 min."""
        return age_words(timedelta(seconds=self.status.interval_seconds))

    @property
    def running(self) -> bool:
        started, finished = self.status.last_started_at, self.status.last_finished_at
        return started is not None and (finished is None or finished < started)


def _since(row: JobStatus) -> datetime | None:
    moments = [m for m in (row.last_succeeded_at, row.registered_at) if m is not None]
    return max(moments) if moments else None


def job_health(session: Session, now: datetime) -> list[JobHealth]:
    """Every job the database knows, in the scheduler's order, each judged late or not."""
    purposes = {job.name: job.purpose for job in JOBS}
    order = [job.name for job in JOBS]
    rows = sorted(session.exec(select(JobStatus)).all(),
                  key=lambda r: (order.index(r.name) if r.name in order else len(order), r.name))
    verdicts = []
    for row in rows:
        since = _since(row)
        allowed = timedelta(seconds=row.interval_seconds * LATE_AFTER_INTERVALS)
        late = row.enabled and (since is None or now - since > allowed)
        verdicts.append(JobHealth(row, purposes.get(row.name, ""), since, late))
    return verdicts


def health(session: Session, now: datetime) -> tuple[bool, dict]:
    """The /healthz verdict from the database (whichever host runs the scheduler): (healthy, JSON body).

    Healthy means every job the leading scheduler runs succeeded within three of its intervals.
    Only names and ages are given: the body is public, errors are for the System page.
    """
    jobs = [j for j in job_health(session, now) if j.status.enabled]
    if not jobs:
        return False, {"status": "late", "detail": "no scheduler has run the periodic jobs: start `foia run` "
                                                   "or `foia scheduler`"}
    body = {
        "jobs": {j.name: {"last_success": j.status.last_succeeded_at.isoformat() if j.status.last_succeeded_at else None,
                          "every_seconds": j.status.interval_seconds, "late": j.late} for j in jobs},
    }
    late = [j for j in jobs if j.late]
    if late:
        body["status"] = "late"
        body["detail"] = "; ".join(
            f"{j.name} has not succeeded for {age_words(now - j.since) if j.since else 'ever'} (runs every "
            f"{age_words(timedelta(seconds=j.status.interval_seconds))})" for j in late)
        return False, body
    return True, {"status": "ok", **body}


def age_words(delta: timedelta) -> str:
    """A duration as a person reads it: 45 s, 12 min, 5 h, 3 days."""
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


@dataclass(frozen=True)
class Queue:
    """Work waiting for a job or a worker."""

    name: str
    waiting: int
    oldest: datetime | None
    failed: int | None = None
    note: str = ""
    #: How long the oldest waiting item has waited, in words ("" when nothing waits).
    oldest_age: str = ""


def queues(session: Session, now: datetime) -> list[Queue]:
    """The outbox, the extraction queue and each search index's backlog."""
    from foia.documents.models import Document, ExtractionState
    from foia.mail.models import DeliveryState, OutboxMessage
    from foia.search.models import SearchChange, SearchWatermark

    def count_and_oldest(model, created, *conditions):
        return session.exec(select(sa.func.count(), sa.func.min(created)).where(*conditions)).one()

    waiting, oldest = count_and_oldest(OutboxMessage, OutboxMessage.created_at,
                                       OutboxMessage.state.in_([DeliveryState.queued, DeliveryState.sending]))
    failed = session.exec(select(sa.func.count()).where(OutboxMessage.state == DeliveryState.failed)).one()
    result = [Queue("Email to send (outbox)", waiting, oldest, failed)]
    waiting, oldest = count_and_oldest(Document, Document.created_at,
                                       Document.state.in_([ExtractionState.queued, ExtractionState.extracting]))
    failed = session.exec(select(sa.func.count()).where(Document.state == ExtractionState.failed)).one()
    result.append(Queue("Documents waiting for text extraction", waiting, oldest, failed))
    for mark in session.exec(select(SearchWatermark).order_by(SearchWatermark.index_name)).all():
        waiting, oldest = count_and_oldest(SearchChange, SearchChange.at, SearchChange.id > mark.last_change_id)
        result.append(Queue("Search changes not yet indexed", waiting, oldest, note=mark.index_name))
    return [replace(q, oldest_age=age_words(now - q.oldest)) if q.oldest else q for q in result]
