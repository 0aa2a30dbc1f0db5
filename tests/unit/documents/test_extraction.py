"""Extraction end to end: files in the blob store, the queue, pages and embedded emails in the database."""
from __future__ import annotations

import email
import email.policy
import io
import os
import shutil

import pytest
from sqlmodel import select

from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page, PageMethod
from foia.search.models import SearchChange
from tests.conftest import require
from tests.unit.documents.pdfs import (EMAIL_PRINTOUT, add_document, encrypted_pdf, owner_only_encrypted_pdf,
                                       page_image, scanned_pdf, text_pdf)


def pages_of(session, document) -> list[Page]:
    return list(session.exec(select(Page).where(Page.document_id == document.id).order_by(Page.number)))


def test_text_pdf_pages_are_stored_with_their_method(session, runtime, extract_all):
    document = add_document(session, runtime, text_pdf(["Rekognition pilot\nbody cam", "real-time \ufb01les"]))

    summary = extract_all()

    assert summary.as_json() == {"documents": 1, "pages": 2, "ocr_pages": 0, "failed": 0}
    session.refresh(document)
    assert document.state == ExtractionState.done
    assert document.page_count == 2
    pages = pages_of(session, document)
    assert [p.number for p in pages] == [1, 2]
    assert "Rekognition pilot" in pages[0].text
    assert all(p.method == PageMethod.text_layer for p in pages)


def test_extracting_twice_replaces_pages_and_tells_the_search_index(session, runtime, extract_all, make):
    from foia.documents.services import retry_extraction

    admin = make.user(is_admin=True)
    document = add_document(session, runtime, text_pdf(["one", "two", "three"]))
    extract_all()
    first_ids = [p.id for p in pages_of(session, document)]

    retry_extraction(session, admin, document.id, runtime.clock.now())
    session.commit()
    extract_all()

    pages = pages_of(session, document)
    assert [p.id for p in pages] == first_ids
    changes = session.exec(select(SearchChange).where(SearchChange.item_type == "page")).all()
    assert sorted(c.item_id for c in changes if c.op == "upsert") == sorted(first_ids)


def test_nul_bytes_and_ligatures_never_reach_the_database(session, runtime, extract_all):
    from foia.text.clean import normalized

    assert normalized("e\ufb03cient\x00 of\ufb01ce\r\nline") == "efficient office\nline"
    document = add_document(session, runtime, b"plain text with a \x00 nul", "note.txt", content_type="text/plain")
    extract_all()
    assert pages_of(session, document)[0].text == "plain text with a  nul"


def test_password_protected_pdf_is_marked_encrypted_with_a_reason(session, runtime, extract_all):
    locked = add_document(session, runtime, encrypted_pdf(["classified"]), "locked.pdf")
    opens = add_document(session, runtime, owner_only_encrypted_pdf(["Rekognition contract"]), "opens.pdf")

    summary = extract_all()

    session.refresh(locked)
    session.refresh(opens)
    assert locked.state == ExtractionState.encrypted
    assert "password" in locked.error
    assert opens.state == ExtractionState.done
    assert "Rekognition contract" in pages_of(session, opens)[0].text
    assert summary.failed == 1


@pytest.mark.parametrize("data, filename, state, reason", [
    (text_pdf(["cut off"])[:300], "truncated.pdf", ExtractionState.failed, "damaged"),
    (os.urandom(2000), "garbage.pdf", ExtractionState.failed, "not a PDF"),
    (b"%PDF-1.7\n%%EOF\n", "empty.pdf", ExtractionState.failed, "PDF"),
    (b"", "nothing.pdf", ExtractionState.failed, "empty"),
    (b"\x00\x01\x02binary" * 50, "blob.bin", ExtractionState.unsupported, "type"),
])
def test_broken_files_fail_themselves_with_a_reason(session, runtime, extract_all, data, filename, state, reason):
    document = add_document(session, runtime, data, filename)
    extract_all()
    session.refresh(document)
    assert document.state == state
    assert reason in document.error


def test_the_child_process_is_stopped_after_its_time_limit(tmp_path):
    from foia.documents.reader import Reader

    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)  # opening it blocks forever, like a file built to hang a reader
    with Reader(time_limit=1) as reader:
        reading = reader.read(stuck, folder=tmp_path)
        assert reading.state == "failed"
        assert "longer than 1 seconds" in reading.error
        good = tmp_path / "good.pdf"
        good.write_bytes(text_pdf(["still works"]))
        assert reader.read(good, folder=tmp_path).pages[0].text == "still works"


def test_the_child_process_has_a_memory_limit(tmp_path):
    from foia.documents.reader import Reader

    good = tmp_path / "good.pdf"
    good.write_bytes(text_pdf(["fits"]))
    # 20 MiB of address space is less than Python and PDFium need to read even this page (the child that
    # imports only what a PDF needs reads it in 30).
    with Reader(memory_mb=20) as reader:
        reading = reader.read(good, folder=tmp_path)
    assert reading.state == "failed"
    assert reading.error


