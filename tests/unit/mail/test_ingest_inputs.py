"""What a newsroom really sends: mbox quirks, zips of folders, odd names, the same mail twice."""
from __future__ import annotations

import io
import json
import time
import zipfile

from sqlmodel import select

from foia.documents.models import Document
from foia.mail.ingest import Intake
from foia.mail.inputs import ingest_bytes, split_mbox
from tests import mail_samples as samples

FROM_LINE = b"From clerk@city.example.gov Mon Mar  2 10:00:00 2026\n"


def mail(n: int, body: bytes = b"The records are attached.", headers: bytes = b"") -> bytes:
    return (b"From: Clerk <clerk@city.example.gov>\nTo: desk@paper.example\nSubject: Release %d\n"
            b"Message-ID: <release-%d@city.example.gov>\nDate: Mon, 2 Mar 2026 10:00:00 -0500\n%s\n%s\n"
            % (n, n, headers, body))


def with_attachments(files: list[tuple[str, bytes]]) -> bytes:
    parts = b"".join(b"--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"%s\"\n\n%s\n"
                     % (name.encode(), data) for name, data in files)
    return (b"From: clerk@city.example.gov\nSubject: files\nMessage-ID: <files@x>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nSee attached.\n" + parts + b"--B--\n")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def take(session, runtime, name, data):
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    ingest_bytes(intake, name, data)
    session.commit()
    return intake.summary


def test_mbox_keeps_unescaped_from_lines_in_bodies_and_reads_crlf():
    body = b"Dear requester,\n\nFrom what we found, nothing is withheld.\nFrom the clerk\n"
    box = FROM_LINE + mail(1, body) + b"\n" + FROM_LINE + mail(2) + b"\n>From here on, quoted.\n"
    assert len(split_mbox(box)) == 2 and b"From the clerk" in split_mbox(box)[0]
    assert len(split_mbox(box.replace(b"\n", b"\r\n"))) == 2


def test_mbox_import_counts_every_message_and_keeps_junk(session, runtime):
    box = b"junk before the first message\n\n" + FROM_LINE + mail(1) + b"\n" + FROM_LINE + mail(2)
    summary = take(session, runtime, "Archive.MBOX", box.replace(b"\n", b"\r\n"))
    assert summary.messages == 2 and len(summary.errors) == 1 and "kept as a file" in summary.errors[0]["reason"]
    again = take(session, runtime, "Archive.MBOX", box.replace(b"\n", b"\r\n"))
    assert (again.messages, again.duplicates, again.errors) == (0, 3, [])


def test_zip_of_folders_with_mail_pdfs_and_a_nested_zip(session, runtime):
    inner = zipped({"deep/memo.pdf": b"%PDF-1.4 memo\n%%EOF\n", "deep/3.eml": mail(3)})
    archive = zipped({"Release/1.eml": mail(1), "Release/2.EML": mail(2), "Release/scan.pdf": b"%PDF-1.4 scan\n%%EOF\n",
                      "Release/../../evil.txt": b"no escape", "more.zip": inner})
    summary = take(session, runtime, "release.zip", archive)
    assert (summary.messages, summary.documents, summary.errors) == (3, 3, [])
    names = sorted(d.filename for d in session.exec(select(Document)).all())
    assert names == ["Release/evil.txt", "Release/scan.pdf", "more.zip/deep/memo.pdf"]
    again = take(session, runtime, "release.zip", archive)
    assert (again.messages, again.documents, again.duplicates) == (0, 0, 6)


def test_attachment_names_are_sanitised_and_same_names_both_kept(session, runtime):
    raw = with_attachments([("../../etc/passwd", b"one"), ("..\\..\\boot.ini", b"two"), ("Bericht für Ämter.pdf", b"three"),
                            ("same.txt", b"first"), ("same.txt", b"second")])
    summary = take(session, runtime, "files.eml", raw)
    names = sorted(d.filename for d in session.exec(select(Document)).all())
    assert summary.documents == 5
    assert "Bericht für Ämter.pdf" in names and names.count("same.txt") == 2
    assert not any(n.startswith(".") or "/" in n or "\\" in n for n in names)
    assert sorted(runtime.blobs.read(d.blob_key) for d in session.exec(select(Document)).all() if d.filename == "same.txt") \
        == [b"first", b"second"]


def test_no_extension_uppercase_extension_and_relayed_copy(session, runtime):
    assert take(session, runtime, "README", mail(1)).messages == 1
    assert take(session, runtime, "REPLY.EML", mail(2)).messages == 1
    relayed = b"Received: from mx2.example.net; Tue, 3 Mar 2026 09:00:00 +0000\n" + mail(2)
    assert take(session, runtime, "copy-from-other-folder.eml", relayed).duplicates == 1
    assert take(session, runtime, "notes", b"Just some notes, no mail here.\n").documents == 1


def test_broken_outlook_msg_is_kept_as_a_file_with_a_reason(session, runtime):
    broken = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    summary = take(session, runtime, "reply.msg", broken)
    assert summary.messages == 0 and "Outlook" in summary.errors[0]["reason"]
    assert "kept as a file" in summary.errors[0]["reason"]
    assert runtime.blobs.read(session.exec(select(Document)).one().blob_key) == broken
    assert take(session, runtime, "reply.msg", broken).duplicates == 1


def test_eml_with_winmail_dat_keeps_its_files(session, runtime):
    summary = take(session, runtime, "tnef.eml", samples.reply_with_winmail())
    assert (summary.messages, summary.documents) == (1, 2)
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.filename, runtime.blobs.read(d.blob_key)) for d in documents] == samples.WINMAIL_FILES


def test_real_eml_with_winmail_dat_keeps_its_files(session, runtime, corpus):
    raw = (corpus / "alaveteli-emails" / "incoming-request-tnef-attachments.eml").read_bytes()
    summary = take(session, runtime, "tnef.eml", raw)
    assert summary.messages == 1 and summary.documents >= 2


def test_folders_of_small_mail_import_quickly_and_duplicates_across_folders(runner, tmp_path):
    tmp_path = tmp_path / "mail"  # beside the test's instance folder, not around it
    for folder in ("inbox", "archive"):
        (tmp_path / folder).mkdir(parents=True)
    for n in range(300):
        (tmp_path / "inbox" / f"{n}.eml").write_bytes(mail(n))
    for n in range(0, 300, 3):
        (tmp_path / "archive" / f"copy {n}.eml").write_bytes(b"Received: by other.example\n" + mail(n))
    started = time.monotonic()
    first = json.loads(runner.invoke(args=["import", str(tmp_path), "--json"]).output)
    assert time.monotonic() - started < 30
    assert (first["messages"], first["duplicates"], first["errors"]) == (300, 100, [])
    second = json.loads(runner.invoke(args=["import", str(tmp_path), "--json"]).output)
    assert (second["messages"], second["documents"], second["duplicates"]) == (0, 0, 400)
