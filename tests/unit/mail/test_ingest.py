"""The ingest service: matching rules, the holding pen, duplicates, bounces, zips, suggestions."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlmodel import select

from foia.documents.models import Document
from foia.demo.pdf_writer import text_pdf
from foia.mail.holding_pen import assign_messages
from foia.mail.ingest import Intake, ingest_email
from foia.mail.inputs import ingest_bytes
from foia.mail.models import Direction, Message
from foia.requests.models import RequestEvent, Status
from foia.search.models import SearchChange
from tests import mail_samples as samples


def mail(to="requests@foia.test", subject="Your request", body="Thank you.", sender="clerk@city.example.gov",
         headers="", message_id="<m1@city.example.gov>") -> bytes:
    return (f"From: Clerk <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            f"Date: Mon, 2 Mar 2026 10:00:00 -0500\r\n{headers}\r\n{body}\r\n").encode()


def intake(session, runtime, **kw):
    return Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now(), **kw)


def test_reply_token_matches_and_tells_the_request(session, runtime, make):
    request = make.request(status=Status.submitted)
    message = ingest_email(intake(session, runtime), mail(to=f"requests+{request.reply_token}@foia.test"))
    session.commit()
    assert message.request_id == request.id
    assert "reply address" in message.match_reason
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).all()
    assert [e.kind for e in events] == ["message"]
    assert session.exec(select(SearchChange).where(SearchChange.item_type == "message")).first().item_id == message.id


def test_in_reply_to_matches_a_sent_letter(session, runtime, make):
    request = make.request(status=Status.submitted)
    session.add(Message(request_id=request.id, direction=Direction.outbound, message_id="letter-1@foia.test"))
    session.commit()
    message = ingest_email(intake(session, runtime), mail(headers="In-Reply-To: <letter-1@foia.test>\r\n"))
    assert message.request_id == request.id and message.match_reason.startswith("In-Reply-To")


def test_tracking_code_and_agency_number_in_subject(session, runtime, make):
    first = make.request(status=Status.submitted)
    second = make.request(status=Status.submitted, agency_tracking_number="R-2026-117")
    one = ingest_email(intake(session, runtime), mail(subject=f"RE: {first.tracking_code}", message_id="<a@x>"))
    two = ingest_email(intake(session, runtime), mail(subject="Your request R-2026-117", message_id="<b@x>"))
    assert (one.request_id, two.request_id) == (first.id, second.id)
    assert "agency tracking number" in two.match_reason


def test_sender_with_exactly_one_open_request(session, runtime, make):
    agency = make.agency(foia_email="records@city.example.gov")
    request = make.request(agency=agency, status=Status.submitted)
    make.request(agency=agency, status=Status.done)
    message = ingest_email(intake(session, runtime), mail(sender="someone.else@city.example.gov"))
    assert message.request_id == request.id and "one open request" in message.match_reason


def test_unmatched_mail_waits_in_the_holding_pen_and_can_be_assigned_in_bulk(session, runtime, make):
    owner = make.user()
    request = make.request(owner=owner, status=Status.submitted)
    take = intake(session, runtime, actor=owner, source="upload")
    first = ingest_email(take, mail(message_id="<h1@x>"))
    second = ingest_email(take, mail(message_id="<h2@x>", body="Records are attached."))
    session.commit()
    assert take.summary.unmatched == 2 and first.request_id is None and first.imported_by_id == owner.id
    assign_messages(session, owner, runtime.clock.now(), [first.id, second.id], request.id)
    session.commit()
    assert {m.request_id for m in session.exec(select(Message)).all()} == {request.id}
    assert session.get(Message, second.id).suggested_status == "done"


def test_same_mail_twice_adds_nothing(session, runtime):
    take = intake(session, runtime)
    assert ingest_email(take, mail()) is not None
    relayed = b"Received: from relay.example.net by mx.foia.test; Tue, 3 Mar 2026 08:00:00 +0000\r\n" + mail()
    assert ingest_email(take, relayed) is None
    session.commit()
    assert take.summary.messages == 1 and take.summary.duplicates == 1


def test_a_different_mail_reusing_a_message_id_is_kept_too(session, runtime):
    take = intake(session, runtime)
    first = ingest_email(take, mail())
    other = ingest_email(take, mail(body="A different letter from a mailer that reuses Message-IDs."))
    session.commit()
    assert other is not None and other.message_id is None and first.message_id == "m1@city.example.gov"
    assert any("same Message-ID" in warning for warning in other.parse_warnings)
    assert ingest_email(take, mail(body="A different letter from a mailer that reuses Message-IDs.")) is None


def bounce_marks_the_agency_failing(session, runtime, make, raw: bytes, failed: str) -> RequestEvent:
    """Ingest a bounce of mail to `failed` on a submitted request of the agency at that address."""
    agency = make.agency(foia_email=failed)
    bystander = make.agency()
    request = make.request(agency=agency, status=Status.submitted)
    message = ingest_email(intake(session, runtime, request=request), raw)
    session.commit()
    session.refresh(agency)
    session.refresh(bystander)
    assert message.kind.value == "bounce" and message.suggested_status is None
    assert agency.email_failing_since == runtime.clock.now() and agency.email_failing_reason
    assert bystander.email_failing_since is None
    assert session.get(type(request), request.id).status == Status.submitted
    event = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).one()
    assert "bounced" in event.summary and "failing" in event.summary
    return event


def test_bounce_marks_the_agency_failing_names_the_recipient_and_never_changes_status(session, runtime, make):
    raw = samples.delivery_status_bounce(failed="foia@county.example.gov")
    event = bounce_marks_the_agency_failing(session, runtime, make, raw, "foia@county.example.gov")
    assert event.summary.startswith("Mail to foia@county.example.gov bounced") and "5.1.1" in event.summary


def test_a_real_bounce_marks_the_agency_failing(session, runtime, make, corpus):
    raw = (corpus / "froide-emails" / "bounce_001.txt").read_bytes()
    bounce_marks_the_agency_failing(session, runtime, make, raw, "nonexistant@example.org")


@pytest.mark.parametrize("build", [samples.exchange_out_of_office, samples.lotus_out_of_office,
                                   samples.generic_out_of_office], ids=["exchange", "lotus", "generic"])
def test_auto_reply_suggests_nothing(session, runtime, make, build):
    request = make.request(status=Status.submitted)
    message = ingest_email(intake(session, runtime, request=request), build())
    assert message.kind.value == "auto_reply" and message.suggested_status is None
    event = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).one()
    assert event.summary.startswith("Automatic reply from")


def test_a_real_exchange_auto_reply_suggests_nothing(session, runtime, make, corpus):
    request = make.request(status=Status.submitted)
    raw = (corpus / "alaveteli-emails" / "track-response-exchange-oof-1.eml").read_bytes()
    message = ingest_email(intake(session, runtime, request=request), raw)
    assert message.kind.value == "auto_reply" and message.suggested_status is None


def test_acknowledgement_and_fee_are_suggested(session, runtime, make):
    request = make.request(status=Status.submitted)
    ack = ingest_email(intake(session, runtime, request=request),
                       mail(body="We have received your request and assigned tracking number 55.", message_id="<k1@x>"))
    fee = ingest_email(intake(session, runtime, request=request),
                       mail(body="The estimated fee is $45.00; payment is required before we proceed.", message_id="<k2@x>"))
    assert (ack.suggested_status, fee.suggested_status) == ("acknowledged", "payment_required")


def attachments_become_queued_documents(session, runtime, make, same_names: bytes, with_pdf: bytes,
                                        pdf_name: str) -> list[Document]:
    """Ingest a mail with two same-named files, then a mail with a PDF twice under different Message-IDs."""
    request = make.request(status=Status.submitted)
    ingest_email(intake(session, runtime, request=request), same_names)
    ingest_email(intake(session, runtime, request=request), with_pdf)
    again = with_pdf.replace(b"Message-ID:", b"X-Old-Message-ID:", 1).replace(b"Message-Id:", b"X-Old:", 1)
    ingest_email(intake(session, runtime, request=request), again)
    session.commit()
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [d.state.value for d in documents] == ["queued"] * len(documents)
    assert [d.filename for d in documents].count("hello-world.txt") == 2
    pdfs = [d for d in documents if d.filename == pdf_name]
    assert pdfs[0].content_type == "application/pdf"
    assert len(pdfs) == 2 and pdfs[1].duplicate_of_id == pdfs[0].id
    assert runtime.blobs.exists(pdfs[0].blob_key)
    return documents


def test_attachments_become_queued_documents_and_duplicates_are_linked(session, runtime, make):
    pdf = samples.release_pdf()
    documents = attachments_become_queued_documents(session, runtime, make, samples.same_name_attachments(),
                                                    samples.reply_with_pdf(pdf, "release.pdf"), "release.pdf")
    assert sorted(runtime.blobs.read(d.blob_key).strip() for d in documents if d.filename == "hello-world.txt") \
        == [b"First hello", b"Second hello"]
    assert runtime.blobs.read(next(d for d in documents if d.filename == "release.pdf").blob_key) == pdf


def test_real_attachments_become_queued_documents_and_duplicates_are_linked(session, runtime, make, corpus):
    mail = corpus / "alaveteli-emails"
    attachments_become_queued_documents(session, runtime, make, (mail / "incoming-request-two-same-name.eml").read_bytes(),
                                        (mail / "incoming-request-pdf-attachment.eml").read_bytes(), "fs_50379341.pdf")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_members_become_documents_and_a_bomb_is_refused(session, runtime, make):
    request = make.request(status=Status.submitted)
    take = intake(session, runtime, request=request)
    ingest_bytes(take, "release.zip", _zip({"a/letter.txt": b"Dear requester", "scan.pdf": b"%PDF-1.4\n%%EOF\n"}))
    assert take.summary.documents == 2
    names = sorted(d.filename for d in session.exec(select(Document)).all())
    assert names == ["a/letter.txt", "scan.pdf"]
    ingest_bytes(take, "bomb.zip", _zip({"zeros.bin": b"\0" * (60 * 1024 ** 2)}))
    assert take.summary.errors and "zip bomb" in take.summary.errors[0]["reason"]
    assert take.summary.documents == 2


def test_foia_import_of_a_folder_twice_adds_nothing_the_second_time(runner, tmp_path):
    folder = tmp_path / "mail"
    mails = samples.every_sample()
    for number, (name, raw) in enumerate(mails.items()):
        (folder / f"box {number % 3}").mkdir(parents=True, exist_ok=True)
        (folder / f"box {number % 3}" / name).write_bytes(raw)
    (folder / "box 0" / "scan.pdf").write_bytes(text_pdf(["A scanned letter"]))
    first = json.loads(runner.invoke(args=["import", str(folder), "--json"]).output)
    # 14 attachments (PDF 1, same names 2, attached mail 2, returned letter 1, winmail 2, file names 4,
    # uuencode 1, cut off 1) and the loose PDF.
    assert first == {"messages": len(mails), "documents": 15, "duplicates": 0, "unmatched": len(mails), "errors": []}
    second = json.loads(runner.invoke(args=["import", str(folder), "--json"]).output)
    assert second == {"messages": 0, "documents": 0, "duplicates": len(mails) + 1, "unmatched": 0, "errors": []}


def test_foia_import_twice_adds_nothing_the_second_time(runner, corpus):
    folder = corpus / "alaveteli-emails"
    first = runner.invoke(args=["import", str(folder), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["errors"] == [] and summary["messages"] > 40
    second = json.loads(runner.invoke(args=["import", str(folder), "--json"]).output)
    assert (second["messages"], second["documents"], second["errors"]) == (0, 0, [])
    assert second["duplicates"] == len([p for p in folder.iterdir()])


def test_a_reply_with_a_pdf_is_imported_extracted_and_found_by_search(runner, make, tmp_path):
    request = make.request(status=Status.submitted)
    (tmp_path / "reply.eml").write_bytes(samples.reply_with_pdf())
    imported = runner.invoke(args=["import", str(tmp_path / "reply.eml"), "--request", request.tracking_code, "--json"])
    assert (json.loads(imported.output)["messages"], json.loads(imported.output)["documents"]) == (1, 1)
    extracted = json.loads(runner.invoke(args=["extract", "--json"]).output)
    assert extracted == {"documents": 1, "pages": len(samples.RELEASE_PAGES), "ocr_pages": 0, "failed": 0}
    found = json.loads(runner.invoke(args=["search", "Rekognition", "--json"]).output)
    hits = [hit for hit in found["hits"] if hit["filename"].endswith(".pdf")]
    assert [(hit["filename"], hit["page"], hit["request"]) for hit in hits] == [
        ("opd-release-2026-117.pdf", 2, request.tracking_code)]
    assert "rekognition" in hits[0]["snippet"].lower()
    assert json.loads(runner.invoke(args=["search", "zebrafish", "--json"]).output)["total"] == 0


def test_foia_import_onto_a_request_and_unknown_code(runner, make, tmp_path):
    request = make.request(status=Status.submitted)
    tmp_path = tmp_path / "scans"
    tmp_path.mkdir()
    (tmp_path / "note.txt").write_text("Scanned letter text")
    (tmp_path / "empty.eml").write_bytes(b"")
    result = runner.invoke(args=["import", str(tmp_path), "--request", request.tracking_code, "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert summary["documents"] == 1 and summary["errors"][0]["reason"] == "the file is empty"
    bad = runner.invoke(args=["import", str(tmp_path), "--request", "FOIA-1999-0001"])
    assert bad.exit_code != 0 and "No request" in bad.output


def test_mbox_imports_each_message(runner, tmp_path, session):
    box = b"".join(b"From sender@x Mon Mar  2 10:00:00 2026\n" + mail(message_id=f"<mb{i}@x>").replace(b"\r\n", b"\n") + b"\n"
                   for i in range(3))
    (tmp_path / "archive.mbox").write_bytes(box)
    summary = json.loads(runner.invoke(args=["import", str(tmp_path / "archive.mbox"), "--json"]).output)
    assert summary["messages"] == 3 and summary["unmatched"] == 3
