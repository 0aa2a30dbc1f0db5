"""Scheduler leadership and exactly-once reminders across processes (PostgreSQL only)."""
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from foia.db import utcnow
from foia.deadlines.statutory_clock import apply_event
from foia.ports import local_date
from foia.requests.models import Status
from foia.scheduler import Leadership
from tests.conftest import PG_URL

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (FOIA_TEST_DATABASE_URL): SQLite has one writer "
                                          "and its scheduler always leads"),
]


def test_only_one_process_leads_and_another_takes_over_when_it_stops(runtime):
    from foia import db

    other_engine = db.make_engine(PG_URL)
    first, second = Leadership(runtime.engine), Leadership(other_engine)
    try:
        assert first.try_lead()
        assert first.try_lead()  # still leading
        assert not second.try_lead()
        first.release()
        assert second.try_lead()
        assert not first.try_lead()
    finally:
        first.release()
        second.release()
        other_engine.dispose()


def test_two_scheduler_processes_send_each_reminder_once(session, make, laws, smtp, tmp_path):
    owner = make.user("rita@example.org", display_name="Rita")
    agency = make.agency("FBI", jurisdiction="federal", foia_email="foia@fbi.example.gov")
    received = local_date(utcnow()) - timedelta(days=60)
    count = 6
    for n in range(count):
        request = make.request(owner=owner, agency=agency, status=Status.submitted, submitted_on=received,
                               title=f"Overdue request {n}")
        apply_event(request, laws["federal"], "submitted", received)  # long overdue: one reminder each
        session.add(request)
    session.commit()

    env = dict(os.environ, FOIA_DATABASE_URL=PG_URL, FOIA_INSTANCE_PATH=str(tmp_path / "instance"),
               FOIA_SECRET_KEY="test", FOIA_SMTP_HOST="127.0.0.1", FOIA_SMTP_PORT=str(smtp.port),
               FOIA_SMTP_TLS="none", FOIA_MAIL_FROM="requests@foia.test", FOIA_BASE_URL="http://foia.test",
               FOIA_LOG_LEVEL="WARNING")
    foia = str(Path(sys.executable).with_name("foia"))
    logs = [open(tmp_path / f"scheduler-{n}.log", "wb") for n in range(2)]
    processes = [subprocess.Popen([foia, "scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and len(smtp.received) < count:
            time.sleep(0.2)
        time.sleep(2)  # room for a double send to show up
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
    recipients = [rcpts for _, rcpts, _ in smtp.received]
    output = "\n".join((tmp_path / f"scheduler-{n}.log").read_text() for n in range(2))
    assert recipients == [["rita@example.org"]] * count, output
    ids = smtp.message_ids()
    assert len(set(ids)) == count
    subjects = sorted(str(m["Subject"]) for m in smtp.messages)
    assert all(subject.startswith("Overdue: Overdue request") for subject in subjects)
