"""Hostile and broken PDFs, made in the tests: each fails (or reads) alone, with a reason, within its limits."""
from __future__ import annotations

import time
import zlib

import pytest
from sqlmodel import select

from foia.documents.models import ExtractionState, Page
from foia.demo.pdf_writer import assemble
from tests.unit.documents.pdfs import add_document, text_pdf

FINAL = (ExtractionState.done, ExtractionState.failed, ExtractionState.encrypted, ExtractionState.unsupported,
         ExtractionState.needs_ocr)


def _stream(dictionary: str, data: bytes) -> bytes:
    return f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _page(contents: str = "", resources: str = "", media_box: str = "0 0 612 792") -> bytes:
    return f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] {resources} {contents} >>".encode()


def huge_page_count_pdf() -> bytes:
    """A page tree that claims two billion pages and lists itself among its own kids (a loop)."""
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2000000000 >>",
                     _page()])


def deeply_nested_pdf(depth: int = 200_000) -> bytes:
    """A page whose resources hold an array nested two hundred thousand levels deep."""
    nested = "[" * depth + "]" * depth
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     _page(resources=f"/Resources << /Deep {nested} >>")])


def decompression_bomb_pdf(megabytes: int) -> bytes:
    """A page whose FlateDecode content stream is small on disk and inflates to `megabytes` of spaces."""
    packer = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    data = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     _page(contents="/Contents 4 0 R"), _stream("/Filter /FlateDecode", data)])


def enormous_image_pdf() -> bytes:
    """An image-only poster page (200 x 200 inches) showing a declared 100,000 x 100,000 pixel image."""
    pixels = zlib.compress(b"\x00" * 1000)
    content = b"q 14400 0 0 14400 0 0 cm /Im1 Do Q"
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     _page(contents="/Contents 4 0 R", resources="/Resources << /XObject << /Im1 5 0 R >> >>",
                           media_box="0 0 14400 14400"),
                     _stream("", content),
                     _stream("/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray "
                             "/BitsPerComponent 8 /Filter /FlateDecode", pixels)])


def slow_pdf(operations: int = 6_000_000) -> bytes:
    """A page with millions of drawing operations: small on disk, slow to read."""
    data = zlib.compress(b"BT /F1 1 Tf (x) Tj ET 0 0 m 1 1 l S\n" * operations, 1)
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     _page(contents="/Contents 4 0 R",
                           resources="/Resources << /Font << /F1 5 0 R >> >>"),
                     _stream("/Filter /FlateDecode", data),
                     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def _pages(session, document) -> list[Page]:
    return list(session.exec(select(Page).where(Page.document_id == document.id).order_by(Page.number)))


def _check_ends_clearly(session, document, good, states):
    session.refresh(document)
    session.refresh(good)
    assert document.state in states, (document.state, document.error)
    if document.state != ExtractionState.done:
        assert len(document.error) > 20 and "Traceback" not in document.error
    assert document.claimed_by is None
    assert good.state == ExtractionState.done
    assert "still extracted" in _pages(session, good)[0].text


@pytest.mark.parametrize("make_pdf, filename, states, reason", [
    (huge_page_count_pdf, "loop.pdf", (ExtractionState.done, ExtractionState.failed, ExtractionState.unsupported), ""),
    (deeply_nested_pdf, "nested.pdf", (ExtractionState.done, ExtractionState.failed), ""),
    (lambda: b"", "zero.pdf", (ExtractionState.failed,), "empty"),
    (lambda: b"<!DOCTYPE html><html><body><h1>Not found</h1></body></html>", "release.pdf",
     (ExtractionState.failed,), "not a PDF"),
])
def test_hostile_files_end_with_a_clear_state_and_leave_others_extracted(
        session, runtime, extract_all, make_pdf, filename, states, reason):
    document = add_document(session, runtime, make_pdf(), filename, content_type="application/pdf")
    good = add_document(session, runtime, text_pdf(["still extracted"]), "good.pdf")

    started = time.monotonic()
    extract_all(lanes=1)

    assert time.monotonic() - started < 30
    _check_ends_clearly(session, document, good, states)
    assert reason in document.error


def test_a_page_tree_loop_never_counts_forever(session, runtime, extract_all):
    document = add_document(session, runtime, huge_page_count_pdf(), "loop.pdf")
    extract_all()
    session.refresh(document)
    assert document.page_count is None or document.page_count < 10


def test_a_decompression_bomb_fails_itself_within_the_memory_limit(session, runtime, extract_all):
    runtime.config["EXTRACT_MEMORY_MB"] = 200
    document = add_document(session, runtime, decompression_bomb_pdf(400), "bomb.pdf")
    good = add_document(session, runtime, text_pdf(["still extracted"]), "good.pdf")
    assert document.size < 2_000_000

    extract_all(lanes=1)

    _check_ends_clearly(session, document, good, (ExtractionState.done, ExtractionState.failed))
    if document.state == ExtractionState.done:  # PDFium may read it page by page: then it is merely blank
        assert all(not page.text.strip() for page in _pages(session, document))


def test_a_file_that_exceeds_the_time_limit_fails_alone(session, runtime, extract_all):
    runtime.config["EXTRACT_TIME_LIMIT"] = 1
    first = add_document(session, runtime, text_pdf(["before the slow one"]), "first.pdf")
    document = add_document(session, runtime, slow_pdf(), "slow.pdf")
    good = add_document(session, runtime, text_pdf(["still extracted"]), "good.pdf")

    started = time.monotonic()
    summary = extract_all(lanes=1)

    assert time.monotonic() - started < 15
    _check_ends_clearly(session, document, good, (ExtractionState.failed,))
    assert "longer than 1 seconds" in document.error
    session.refresh(first)
    assert first.state == ExtractionState.done
    assert summary.documents == 3 and summary.failed == 1


def test_an_enormous_scanned_page_is_rendered_within_the_size_cap(tmp_path):
    from PIL import Image

    from foia.documents.formats import MAX_RENDER_PIXELS, MAX_RENDER_SIDE
    from foia.documents.reader import Reader

    path = tmp_path / "poster.pdf"
    path.write_bytes(enormous_image_pdf())
    with Reader(time_limit=60, memory_mb=1024) as reader:
        reading = reader.read(path, folder=tmp_path)
        assert reading.state == "done"
        assert [page.needs_ocr for page in reading.pages] == [True]
        images = reader.render(path, [1], folder=tmp_path)
    with Image.open(images[1]) as image:
        assert max(image.size) <= MAX_RENDER_SIDE
        assert image.size[0] * image.size[1] <= MAX_RENDER_PIXELS

