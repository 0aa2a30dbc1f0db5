"""Mail, damaged every way we could think of, is always kept and never imported twice.

The damage is done to the shared corpus of real agency mail (where it is there) and to the sample mail
written for the tests (everywhere).
"""
from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from foia.documents.models import Document
from foia.mail.ingest import ImportSummary, Intake
from foia.mail.inputs import ingest_bytes
from foia.mail.models import Message
from foia.text.sniff import might_be_email
from foia.requests.models import RequestEvent
from foia.search.models import SearchChange
from tests import mail_samples

TABLES = (Message, Document, RequestEvent, SearchChange)
SAMPLE_MAIL = list(mail_samples.every_sample().values())


def rows(session) -> dict:
    return {table.__name__: session.exec(select(func.count()).select_from(table)).one() for table in TABLES}


def counts(summary: ImportSummary) -> tuple[int, int, int]:
    return summary.messages, summary.duplicates, len(summary.errors)


def take_in(session, runtime, name: str, data: bytes) -> Intake:
    intake = Intake(session=session, blobs=runtime.blobs, now=runtime.clock.now())
    ingest_bytes(intake, name, data)
    session.commit()
    return intake


def import_twice(session, runtime, name: str, data: bytes) -> ImportSummary:
    """Import once, then again: the second time adds no row and reports a duplicate (or the same error)."""
    first = take_in(session, runtime, name, data).summary
    assert sum(counts(first)) >= 1, first
    for error in first.errors:
        assert "\n" not in error["reason"] and error["reason"], error
    before = rows(session)
    second = take_in(session, runtime, name, data).summary
    assert rows(session) == before
    assert second.messages == 0 and second.documents == 0
    assert second.duplicates + len(second.errors) == sum(counts(first)) - 0 * first.documents
    assert all(e in first.errors for e in second.errors)
    return first


# --- mutations --------------------------------------------------------------------------------

def _boundary(data: bytes) -> bytes | None:
    import re

    found = re.search(rb'boundary="?([^";\r\n]+)', data, re.I)
    return found.group(1) if found else None


@st.composite
def mutated_mail(draw, originals: list[bytes]) -> bytes:
    """One of `originals`, damaged one to three times."""
    data = draw(st.sampled_from(originals))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "boundary_drop", "boundary_dup", "strip_headers",
                                   "corrupt_header", "line_endings", "nul", "giant_header", "latin", "drop_line"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "truncate":
            data = data[:at]
        elif op == "flip":
            for _ in range(draw(st.integers(1, 20))):
                i = draw(st.integers(0, max(len(data) - 1, 0)))
                data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
        elif op == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
        elif op in ("boundary_drop", "boundary_dup") and _boundary(data):
            marker = b"--" + _boundary(data)
            if op == "boundary_drop":
                data = data.replace(marker, b"", draw(st.integers(1, 3)))
            else:
                where = data.find(marker, at) if data.find(marker, at) >= 0 else data.find(marker)
                data = data[:where] + marker + b"\n" + marker + b"\n" + data[where:]
        elif op == "strip_headers":
            end = data.replace(b"\r\n", b"\n").find(b"\n\n")
            data = data.replace(b"\r\n", b"\n")[end + 2:] if end >= 0 else data
        elif op == "corrupt_header":
            data = data.replace(draw(st.sampled_from([b"Content-Type:", b"Message-ID:", b"From:", b"Date:", b"Subject:"])),
                                draw(st.sampled_from([b"Content-Type: multipart/mixed; boundary=", b"Message-ID: <<>",
                                                      b"From: ((((\"", b"Date: 99 Foo 12345 99:99", b"Subject: =?x?Q?\xff"])))
        elif op == "line_endings":
            data = data.replace(b"\n", b"\r\n", draw(st.integers(1, 50))).replace(b"\r\n\r\n", b"\n\r\n", 3)
        elif op == "nul":
            data = data[:at] + b"\x00" * draw(st.integers(1, 8)) + data[at:]
        elif op == "giant_header":
            data = b"X-Giant: " + b"a, " * draw(st.integers(10_000, 120_000)) + b"\n" + data
        elif op == "latin":
            data = data.replace(b"e", b"\xe9", draw(st.integers(1, 50)))
        elif op == "drop_line":
            lines = data.split(b"\n")
            del lines[at % max(len(lines), 1):at % max(len(lines), 1) + 1]
            data = b"\n".join(lines)
    return data


@pytest.fixture(scope="module")
def corpus_mail(corpus) -> list[bytes]:
    """The bytes of every mail in the shared corpus."""
    return [p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file() and p.suffix in (".eml", ".txt")]