def test_email_printouts_are_split_into_their_messages(session, runtime, extract_all):
    document = add_document(session, runtime, text_pdf(EMAIL_PRINTOUT), "rekognition-emails.pdf")
    extract_all()
    messages = session.exec(select(EmbeddedMessage).where(EmbeddedMessage.document_id == document.id)
                            .order_by(EmbeddedMessage.page_start, EmbeddedMessage.id)).all()

    assert [(m.page_start, m.page_end) for m in messages] == [(1, 2), (2, 2), (3, 4)]
    first = messages[0]
    assert first.sender == "Smith, John <jsmith@ocfl.net>"
    assert "jdoe@ocfl.net" in first.recipients and "chief@ocfl.net" in first.recipients
    assert first.subject == "RE: Rekognition pilot"
    assert first.sent_at is not None and first.sent_at.isoformat() == "2018-05-22T14:14:00+00:00"
    assert messages[2].sent_text == "05/18/2018 09:30 AM"


def test_other_file_types_are_read(session, runtime, extract_all):
    import docx

    html = add_document(session, runtime, b"<html><head><style>p{}</style><script>alert(1)</script></head>"
                        b"<body><p>Body cam policy</p><p>Second &amp; last</p></body></html>",
                        "policy.html", content_type="text/html")
    latin = add_document(session, runtime, "Überwachung und Gesichtserkennung für die Polizei".encode("latin-1"),
                         "brief.txt", content_type="text/plain")
    buffer = io.BytesIO()
    word = docx.Document()
    word.add_paragraph("Memorandum on real-time face matching")
    word.save(buffer)
    memo = add_document(session, runtime, buffer.getvalue(), "memo.docx",
                        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    extract_all()

    html_text = pages_of(session, html)[0].text
    assert "Body cam policy" in html_text and "Second & last" in html_text and "alert" not in html_text
    assert "Überwachung" in pages_of(session, latin)[0].text
    assert "real-time face matching" in pages_of(session, memo)[0].text
    assert pages_of(session, memo)[0].method == PageMethod.plain


def _corpus_pdfs(corpus):
    found = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        for part in message.walk():
            name = part.get_filename() or ""
            if not part.is_multipart() and (part.get_content_type() == "application/pdf" or name.lower().endswith(".pdf")):
                found.append((path.name, name.replace("\n", ""), part.get_content_type(),
                              part.get_payload(decode=True) or b""))
    return found


def test_real_attachments_from_the_corpus_are_extracted_or_fail_cleanly(session, runtime, extract_all, corpus):
    attachments = _corpus_pdfs(corpus)
    assert len(attachments) >= 3
    documents = [add_document(session, runtime, data, name or "attachment.pdf", content_type=content_type)
                 for _, name, content_type, data in attachments]

    summary = extract_all()

    assert summary.documents == len(documents)
    texts = {}
    for document in documents:
        session.refresh(document)
        assert document.state in (ExtractionState.done, ExtractionState.failed, ExtractionState.unsupported)
        assert document.state == ExtractionState.done or document.error
        texts[document.filename] = "\n".join(p.text for p in pages_of(session, document))
    assert "Freedom of Information Act" in texts["fs_50379341.pdf"]
    assert texts["tiny-example.pdf"].strip() == "Hello!"
    decision = texts["2013-040 Decision.pdf"]
    assert "Margot Kingston" in decision


def test_two_workers_never_claim_the_same_document(session, runtime):
    import threading

    from foia.documents.queue import claim_next

    for n in range(12):
        add_document(session, runtime, f"document {n}".encode(), f"d{n}.txt", content_type="text/plain")
    claims: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claimer(name):
        start.wait()
        while (document_id := claim_next(runtime.engine, runtime.clock.now(), name)) is not None:
            claims[name].append(document_id)

    threads = [threading.Thread(target=claimer, args=(name,)) for name in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    session.commit()
    everything = claims["a"] + claims["b"]
    assert sorted(everything) == sorted(set(everything))
    assert len(everything) == 12
    assert all(d.attempts == 1 for d in session.exec(select(Document)))


def test_two_lanes_extract_each_document_once(session, runtime, extract_all):
    documents = [add_document(session, runtime, text_pdf([f"page of document {n}"]), f"d{n}.pdf") for n in range(6)]
    summary = extract_all(lanes=2)
    assert summary.documents == 6
    for document in documents:
        session.refresh(document)
        assert (document.state, document.attempts, document.page_count) == (ExtractionState.done, 1, 1)


def test_a_dead_workers_claim_returns_to_the_queue(session, runtime, clock):
    from datetime import timedelta

    from foia.documents.queue import MAX_ATTEMPTS, claim_next, release_dead_claims

    document = add_document(session, runtime, b"text", "a.txt", content_type="text/plain")
    assert claim_next(runtime.engine, clock.now(), "dead-worker") == document.id
    assert claim_next(runtime.engine, clock.now(), "other") is None

    assert release_dead_claims(runtime.engine, clock.now() + timedelta(minutes=1)) == 0
    assert release_dead_claims(runtime.engine, clock.now() + timedelta(hours=1)) == 1
    session.commit()
    session.refresh(document)
    assert document.state == ExtractionState.queued

    for _ in range(MAX_ATTEMPTS - 1):
        assert claim_next(runtime.engine, clock.now(), "dead-again") == document.id
        release_dead_claims(runtime.engine, clock.now() + timedelta(hours=1))
    session.commit()
    session.refresh(document)
    assert document.state == ExtractionState.failed
    assert "interrupted" in document.error


def test_missing_tesseract_leaves_the_scan_waiting_for_ocr(session, runtime, extract_all):
    runtime.config["TESSERACT_PATH"] = ""
    document = add_document(session, runtime, scanned_pdf(["Scanned words"]))
    summary = extract_all()
    session.refresh(document)
    assert document.state == ExtractionState.needs_ocr
    assert "Tesseract is not installed" in document.error
    assert summary.needs_ocr == 1 and summary.failed == 0


def test_ocr_reads_a_scanned_pdf_and_makes_it_searchable(session, runtime, extract_all):
    require(shutil.which("tesseract") is not None, "tesseract is not installed")
    import pypdfium2

    document = add_document(session, runtime, scanned_pdf(["Rekognition body camera\nreal-time matching pilot"]),
                            "scan.pdf")
    summary = extract_all()

    session.refresh(document)
    assert document.state == ExtractionState.done
    assert document.ocr_used
    page = pages_of(session, document)[0]
    assert page.method == PageMethod.ocr
    assert "Rekognition" in page.text and "camera" in page.text
    assert summary.ocr_pages == 1
    searchable = pypdfium2.PdfDocument(runtime.blobs.read(document.searchable_pdf_key))
    assert "Rekognition" in searchable[0].get_textpage().get_text_bounded()


@pytest.mark.parametrize("dpi", [150, 100], ids=["scan's own JPEG", "drawn at 300 dpi"])
def test_a_long_scan_is_read_page_by_page_in_rounds(session, runtime, extract_all, dpi):
    """More scanned pages than one OCR round: each page keeps its own words, in the text and the searchable PDF
    (Tesseract reads a 150 dpi scan's JPEG as it is, and a 100 dpi one drawn again at 300 dpi)."""
    require(shutil.which("tesseract") is not None, "tesseract is not installed")
    import pypdfium2

    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    document = add_document(session, runtime, scanned_pdf([f"Page {word} memo" for word in words], dpi=dpi),
                            "long-scan.pdf")
    summary = extract_all()

    session.refresh(document)
    assert document.state == ExtractionState.done and summary.ocr_pages == len(words)
    pages = pages_of(session, document)
    assert [word in page.text for page, word in zip(pages, words)] == [True] * len(words)
    searchable = pypdfium2.PdfDocument(runtime.blobs.read(document.searchable_pdf_key))
    assert len(searchable) == len(words)
    assert [word in searchable[n].get_textpage().get_text_bounded() for n, word in enumerate(words)] == [True] * len(words)


def test_images_are_ocrd(session, runtime, extract_all):
    require(shutil.which("tesseract") is not None, "tesseract is not installed")
    buffer = io.BytesIO()
    page_image("Sheriff facial recognition", dpi=100, size=40).crop((0, 0, 850, 300)).save(buffer, format="PNG")
    document = add_document(session, runtime, buffer.getvalue(), "photo.png", content_type="image/png")
    extract_all()
    session.refresh(document)
    page = pages_of(session, document)[0]
    assert "Sheriff" in page.text and page.method == PageMethod.ocr


def test_the_background_worker_extracts_documents_as_they_arrive(session, runtime):
    import threading
    import time

    from foia.documents.queue import work

    stop = threading.Event()
    thread = threading.Thread(target=work, args=(runtime, stop), kwargs={"lanes": 1, "poll_seconds": 0.1})
    thread.start()
    try:
        document = add_document(session, runtime, text_pdf(["arrived later"]), "late.pdf")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            session.commit()
            session.refresh(document)
            if document.state == ExtractionState.done:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert document.state == ExtractionState.done
    assert not thread.is_alive()


def test_a_lane_reading_slow_files_keeps_its_claims(session, runtime, clock, tmp_path):
    """Files that each take minutes to read, one after another, must not outlast the lane's claim: another
    worker's janitor would take them for a dead worker's, and they would be read again (or failed as
    "interrupted" after three such deaths)."""
    from datetime import timedelta

    from foia.documents.queue import Lane, release_dead_claims
    from foia.documents.reader import Reader

    runtime.config["EXTRACT_CLAIM_TIMEOUT"] = 300
    documents = [add_document(session, runtime, text_pdf([f"page of document {n}"]), f"d{n}.pdf") for n in range(6)]
    released = []

    def two_minutes_each(_extraction):  # and meanwhile another worker's janitor looks for dead claims
        clock.at += timedelta(minutes=2)
        released.append(release_dead_claims(runtime.engine, clock.now(), timedelta(seconds=300)))

    with Reader() as reader, Reader() as renderer:
        assert Lane(runtime, reader, renderer, tmp_path, on_extracted=two_minutes_each).run() == 6

    session.commit()
    assert released == [0] * 6
    for document in documents:
        session.refresh(document)
        assert (document.state, document.attempts, document.page_count) == (ExtractionState.done, 1, 1)
