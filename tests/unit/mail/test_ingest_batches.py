"""An mbox import commits by batches: a crash loses only the last batch, and importing again takes each
message exactly once; a message that fails rolls back alone; blobs are durable before the rows naming them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from foia import db
from foia.documents.models import Document
from foia.mail import inputs
from foia.mail.ingest import Intake, ingest_email
from foia.mail.inputs import BatchNotSaved, ingest_bytes, iter_mbox
from foia.mail.models import Message
from foia.requests.models import RequestEvent

FROM_LINE = b"From clerk@city.example.gov Mon Mar  2 10:00:00 2026\n"


def mail(n: int) -> bytes:
    """A reply, every third one with a small text attachment of its own."""
    head = (b"From: Clerk <clerk@city.example.gov>\nTo: desk@paper.example\nSubject: Release %d\n"
            b"Message-ID: <batch-%d@city.example.gov>\nDate: Mon, 2 Mar 2026 10:00:00 -0500\nMIME-Version: 1.0\n" % (n, n))
    if n % 3:
        return head + b"\nRelease %d of the records.\n" % n
    return head + (b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nSee attached.\n"
                   b"--B\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"log-%d.csv\"\n\n"
                   b"case,date\n%d,2026-03-02\n--B--\n" % (n, n))


def mbox(count: int) -> bytes:
    return b"".join(FROM_LINE + mail(n) + b"\n" for n in range(1, count + 1))


def test_killed_mid_import_then_imported_again_has_each_message_once(tmp_path, app_config):
    count = 260
    path = tmp_path / "replies.mbox"
    path.write_bytes(mbox(count))
    env = {**os.environ, "FOIA_INSTANCE_PATH": app_config["INSTANCE_PATH"], "FOIA_DATABASE_URL": app_config["DATABASE_URL"],
           "FOIA_SECRET_KEY": "test-secret"}
    # The real command in its own process, killed (SIGKILL: no cleanup at all) as it takes the 150th message.
    killer = textwrap.dedent("""
        import os, signal, sys
        from foia.mail import inputs
        real, calls = inputs.ingest_email, []
        def ingest_email(intake, raw):
            calls.append(1)
            if len(calls) == 150:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(intake, raw)
        inputs.ingest_email = ingest_email
        from foia.cli import main
        sys.argv = ["foia", "import", sys.argv[1], "--json"]
        main()
    """)
    killed = subprocess.run([sys.executable, "-c", killer, str(path)], env=env, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    engine = db.make_engine(app_config["DATABASE_URL"])
    try:
        with db.new_session(engine) as session:
            kept = session.exec(select(sa.func.count()).select_from(Message)).one()
        assert 0 < kept < 150  # the batches committed before the kill, not the one being read

        blobs = tmp_path / "instance" / "blobs"
        hours_ago = time.time() - 2 * 3600
        for leftover in blobs.rglob(".incoming-*"):  # the killed batch's unsynced files, as if left hours ago
            os.utime(leftover, (hours_ago, hours_ago))
        again = subprocess.run([str(Path(sys.executable).with_name("foia")), "import", str(path), "--json"], env=env,
                               capture_output=True, text=True, timeout=300)
        summary = json.loads(again.stdout)
        assert (summary["messages"], summary["duplicates"], summary["errors"]) == (count - kept, kept, [])

        with db.new_session(engine) as session:
            ids = session.exec(select(Message.message_id)).all()
            documents = session.exec(select(Document.filename, Document.blob_key)).all()
            raw_keys = session.exec(select(Message.raw_blob_key)).all()
        assert sorted(ids) == sorted(f"batch-{n}@city.example.gov" for n in range(1, count + 1))
        assert sorted(name for name, _ in documents) == sorted(f"log-{n}.csv" for n in range(3, count + 1, 3))
    finally:
        engine.dispose()
    assert not list(blobs.rglob(".incoming-*"))  # the next import swept what the killed one left
    for key in [*raw_keys, *(key for _, key in documents)]:  # every row names a whole blob in place
        assert (blobs / key[:2] / key[2:4] / key).stat().st_size > 0


def test_a_message_that_fails_in_a_batch_rolls_back_alone(session, runtime, monkeypatch):
    real = inputs.ingest_email

    def failing_on_the_fifth(intake, raw):
        message = real(intake, raw)
        if b"Subject: Release 5\n" in raw:
            raise RuntimeError("disk trouble")  # after its rows were written: they must go
        return message

    monkeypatch.setattr(inputs, "ingest_email", failing_on_the_fifth)
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    ingest_bytes(intake, "replies.mbox", mbox(12))
    session.commit()
    assert len(intake.summary.errors) == 1 and "disk trouble" in intake.summary.errors[0]["reason"]
    assert "kept as a file" in intake.summary.errors[0]["reason"]
    ids = session.exec(select(Message.message_id)).all()
    assert sorted(ids) == sorted(f"batch-{n}@city.example.gov" for n in range(1, 13) if n != 5)
    kept = session.exec(select(Document).where(Document.filename == "replies.mbox-5.eml")).one()
    assert runtime.blobs.read(kept.blob_key).startswith(b"From: Clerk")


def test_mbox_is_read_from_the_file_message_by_message(tmp_path):
    path = tmp_path / "replies.mbox"
    path.write_bytes(b"\n" + mbox(3).replace(b"\n", b"\r\n"))
    with path.open("rb") as handle:
        messages = iter_mbox(handle)
        first = next(messages)
        assert handle.tell() < path.stat().st_size  # the rest of the file is not read yet
        rest = list(messages)
    assert [m.split(b"\r\n", 3)[2] for m in [first, *rest]] == [b"Subject: Release %d" % n for n in (1, 2, 3)]


def test_a_batch_the_database_refuses_stops_the_import_and_the_same_import_again_takes_it_in(session, runtime,
                                                                                                 monkeypatch):
    real_commit, refused = session.commit, []

    def refusing_once():
        if not refused:
            refused.append(True)
            raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))
        real_commit()

    monkeypatch.setattr(session, "commit", refusing_once)
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    with pytest.raises(BatchNotSaved, match="Import the same file again"):
        ingest_bytes(intake, "replies.mbox", mbox(150))
    assert session.exec(select(sa.func.count()).select_from(Message)).one() == 0  # nothing claimed as taken in

    again = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    ingest_bytes(again, "replies.mbox", mbox(150))
    session.commit()
    assert (again.summary.messages, again.summary.duplicates, again.summary.errors) == (150, 0, [])
    assert len(set(session.exec(select(Message.message_id)).all())) == 150


def test_an_mbox_reply_to_an_earlier_message_of_the_same_batch_goes_to_its_request(session, runtime, make):
    request = make.request()
    first = (b"From: Clerk <clerk@city.example.gov>\nTo: desk+%s@paper.example\nSubject: Acknowledgement\n"
             b"Message-ID: <first@city.example.gov>\nDate: Mon, 2 Mar 2026 10:00:00 -0500\n\nReceived.\n"
             % request.reply_token.encode())
    reply = (b"From: Clerk <clerk@city.example.gov>\nTo: desk@paper.example\nSubject: Records\n"
             b"Message-ID: <second@city.example.gov>\nIn-Reply-To: <first@city.example.gov>\n"
             b"Date: Mon, 2 Mar 2026 11:00:00 -0500\n\nHere they are.\n")
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    ingest_bytes(intake, "replies.mbox", FROM_LINE + first + b"\n" + FROM_LINE + reply + b"\n" + FROM_LINE + first)
    session.commit()
    assert (intake.summary.messages, intake.summary.duplicates, intake.summary.unmatched) == (2, 1, 0)
    second = session.exec(select(Message).where(Message.message_id == "second@city.example.gov")).one()
    assert second.request_id == request.id and second.match_reason == "In-Reply-To <first@city.example.gov>"


def test_a_message_that_arrived_meanwhile_another_way_is_a_duplicate_and_the_rest_of_its_batch_is_taken_in(
        session, runtime, monkeypatch):
    third = mail(3)

    class ArrivingMeanwhile(inputs.EmailBatch):
        def __init__(self, intake, raws):
            super().__init__(intake, raws)  # the batch has looked: the third is not there yet
            if any(raw == third for raw in raws):
                ingest_email(Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now()), third)

    monkeypatch.setattr(inputs, "EmailBatch", ArrivingMeanwhile)
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    ingest_bytes(intake, "replies.mbox", mbox(12))
    session.commit()
    assert (intake.summary.messages, intake.summary.duplicates, intake.summary.errors) == (11, 1, [])
    ids = session.exec(select(Message.message_id)).all()
    assert sorted(ids) == sorted(f"batch-{n}@city.example.gov" for n in range(1, 13))


def test_a_message_that_cannot_be_written_with_its_batch_fails_alone(session, runtime, make, monkeypatch):
    from foia.mail import ingest

    real = ingest._tell_request

    def failing_for_the_seventh(intake, message, *args):
        if message.subject == "Release 7":
            raise RuntimeError("cannot tell the request")
        return real(intake, message, *args)

    monkeypatch.setattr(ingest, "_tell_request", failing_for_the_seventh)
    request = make.request()
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now(), request=request)
    ingest_bytes(intake, "replies.mbox", mbox(12))
    session.commit()
    assert (intake.summary.messages, intake.summary.documents) == (11, 4)  # the csv files of the 3rd, 6th, 9th, 12th
    [error] = intake.summary.errors
    assert "cannot tell the request" in error["reason"] and "kept as a file" in error["reason"]
    ids = session.exec(select(Message.message_id).where(Message.request_id == request.id)).all()
    assert sorted(ids) == sorted(f"batch-{n}@city.example.gov" for n in range(1, 13) if n != 7)
    assert len(session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).all()) == 11
