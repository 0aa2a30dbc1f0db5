"""Mailer implementations: an outbox folder of .eml files (default) or an SMTP server.

Both deliver a complete RFC 5322 message and raise on failure; the outbox table (foia.mail.outbox)
decides when to try again. A `PermanentDeliveryError` means trying again cannot help (the server
refused the sender or every recipient with a 5xx code).
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Iterable


class DeliveryError(Exception):
    """The message was not accepted; it may be accepted later."""


class PermanentDeliveryError(DeliveryError):
    """The server refused the message for good (5xx); retrying cannot help."""


def _headers(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


class FolderMailer:
    """Writes each message to instance/outbox/ as an .eml file, until SMTP is configured.

    The file name comes from the message's Date and Message-ID, so delivering the same message twice
    (a retry after a crash) leaves one file.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_for(self, raw: bytes) -> Path:
        message = _headers(raw)
        message_id = str(message.get("Message-ID", ""))
        safe_id = "".join(c for c in message_id if c.isalnum() or c in "-_.@")[:120] or "message"
        try:
            stamp = parsedate_to_datetime(str(message.get("Date"))).strftime("%Y%m%dT%H%M%S")
        except (TypeError, ValueError):
            stamp = "undated"
        return self.folder / f"{stamp}-{safe_id}.eml"

    def deliver(self, raw: bytes, sender: str, recipients: Iterable[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path_for(raw)
        if path.exists():
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(raw)
        tmp.replace(path)


class SmtpMailer:
    """Sends through an SMTP server with STARTTLS, implicit TLS (ssl) or none, and optional login."""

    def __init__(self, host: str, port: int, user: str | None = None, password: str | None = None,
                 tls: str = "starttls", timeout: float = 30, context: ssl.SSLContext | None = None):
        if tls not in ("starttls", "ssl", "none"):
            raise ValueError(f"tls must be starttls, ssl or none, not {tls!r}")
        self.host, self.port, self.user, self.password = host, int(port), user, password
        self.tls, self.timeout = tls, timeout
        self.context = context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def deliver(self, raw: bytes, sender: str, recipients: Iterable[str]) -> None:
        recipients = [r for r in recipients if r]
        if not recipients:
            raise PermanentDeliveryError("The message has no recipient.")
        try:
            with self._connect() as client:
                client.ehlo()
                if self.tls == "starttls":
                    client.starttls(context=self.context)
                    client.ehlo()
                if self.user:
                    client.login(self.user, self.password or "")
                refused = client.sendmail(sender, recipients, raw)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            detail = "; ".join(f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
                               for address, (code, message) in error.recipients.items())
            if all(code >= 500 for code in codes):
                raise PermanentDeliveryError(f"Every recipient was refused: {detail}") from None
            raise DeliveryError(f"Recipients refused for now: {detail}") from None
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(f"The mail server refused the login ({error.smtp_code}); "
                                "check FOIA_SMTP_USER and FOIA_SMTP_PASSWORD.") from None
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
            message = f"The mail server answered {error.smtp_code} {text}"
            if 500 <= error.smtp_code < 600 and not isinstance(error, smtplib.SMTPSenderRefused):
                raise PermanentDeliveryError(message) from None
            raise DeliveryError(message) from None
        except (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError) as error:
            raise DeliveryError(f"Could not reach the mail server {self.host}:{self.port}: "
                                f"{type(error).__name__}: {error}") from None
        if refused:
            # Some recipients were accepted: the message went out; what was refused is reported by bounce.
            return


def make_mailer(config: dict):
    """SMTP when FOIA_SMTP_HOST is set, else the outbox folder."""
    if config.get("SMTP_HOST"):
        return SmtpMailer(config["SMTP_HOST"], config["SMTP_PORT"], config.get("SMTP_USER"),
                          config.get("SMTP_PASSWORD"), config["SMTP_TLS"])
    return FolderMailer(Path(config["INSTANCE_PATH"]) / "outbox")
