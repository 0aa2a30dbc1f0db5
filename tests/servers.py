"""Real servers started by the tests, per test that asks for one: dovecot (IMAP) and aiosmtpd (SMTP) on loopback."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str

    def client(self):
        from imap_tools import MailBoxUnencrypted

        return MailBoxUnencrypted(self.host, self.port).login(self.user, self.password)

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message by IMAP APPEND."""
        with self.client() as box:
            box.append(raw, folder)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dovecot():
    """Start dovecot as a child process with a passwd-file user and a maildir in a private temp folder."""
    require(DOVECOT is not None, "dovecot is not installed (apt-get install dovecot-imapd)")
    import getpass
    import os

    # Outside pytest's own tmp tree: pytest makes /tmp/pytest-of-<user> 0700 whenever a session starts,
    # and dovecot's mail processes (another user, as root) must pass through every folder above the mail.
    root = Path(tempfile.mkdtemp(prefix="foia-dovecot-"))
    (root / "run").mkdir(parents=True)
    (root / "mail").mkdir()
    port = _free_port()
    user = getpass.getuser()
    uid, gid = os.getuid(), os.getgid()
    # As root (CI containers) dovecot insists that login and internal processes drop privileges.
    login_user, internal_user = ("dovenull", "dovecot") if uid == 0 else (user, user)
    if uid == 0:
        # Dovecot never reads mail as root: the mail belongs to the dovecot user, who may pass through
        # (not list) the private folder above it.
        import pwd

        entry = pwd.getpwnam("dovecot")
        uid, gid = entry.pw_uid, entry.pw_gid
        root.chmod(0o711)
        for folder in (root, root / "mail"):
            os.chown(folder, uid, gid)
    # The passwd file lives under a private tmp folder: let the auth processes read it as ourselves.
    auth_services = f"service auth {{\n  user = {user}\n}}\nservice auth-worker {{\n  user = {user}\n}}\n"
    (root / "passwd").write_text("agency-mail:{PLAIN}secret::::::\n")
    config = root / "dovecot.conf"
    config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = foia-test-{port}
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 0
mail_uid = {uid}
mail_gid = {gid}
first_valid_gid = 0
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
{auth_services}
namespace inbox {{
  inbox = yes
  mailbox Processed {{
    auto = create
  }}
}}
""")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot exited: {output}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    server = Dovecot("127.0.0.1", port, "agency-mail", "secret")
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def smtp():
    """A running loopback SMTP server that records what it accepted."""
    from tests.unit.outbound.smtp import LoopbackSmtp

    server = LoopbackSmtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_runtime(runtime, smtp):
    """The runtime, delivering to the loopback SMTP server without TLS."""
    from foia.mail.transport import SmtpMailer

    runtime.mailer = SmtpMailer("127.0.0.1", smtp.port, tls="none", timeout=5)
    return runtime
