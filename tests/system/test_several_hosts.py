"""The README's recipe for several hosts holds for search: two `foia run` processes with instance folders
of their own (only `blobs/` shared, as the recipe says) on one PostgreSQL database, the second serving web
pages only. What is uploaded through one is found by searching through the other within 30 s, on either
search backend: with Tantivy each host keeps its own index, fed from the database's change log; with
PostgreSQL both read the same table.

Each host is a real process; the test acts over HTTP and reads the database only to see whose index is where.
"""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL
from tests.system.conftest import wait_for
from tests.system.web_user import WebUser, text_of

PASSWORD = "a long and unusual passphrase"
EMAIL = "reporter@example.org"
#: How soon a host must find what was uploaded through the other (issue 12, goal 6).
WITHIN_SECONDS = 30

pytestmark = pytest.mark.slow

REPLY = b"""From: Records Unit <records@orlando-police.example>
To: reporter@example.org
Subject: Rekognition pilot records
Message-ID: <reply-42@orlando-police.example>
Date: Mon, 02 Mar 2026 10:00:00 +0000
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Sgt. Mar\xc3\xada Pe\xc3\xb1a reviewed the quokkaphone footage before release.
Questions: records@orlando-police.example

--b1
Content-Type: text/plain; charset=utf-8; name="memo.txt"
Content-Disposition: attachment; filename="memo.txt"
Content-Transfer-Encoding: 8bit

Internal memo: the wallaroo contract was signed in March.
--b1--
"""


def _host(start_foia, root: Path, name: str, shared_blobs: Path, backend: str, **settings):
    """A host: `foia run` with its own instance folder, whose blobs/ is the shared volume."""
    instance = root / name
    instance.mkdir(mode=0o700)
    (instance / "blobs").symlink_to(shared_blobs, target_is_directory=True)
    return start_foia(INSTANCE_PATH=instance, SEARCH_BACKEND=backend, **settings), instance


def _logged_in(server) -> WebUser:
    user = WebUser(server.url)
    user.log_in(EMAIL, PASSWORD)
    return user


def _upload(user: WebUser, filename: str, content: bytes):
    """Send a file through the upload form of the inbox, as the browser's form would (multipart)."""
    page = user.get("/inbox")
    form = next(f for f in user.forms(page) if f["action"].endswith("/upload"))
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in form["fields"].items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
                 f"Content-Type: message/rfc822\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    import urllib.request

    request = urllib.request.Request(user.base_url + form["action"], data=b"".join(parts), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return user._open(request)


def _found(user: WebUser, query: str, wanted: str) -> bool:
    page = user.get(f"/search?q={query}")
    assert page.status == 200, f"search for {query!r}: {page.status}"
    return wanted in text_of(page.text)


@pytest.mark.postgres_only
@pytest.mark.skipif(not (PG_URL or "").startswith("postgres"),
                    reason="several hosts share one PostgreSQL database: runs in the PostgreSQL pass of the suite")
@pytest.mark.parametrize("backend", ["tantivy", "postgres"])
def test_what_is_uploaded_through_one_host_is_found_through_the_other(start_foia, tmp_path, backend):
    shared = tmp_path / "shared-volume" / "blobs"
    shared.mkdir(parents=True)
    first, first_instance = _host(start_foia, tmp_path, "host-a", shared, backend)
    # A web-only host (the recipe's step 3): no scheduler, no worker. Whatever feeds its index is its own.
    second, second_instance = _host(start_foia, tmp_path, "host-b", shared, backend,
                                    SCHEDULER_ENABLED="false", WORKER_ENABLED="false")
    foia = str(Path(sys.executable).with_name("foia"))
    created = subprocess.run([foia, "create-user", EMAIL, "--password", PASSWORD, "--name", "Rita Reporter"],
                             env=first.env, capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    uploader, searcher = _logged_in(first), _logged_in(second)
    # Nothing to find yet, on either host.
    assert not _found(searcher, "quokkaphone", "Rekognition pilot records")

    answer = _upload(uploader, "reply.eml", REPLY)
    assert answer.status == 200, text_of(answer.text)[:1500]
    uploaded = time.monotonic()

    engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        if backend == "tantivy":
            # The second host's own index (in its own folder) catches up from the change log by itself, before
            # anyone searches there: its watermark reaches the upload's changes.
            name = f"{socket.gethostname()}:{(second_instance / 'search').resolve()}"

            def second_index_caught_up():
                with engine.connect() as connection:
                    latest = connection.execute(sa.text("SELECT max(id) FROM search_change")).scalar() or 0
                    applied = connection.execute(sa.text(
                        "SELECT last_change_id FROM search_watermark WHERE index_name = :name"), {"name": name}).scalar()
                return latest > 0 and applied is not None and applied >= latest

            wait_for(second_index_caught_up, WITHIN_SECONDS, "the second host's index following the change log", second)
            assert (second_instance / "search" / "current").is_file()
            assert (first_instance / "search" / "current").is_file()
    finally:
        engine.dispose()

    # Through the other host: the email's body (accents folded), a word inside an address in it ...
    wait_for(lambda: _found(searcher, "quokkaphone", "Rekognition pilot records"), WITHIN_SECONDS,
             "the uploaded email found through the other host", second)
    assert _found(searcher, "pena", "Rekognition pilot records")
    assert _found(searcher, "orlando", "Rekognition pilot records")
    # ... and its attachment once the first host's worker has read it.
    wait_for(lambda: _found(searcher, "wallaroo", "memo.txt"), WITHIN_SECONDS - (time.monotonic() - uploaded),
             "the uploaded attachment found through the other host", second)
    assert time.monotonic() - uploaded <= WITHIN_SECONDS
    page = text_of(searcher.get("/search?q=wallaroo").text)
    assert re.search(r"wallaroo contract", page, re.IGNORECASE)
