"""Polling an IMAP folder: each message fetched once (UIDVALIDITY + last UID remembered), then ingested.

Mail stays on the server unless FOIA_IMAP_MOVE_TO names a folder to move processed mail into.
"""
from __future__ import annotations

import imaplib
import logging
import re
import socket
import ssl

from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError
from sqlmodel import select

from foia.mail.ingest import Intake
from foia.mail.inputs import ingest_raw_email
from foia.mail.models import ImapFolderState

log = logging.getLogger("foia.mail.imap")


class ImapError(RuntimeError):
    """The IMAP server could not be reached or refused us."""


def _connect(config: dict):
    host, port, tls = config["IMAP_HOST"], config["IMAP_PORT"], config["IMAP_TLS"]
    if tls == "ssl":
        box = MailBox(host, port, ssl_context=ssl.create_default_context(), timeout=60)
    elif tls == "starttls":
        box = MailBoxStartTls(host, port, ssl_context=ssl.create_default_context(), timeout=60)
    else:
        box = MailBoxUnencrypted(host, port, timeout=60)
    return box.login(config.get("IMAP_USER") or "", config.get("IMAP_PASSWORD") or "",
                     initial_folder=config.get("IMAP_FOLDER") or "INBOX")


def _fetch_raw(box, uid: int) -> bytes | None:
    status, data = box.client.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and re.search(rb"UID %d\b" % uid, item[0]):
            return item[1]
    return None


def poll(runtime) -> dict:
    """Fetch and ingest every message not seen before; return what happened."""
    config = runtime.config
    folder = config.get("IMAP_FOLDER") or "INBOX"
    account = f"{config.get('IMAP_USER') or ''}@{config['IMAP_HOST']}:{config['IMAP_PORT']}"
    fetched = 0
    try:
        box = _connect(config)
    except (MailboxLoginError, UnexpectedCommandStatusError, imaplib.IMAP4.error, OSError, socket.timeout) as error:
        raise ImapError(f"Cannot log in to the IMAP server {config['IMAP_HOST']}: {error}") from None
    with box, runtime.session() as session:
        now = runtime.clock.now()
        intake = Intake(session=session, blobs=runtime.blobs, now=now, source="imap")
        uidvalidity = int(box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        state = session.exec(select(ImapFolderState).where(ImapFolderState.account == account,
                                                           ImapFolderState.folder == folder)).first()
        if state is None:
            state = ImapFolderState(account=account, folder=folder, uidvalidity=uidvalidity, last_uid=0)
            session.add(state)
        elif state.uidvalidity != uidvalidity:
            # The server renumbered the folder: read it again; ingest's dedupe keeps what we already have.
            log.warning("UIDVALIDITY of %s changed (%s -> %s); reading the folder again", folder, state.uidvalidity, uidvalidity)
            state.uidvalidity, state.last_uid = uidvalidity, 0
        session.commit()
        uids = sorted(int(uid) for uid in box.uids(AND(uid=f"{state.last_uid + 1}:*")) if int(uid) > state.last_uid)
        move_to = config.get("IMAP_MOVE_TO")
        for uid in uids:
            raw = _fetch_raw(box, uid)
            fetched += 1
            errors_before = len(intake.summary.errors)
            if raw is None:
                intake.summary.errors.append({"path": f"{folder}/{uid}", "reason": "the server did not return it"})
            else:
                intake.now = runtime.clock.now()
                ingest_raw_email(intake, f"{folder}/{uid}", raw)
            state.last_uid = uid
            state.last_polled_at = runtime.clock.now()
            session.add(state)
            session.commit()
            if move_to and raw is not None and len(intake.summary.errors) == errors_before:
                box.move(str(uid), move_to)
        state.last_polled_at = runtime.clock.now()
        session.add(state)
        session.commit()
    return {"fetched": fetched, **intake.summary.as_json()}


def run_scheduled(runtime) -> None:
    """The scheduler's job: one poll when IMAP is configured."""
    if not runtime.config.get("IMAP_HOST"):
        return
    summary = poll(runtime)
    if summary["fetched"]:
        log.info("fetched %(fetched)s: %(messages)s new, %(duplicates)s already there", summary)
