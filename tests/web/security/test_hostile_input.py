"""Issue 9.11-9.14: hostile ids, page numbers, dates and NULs are 404/400, never 500; downloads cannot
run as scripts; zips are unpacked within caps without holding them in memory; the instance folder is private."""
from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest
from sqlmodel import select

from foia.documents.models import Document
from foia.requests.models import Visibility

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [f"/requests/{HUGE}", f"/messages/{HUGE}", f"/documents/{HUGE}",
                                  f"/batches/{HUGE}", f"/teams/{HUGE}", f"/agencies/{HUGE}", "/requests/2147483648",
                                  f"/documents/{HUGE}/download", f"/requests/{HUGE}/letter.txt"])
def test_huge_ids_are_not_found(client, make, path):
    client.login(make.user().email)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [f"/requests?page={HUGE}", f"/documents?page={HUGE}", f"/agencies?page={HUGE}",
                                   f"/search?q=x&page={HUGE}", f"/documents?request={HUGE}", f"/requests?agency={HUGE}",
                                   f"/search?q=x&request={HUGE}", "/requests?page=%C2%B2", f"/requests/new?agency={HUGE}"])
def test_huge_page_numbers_and_filters_are_answered(client, make, query):
    client.login(make.user().email)
    assert client.get(query).status_code in (200, 400)


def test_dates_at_the_end_of_time_are_a_clear_400_or_error(client, make):
    for when in ("9999-12-31", "0001-01-01"):
        assert client.get(f"/deadlines?jurisdiction=fl&received={when}").status_code in (200, 400)
    user = make.user()
    request = make.request(owner=user)
    client.login(user.email)
    for when in ("9999-12-31", "0001-01-01"):
        response = client.post_form(f"/requests/{request.id}/submit", {"submit-submitted_on": when, "submit-method": "portal"})
        assert response.status_code in (302, 400), when


def test_a_nul_anywhere_is_refused_with_a_message(client, make):
    client.login(make.user().email)
    for url in ("/requests?q=%00", "/agencies?q=a%00", "/documents?state=%00"):
        response = client.get(url)
        assert response.status_code == 400 and "NUL" in response.get_data(as_text=True), url
    # The search page answers every query itself; a NUL in its sender filter is dropped, on PostgreSQL too.
    assert client.get("/search?q=records&sender=a%00b").status_code == 200
    assert client.post_form("/teams", {"team-name": "bad\x00name"}).status_code == 400


def test_downloads_of_types_we_do_not_display_are_inert(client, make, session, runtime):
    from tests.unit.documents.pdfs import add_document

    owner = make.user()
    request = make.request(owner=owner, visibility=Visibility.public)
    script = add_document(session, runtime, b"alert(document.cookie)//" + b" " * 64, "evil.js", request=request)
    page = add_document(session, runtime, b"<html><script>alert(1)</script></html>", "page.html", request=request)
    for document in (script, page):
        with client.get(f"/documents/{document.id}/download") as response:
            assert response.status_code == 200
            assert response.mimetype == "application/octet-stream"
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert "sandbox" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_members_over_the_caps_are_refused_with_a_reason(client, make, session, monkeypatch):
    from foia.documents import intake

    monkeypatch.setattr(intake, "ZIP_MAX_MEMBER_BYTES", 50_000)
    user = make.user()
    client.login(user.email)
    archive = zip_of({"small.txt": b"a small file", "big.txt": b"0123456789" * 20_000})
    result = client.post_form("/upload", {"files": [(io.BytesIO(archive), "release.zip")]},
                              content_type="multipart/form-data", headers={"Accept": "application/json"}).get_json()
    assert any("big.txt" in error["path"] or "big.txt" in error["reason"] for error in result["errors"]), result
    names = [d.filename for d in session.exec(select(Document))]
    assert any(name.endswith("small.txt") for name in names) and not any(name.endswith("big.txt") for name in names)


def test_expanding_a_zip_keeps_memory_flat(tmp_path):
    import resource
    import subprocess
    import sys

    archive = tmp_path / "release.zip"
    block = os.urandom(1000) + b"\0" * 49_000  # compresses about 40:1, under the zip-bomb ratio
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for n in range(40):  # 40 members of 9 MB: 360 MB unpacked from about 8 MB
            handle.writestr(f"part{n}.bin", block * 180)
    script = ("import sys, resource\n"
              "from foia.documents.intake import expand_zip_to_disk\n"
              "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "count = 0\n"
              "for member in expand_zip_to_disk(open(sys.argv[1], 'rb').read(), sys.argv[2]):\n"
              "    assert not member.problem and member.path.stat().st_size == 9_000_000, member\n"
              "    count += 1\n"
              "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "print(count, (after - before) // 1024)\n")
    (tmp_path / "unpacked").mkdir()
    output = subprocess.run([sys.executable, "-c", script, str(archive), str(tmp_path / "unpacked")],
                            capture_output=True, text=True, check=True).stdout.split()
    assert output[0] == "40"
    assert int(output[1]) < 64, f"memory grew by {output[1]} MB while unpacking 360 MB"
    assert resource  # the child measures its own peak


def test_the_instance_folder_and_what_is_in_it_are_private(app_config, clock, tmp_path):
    from foia import create_app

    old = os.umask(0o022)
    try:
        instance = tmp_path / "loose"
        instance.mkdir(mode=0o755)
        (instance / "config.py").write_text("PAGE_SIZE = 25\n")
        os.chmod(instance / "config.py", 0o644)
        app = create_app({**app_config, "INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance}/foia.sqlite3"},
                         clock=clock)
        from foia import migrations

        migrations.upgrade(app.extensions["foia"].engine)
        app.extensions["foia"].blobs.put(b"a released page")
        for path in [instance, *instance.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
        app.extensions["foia"].engine.dispose()
    finally:
        os.umask(old)
