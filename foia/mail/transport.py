"""Mailer implementations: an outbox folder of .eml files (default) or an SMTP server."""
from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Iterable


class FolderMailer:
    """Writes each message to instance/outbox/ as an .eml file, until SMTP is configured."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def deliver(self, raw: bytes, sender: str, recipients: Iterable[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = message_from_bytes(raw, policy=policy.default).get("Message-ID", "")
        safe_id = "".join(c for c in message_id if c.isalnum() or c in "-_.")[:80] or "message"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{safe_id}.eml"
        if path.exists():  # the same message delivered again: keep one file
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(raw)
        tmp.replace(path)


class SmtpMailer:
    """Sends through an SMTP server with STARTTLS, implicit TLS or none, and optional login."""

    def __init__(self, host: str, port: int, user: str | None, password: str | None, tls: str, timeout: float = 30):
        self.host, self.port, self.user, self.password, self.tls, self.timeout = host, port, user, password, tls, timeout

    def deliver(self, raw: bytes, sender: str, recipients: Iterable[str]) -> None:
        context = ssl.create_default_context()
        if self.tls == "ssl":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.tls == "starttls":
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.sendmail(sender, list(recipients), raw)


def make_mailer(config: dict):
    """SMTP when FOIA_SMTP_HOST is set, else the outbox folder."""
    if config.get("SMTP_HOST"):
        return SmtpMailer(config["SMTP_HOST"], config["SMTP_PORT"], config.get("SMTP_USER"),
                          config.get("SMTP_PASSWORD"), config["SMTP_TLS"])
    return FolderMailer(Path(config["INSTANCE_PATH"]) / "outbox")