MUTATION_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                    HealthCheck.data_too_large])


@MUTATION_SETTINGS
@given(draw=st.data())
def test_damaged_corpus_mail_is_always_kept_and_never_doubled(session, runtime, corpus_mail, draw):
    assert_kept_once(session, runtime, draw.draw(mutated_mail(corpus_mail), label="damaged corpus mail"))


@MUTATION_SETTINGS
@given(draw=st.data())
def test_damaged_sample_mail_is_always_kept_and_never_doubled(session, runtime, draw):
    assert_kept_once(session, runtime, draw.draw(mutated_mail(SAMPLE_MAIL), label="damaged sample mail"))


def assert_kept_once(session, runtime, data: bytes) -> None:
    """Imported twice, damaged mail is one message (or one file with a reason), its raw bytes kept as they came."""
    if not data.strip():
        data = b"\n \x00"
    summary = import_twice(session, runtime, "damaged.eml", data)
    assert sum(counts(summary)) == 1
    if might_be_email(data):
        assert summary.errors == [], summary.errors  # an email that parses even partly is a Message
    if summary.messages:
        message = session.get(Message, summary.message_ids[0])
        assert runtime.blobs.read(message.raw_blob_key) == data
        assert session.exec(select(Document).where(Document.message_id == message.id,
                                                    Document.filename.contains(".."))).first() is None


def _nested(depth: int) -> bytes:
    inner = b"From: clerk@city.example.gov\nSubject: innermost\n\nThe records."
    for level in range(depth):
        inner = b"From: clerk@city.example.gov\nSubject: wrap %d\nContent-Type: message/rfc822\n\n" % level + inner
    return inner


def _parts(count: int) -> bytes:
    body = b"".join(b"--XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename=p%d.txt\n\npart %d\n"
                    % (i, i) for i in range(count))
    return (b"From: clerk@city.example.gov\nSubject: many\nMessage-ID: <many@x>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=XX\n\n" + body + b"--XX--\n")


EXTREMES = {
    "deep rfc822": lambda: _nested(2000),
    "deep multipart": lambda: b"From: a@b.example\nSubject: deep\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(1500)) + b"\nhi\n",
    "10,000 parts": lambda: _parts(10_000),
    "50 MB base64 line": lambda: (b"From: a@b.example\nSubject: big\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n"
                                  b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=big.pdf\n"
                                  b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(b"%PDF" + b"\x00" * 37_500_000)
                                  + b"\n--XX--\n"),
    "giant To": lambda: b"From: a@b.example\nTo: " + b"x@y.example, " * 200_000 + b"\nSubject: all\n\nhi",
    "nested comments": lambda: b"From: a@b.example\nTo: " + b"(" * 100_000 + b"\nSubject: (\n\nhi",
    "many encoded words": lambda: b"From: a@b.example\nSubject: " + b"=?utf-8?q?a?= " * 100_000 + b"\n\nhi",
    "non-UTF-8 everywhere": lambda: (b"From: \xc4rger <a@b.example>\nSubject: \xe4\xf6\xfc \xff\nContent-Type: text/plain; "
                                     b"charset=\"\xfe\"\nContent-Disposition: attachment; filename=\"\xe9t\xe9.txt\"\n\n"
                                     + bytes(range(256)) * 20),
    "NUL in every header": lambda: b"From: a\x00@b.example\nSubject: n\x00l\nMessage-ID: <n\x00l@x>\n\nbo\x00dy",
}


@pytest.mark.parametrize("name", EXTREMES)
def test_extreme_mail_is_kept_with_warnings(session, runtime, name):
    data = EXTREMES[name]()
    summary = import_twice(session, runtime, f"{name}.eml", data)
    assert (summary.messages, summary.errors) == (1, [])
    message = session.get(Message, summary.message_ids[0])
    assert runtime.blobs.read(message.raw_blob_key) == data
    if name != "non-UTF-8 everywhere":
        assert message.parse_warnings or name in ("10,000 parts", "50 MB base64 line", "NUL in every header")
    if name == "10,000 parts":
        assert any("raw message only" in w for w in message.parse_warnings)


def test_a_file_named_eml_that_is_no_email_is_kept_as_a_file_with_one_line_why(session, runtime):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
    summary = import_twice(session, runtime, "scan.EML", pdf)
    assert summary.messages == 0 and len(summary.errors) == 1
    reason = summary.errors[0]["reason"]
    assert reason.startswith("not an email") and "application/pdf" in reason and "kept as a file" in reason
    document = session.exec(select(Document)).one()
    assert runtime.blobs.read(document.blob_key) == pdf and document.filename == "scan.EML"
