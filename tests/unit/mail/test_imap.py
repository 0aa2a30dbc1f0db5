"""The IMAP poller against a real dovecot on loopback."""
from __future__ import annotations

import json

from sqlmodel import select

from foia.mail.imap import poll
from foia.mail.models import ImapFolderState, Message


def mail(n: int) -> bytes:
    return (f"From: clerk@city.example.gov\r\nTo: requests@foia.test\r\nSubject: Reply {n}\r\n"
            f"Message-ID: <imap-{n}@city.example.gov>\r\n\r\nBody {n}\r\n").encode()


def configure(runtime, dovecot, **extra):
    runtime.config.update({"IMAP_HOST": dovecot.host, "IMAP_PORT": dovecot.port, "IMAP_USER": dovecot.user,
                           "IMAP_PASSWORD": dovecot.password, "IMAP_TLS": "none", "IMAP_FOLDER": "INBOX", **extra})


def test_poll_twice_fetches_each_message_once_and_leaves_mail(runtime, session, dovecot):
    configure(runtime, dovecot)
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    first = poll(runtime)
    assert (first["fetched"], first["messages"], first["unmatched"]) == (2, 2, 2)
    second = poll(runtime)
    assert (second["fetched"], second["messages"]) == (0, 0)
    dovecot.append(mail(3))
    assert poll(runtime)["fetched"] == 1
    assert len(session.exec(select(Message)).all()) == 3
    with dovecot.client() as box:
        assert len(box.uids()) == 3  # still on the server


def test_uidvalidity_change_reads_again_without_duplicates(runtime, session, dovecot):
    configure(runtime, dovecot)
    dovecot.append(mail(1))
    poll(runtime)
    state = session.exec(select(ImapFolderState)).one()
    server_value = state.uidvalidity
    state.uidvalidity += 1  # as if the server renumbered the folder
    session.commit()
    again = poll(runtime)
    assert (again["fetched"], again["messages"], again["duplicates"]) == (1, 0, 1)
    session.expire_all()
    assert session.exec(select(ImapFolderState)).one().uidvalidity == server_value


def test_move_to_folder_after_import(runtime, dovecot):
    configure(runtime, dovecot, IMAP_MOVE_TO="Processed")
    dovecot.append(mail(1))
    assert poll(runtime)["messages"] == 1
    with dovecot.client() as box:
        assert box.uids() == []
        box.folder.set("Processed")
        assert len(box.uids()) == 1


def test_fetch_mail_command(runner, runtime, dovecot):
    configure(runtime, dovecot)
    dovecot.append(mail(1))
    result = runner.invoke(args=["fetch-mail", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["messages"] == 1
