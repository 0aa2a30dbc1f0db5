"""/healthz tells a monitor whether the jobs run; the System page shows admins jobs and queues."""
from datetime import timedelta

from foia.mail import outbox
from foia.ports import OutgoingEmail
from foia.system import services
from foia.system.jobs import JOBS


def _run_every_job(runtime, session, clock, *, failing: str | None = None):
    """What the leading scheduler records: it takes the jobs on, then each runs (one may fail)."""
    services.register_jobs(session, runtime.config, "web-test:1", clock.now())
    for job in JOBS:
        services.job_started(session, job.name, "web-test:1", clock.now())
        error = "ConnectionRefusedError: [Errno 111]" if job.name == failing else None
        services.job_finished(session, job.name, clock.now(), 0.05, error)
    session.commit()


def test_healthz_is_503_until_a_scheduler_has_run_the_jobs(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "no scheduler has run" in response.get_json()["detail"]


def test_healthz_is_ok_while_every_job_succeeds_on_time(client, runtime, session, clock):
    _run_every_job(runtime, session, clock)
    clock.at = clock.now() + timedelta(seconds=50)  # the outbox (every 30 s) may be one run behind, not three
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["jobs"]) == {"dispatch-outbox", "send-reminders", "update-search-index"}
    assert "fetch-mail" not in body["jobs"]  # IMAP is not configured: the job is off, not late


def test_healthz_names_the_job_that_stopped_succeeding_and_recovers(client, runtime, session, clock):
    _run_every_job(runtime, session, clock)
    clock.at = clock.now() + timedelta(seconds=95)  # more than three 30-second intervals
    services.job_finished(session, "dispatch-outbox", clock.now(), 0.1, "TimeoutError: timed out")
    for job in ("send-reminders", "update-search-index"):
        services.job_finished(session, job, clock.now(), 0.1, None)
    session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "late"
    assert body["jobs"]["dispatch-outbox"]["late"] is True
    assert "dispatch-outbox has not succeeded for 95 s" in body["detail"]
    assert "TimeoutError" not in response.get_data(as_text=True)  # errors are for admins, not the public

    services.job_finished(session, "dispatch-outbox", clock.now(), 0.1, None)
    session.commit()
    assert client.get("/healthz").status_code == 200


def test_healthz_counts_a_job_that_never_succeeded_from_when_the_leader_took_it_on(client, runtime, session, clock):
    services.register_jobs(session, runtime.config, "web-test:1", clock.now())
    session.commit()
    assert client.get("/healthz").status_code == 200  # just started: nothing is late yet
    clock.at = clock.now() + timedelta(seconds=91)
    body = client.get("/healthz").get_json()
    assert body["status"] == "late"
    assert "update-search-index" in body["detail"]


def test_healthz_is_503_when_the_database_does_not_answer(client, runtime, monkeypatch):
    import sqlalchemy as sa

    def unreachable(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr(runtime.engine, "connect", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_the_system_page_shows_admins_each_job_and_the_queues(client, make, runtime, session, clock):
    _run_every_job(runtime, session, clock, failing="dispatch-outbox")
    outbox.enqueue(session, OutgoingEmail(to=["records@agency.example.gov"], subject="Letter", body="Hello"),
                   sender="requests@foia.test", purpose="letter", now=clock.now())
    session.commit()
    make.user("admin@example.org", is_admin=True)
    client.login("admin@example.org")
    page = client.get("/admin/system").get_data(as_text=True)
    assert 'data-job="dispatch-outbox"' in page and 'data-job="send-reminders"' in page
    assert "ConnectionRefusedError" in page  # the admin sees why the job failed
    assert "Email to send (outbox)" in page
    row = page.split("Email to send (outbox)")[1].split("</tr>")[0]
    assert "<td>1</td>" in row and "0 s" in row  # one letter waiting, queued just now


def test_the_system_page_does_not_exist_for_other_users(client, make):
    make.user("rita@example.org")
    client.login("rita@example.org")
    assert client.get("/admin/system").status_code == 404
    client.post_form("/logout")
    assert client.get("/admin/system").status_code == 302  # to the login page
