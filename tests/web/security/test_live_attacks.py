"""The worst findings of issue 9, attacked over HTTP on a real `foia run` process: another user's
mail cannot land on a private request, a copied cookie dies with its login, and logins are throttled."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from foia.requests.models import RequestEvent, Status
from tests.factories import PASSWORD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path, app):
    """`foia run` on a free loopback port, on the test's database."""
    port = free_port()
    env = {**os.environ, "FOIA_INSTANCE_PATH": str(tmp_path / "live"), "FOIA_DATABASE_URL": database_url,
           "FOIA_PORT": str(port), "FOIA_HOST": "127.0.0.1", "FOIA_SECRET_KEY": "live-test",
           "FOIA_SCHEDULER_ENABLED": "false", "FOIA_WORKER_ENABLED": "false", "FOIA_MAIL_FROM": "requests@foia.test"}
    log = open(tmp_path / "foia-run.log", "wb")
    process = subprocess.Popen([str(Path(sys.executable).with_name("foia")), "run"], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers; 503 only says no scheduler runs the jobs (switched off here)
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.3)
        else:
            pytest.fail("foia run did not answer within 60 s")
        assert process.poll() is None, (tmp_path / "foia-run.log").read_text()
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Browser:
    """Cookies, CSRF tokens and form posts over real HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers

    def token(self) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.request("/login")[1]).group(1)

    def post(self, path: str, fields: dict):
        body = urllib.parse.urlencode({"csrf_token": self.token(), **fields}).encode()
        return self.request(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, name: str, content: bytes):
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{self.token()}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                f"Content-Type: message/rfc822\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.request("/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                              "Accept": "application/json"})

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_live_cross_tenant_mail_sessions_and_throttle(server, make, session):
    victim, attacker = make.user(), make.user()
    agency = make.agency(foia_email="records@city.example.gov")
    target = make.request(owner=victim, agency=agency, status=Status.submitted)

    mallory = Browser(server)
    assert mallory.post("/login", {"email": attacker.email, "password": PASSWORD, "remember": "y"})[0] == 302
    raw = (f"From: Clerk <records@city.example.gov>\r\nTo: x@example.org\r\nSubject: Re: {target.tracking_code} denied\r\n"
           f"Message-ID: <live@x>\r\n\r\nYour request is denied.\r\n").encode()
    status, body, _ = mallory.upload("attack.eml", raw)
    assert status == 200 and '"unmatched": 1' in body.replace('"unmatched":1', '"unmatched": 1')
    session.rollback()
    assert session.exec(select(RequestEvent).where(RequestEvent.request_id == target.id)).all() == []

    # A copied session cookie works while its login lasts, and stops working once its owner logs out.
    def thief_with(name: str, value: str) -> Browser:
        thief = Browser(server)
        thief.jar.set_cookie(http.cookiejar.Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True,
                                                   False, None, False, None, None, {}))
        return thief

    stolen = mallory.cookie("session")
    remember = mallory.cookie("remember_token")
    assert thief_with("session", stolen).request("/account")[0] == 200
    assert thief_with("remember_token", remember).request("/account")[0] == 200
    assert mallory.post("/logout", {})[0] == 302
    for name, value in (("session", stolen), ("remember_token", remember)):
        assert thief_with(name, value).request("/account")[0] == 302, name

    # Fifteen wrong passwords, then the right one: refused.
    guesser = Browser(server)
    answers = [guesser.post("/login", {"email": victim.email, "password": f"guess {n}"})[0] for n in range(15)]
    assert answers[-1] == 429
    status, page, _ = guesser.post("/login", {"email": victim.email, "password": PASSWORD})
    assert status == 429 and "Try again in" in page and guesser.request("/account")[0] == 302
