"""`foia run` as users run it does its work on its own: letters leave, reminders go out, replies come in,
a mail server that was down gets the message once it is back, and /healthz tells a monitor the truth.

Each test starts the real process and acts only through HTTP, the SMTP server and the IMAP mailbox.
"""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.system.conftest import job_succeeded, wait_for
from tests.system.web_user import WebUser, text_of
from tests.unit.outbound.smtp import LoopbackSmtp, free_port

PASSWORD = "a long and unusual passphrase"
AGENCY_EMAIL = "records@washco-sheriff.example"

pytestmark = pytest.mark.slow


def _new_user(server, smtp=None, email="reporter@example.org") -> WebUser:
    """A requester with an account: registered on the web with the emailed link when mail gets through,
    else created by the operator with `foia create-user` (the server's mail is down in that test)."""
    user = WebUser(server.url)
    if smtp is not None:
        user.register(email, PASSWORD, "Rita Reporter")
        link = wait_for(lambda: _registration_link(smtp, email), 30, "the registration mail", server)
        assert user.get(link).status == 200
        if "/login" in user.get("/account").url:
            user.log_in(email, PASSWORD)
    else:
        foia = str(Path(sys.executable).with_name("foia"))
        created = subprocess.run([foia, "create-user", email, "--password", PASSWORD, "--name", "Rita Reporter"],
                                 env=server.env, capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        user.log_in(email, PASSWORD)
    return user


def _letter_to_agency(smtp):
    """The first message the SMTP server accepted for the agency (envelope recipient), parsed."""
    for _, recipients, raw in smtp.received:
        if recipients == [AGENCY_EMAIL]:
            return message_from_bytes(raw, policy=policy.default)
    return None


def _registration_link(smtp, email: str) -> str | None:
    for message in smtp.messages:
        if email in str(message["To"]):
            found = re.search(r"https?://\S+/register/confirm/\S+", message.get_body(("plain",)).get_content())
            if found:
                return found.group(0)
    return None


def _file_request(user: WebUser, *, jurisdiction="Washington", title="Rekognition emails") -> int:
    """Add an agency and a draft request to it through the forms; the request's id."""
    agency_page = user.submit("/agencies/new", choose={"jurisdiction_id": jurisdiction},
                              fields={"name": "Washington County Sheriff", "foia_email": AGENCY_EMAIL})
    agency_id = re.search(r"/agencies/(\d+)", agency_page.url)
    assert agency_id, f"the agency was not created: {text_of(agency_page.text)[:1500]}"
    draft = user.submit(f"/requests/new?agency={agency_id.group(1)}",
                        fields={"agency_ids": agency_id.group(1), "title": title, "action": "save",
                                "records_sought": "All emails that mention Amazon Rekognition since 2017."})
    request_id = re.search(r"/requests/(\d+)$", draft.url)
    assert request_id, f"the request was not saved: {text_of(draft.text)[:1500]}"
    return int(request_id.group(1))


def _send_by_email(user: WebUser, request_id: int):
    answer = user.submit(f"/requests/{request_id}/send")
    assert "queued for email" in answer.text, text_of(answer.text)[:1500]
    return answer


def _delivery(user: WebUser, request_id: int) -> str:
    """The delivery state the request page shows for its letter (queued, sending, sent or failed)."""
    found = re.search(r'data-delivery="(\w+)"', user.get(f"/requests/{request_id}").text)
    return found.group(1) if found else ""


def test_a_letter_sent_from_the_web_form_reaches_the_mail_server_and_the_page_says_sent(start_foia, smtp):
    server = start_foia(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none")
    user = _new_user(server, smtp)
    request_id = _file_request(user)
    _send_by_email(user, request_id)

    letter = wait_for(lambda: _letter_to_agency(smtp), 60, "the letter reaching the SMTP server", server)
    assert "Rekognition" in letter.get_content()
    assert "+" in str(letter["Reply-To"])  # replies come back to the request's own address
    wait_for(lambda: _delivery(user, request_id) == "sent", 15, "the request page saying sent", server)
    assert "accepted by the mail server" in text_of(user.get(f"/requests/{request_id}").text)


def test_a_reminder_that_becomes_due_while_the_server_runs_is_delivered(start_foia, smtp):
    # Reminders every 9 s instead of every 15 minutes.
    server = start_foia(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none", JOB_INTERVAL_SCALE="0.01")
    user = _new_user(server, smtp)
    request_id = _file_request(user)
    # The reminder job has run once at start, before this request existed ...
    wait_for(lambda: job_succeeded(server, "send-reminders"), 30, "the first reminder run", server)
    # ... then the requester records that they filed it long ago: the agency is now overdue.
    filed = (date.today() - timedelta(days=60)).isoformat()
    answer = user.submit(f"/requests/{request_id}", action=f"/requests/{request_id}/submit",
                         fields={"submit-submitted_on": filed, "submit-method": "portal"})
    assert answer.status == 200 and "Submitted" in text_of(answer.text), text_of(answer.text)[:1500]

    def reminder():
        return [m for m in smtp.messages if "reporter@example.org" in str(m["To"])
                and "Rekognition emails" in m.get_body(("plain",)).get_content()]

    mails = wait_for(reminder, 90, "the overdue reminder reaching the requester", server)
    text = mails[0].get_body(("plain",)).get_content()
    assert "Rekognition emails" in text
    assert f"{server.url}/requests/{request_id}" in text  # its link leads to the port `foia run --port` serves


def test_a_reply_dropped_in_the_mailbox_appears_on_its_request_without_any_command(start_foia, smtp, dovecot):
    server = start_foia(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none",
                        IMAP_HOST=dovecot.host, IMAP_PORT=dovecot.port, IMAP_USER=dovecot.user,
                        IMAP_PASSWORD=dovecot.password, IMAP_TLS="none")
    user = _new_user(server, smtp)
    request_id = _file_request(user)
    _send_by_email(user, request_id)
    letter = wait_for(lambda: _letter_to_agency(smtp), 60, "the letter", server)

    reply = EmailMessage()
    reply["From"] = f"Records Unit <{AGENCY_EMAIL}>"
    reply["To"] = str(letter["Reply-To"])
    reply["Subject"] = "Acknowledgement of your public records request"
    reply["Message-ID"] = "<ack-1@washco-sheriff.example>"
    reply.set_content("We received your request and will respond within five business days.")
    dovecot.append(reply.as_bytes())

    wait_for(lambda: "Acknowledgement of your public records request" in user.get(f"/requests/{request_id}").text,
             90, "the reply appearing on its request", server)


def test_mail_that_could_not_be_sent_while_the_server_was_down_arrives_once_it_is_back(start_foia):
    down = LoopbackSmtp()  # its port is chosen, nothing listens on it yet
    server = start_foia(SMTP_HOST="127.0.0.1", SMTP_PORT=down.port, SMTP_TLS="none")
    user = _new_user(server)
    request_id = _file_request(user)
    _send_by_email(user, request_id)

    def failed_try_shown():
        page = user.get(f"/requests/{request_id}").text
        return 'data-delivery="queued"' in page and "failed" in page and "Could not reach the mail server" in page

    wait_for(failed_try_shown, 30, "the page showing the failed try and the queued letter", server)
    assert _delivery(user, request_id) == "queued"  # never "sent" before a server accepted it
    down.start()
    try:
        wait_for(lambda: _letter_to_agency(down), 60, "the letter arriving after the server came back", server)
        wait_for(lambda: _delivery(user, request_id) == "sent", 15, "the page saying sent", server)
        wait_for(lambda: job_succeeded(server, "dispatch-outbox"), 10, "another outbox run", server)
        threading.Event().wait(4)  # several more outbox runs: a second copy would show up now
        assert [recipients for _, recipients, _ in down.received] == [[AGENCY_EMAIL]]
    finally:
        down.stop()


class StallingSmtp:
    """A TCP listener that accepts connections and never says a word, like a wedged mail server."""

    def __init__(self):
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def release(self):
        """Stop listening and hang up: the stuck job fails its try and runs on."""
        self.listener.close()
        for connection in self.connections:
            connection.close()


def test_healthz_goes_503_naming_a_stalled_job_and_back_to_200(start_foia):
    stalling = StallingSmtp()
    server = start_foia(SMTP_HOST="127.0.0.1", SMTP_PORT=stalling.port, SMTP_TLS="none")
    wait_for(lambda: server.health()[0] == 200, 30, "/healthz answering 200", server)
    user = _new_user(server)
    _send_by_email(user, _file_request(user))  # the outbox job now hangs on the silent server

    def late():
        status, body = server.health()
        return status == 503 and body["jobs"]["dispatch-outbox"]["late"] and body

    body = wait_for(late, 30, "/healthz reporting the stalled outbox job", server)
    assert "dispatch-outbox" in body["detail"]
    assert body["jobs"]["send-reminders"]["late"] is False
    stalling.release()
    wait_for(lambda: server.health()[0] == 200, 30, "/healthz back to 200", server)


def test_foia_demo_beside_a_running_server_reports_the_pages_read_and_the_servers_login_address(start_foia):
    server = start_foia()
    port = server.url.rsplit(":", 1)[1]
    foia = str(Path(sys.executable).with_name("foia"))
    # A second terminal with the same FOIA_* settings as the server's (the README says so).
    env = dict(server.env, FOIA_PORT=port)
    result = subprocess.run([foia, "demo", "--password", "rekognition demo"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "read its 3 pages" in result.stdout, result.stdout  # whichever worker read them
    assert f"Log in at {server.url}/login" in result.stdout
    user = WebUser(server.url)
    user.log_in("demo@example.org", "rekognition demo")
    wait_for(lambda: "OPD_Rekognition_release_1.pdf" in user.get("/search?q=Rekognition").text, 20,
             "the release's pages being found by search", server)
