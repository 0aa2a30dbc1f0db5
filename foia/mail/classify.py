"""Is a received message a reply, an auto-reply (out of office) or a bounce; and for a bounce, who failed and why."""
from __future__ import annotations

import re
from email.message import Message as EmailMessage

from foia.mail.headers import has_header, header
from foia.mail.models import MessageKind
from foia.mail.parsed import ParsedMessage

_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (status notification|failure|has failed)|mail delivery fail|returned mail|"
    r"failure notice|delivery notification|unzustellbar|nicht zustellbar|non[- ]?delivery|could not be delivered|"
    r"message not delivered|rejected:|mail system error",
    re.I)
_OOF_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|abwesenheit|"
    r"automatische antwort|^auto:|on (annual )?leave|away from (the )?office|vacation|abwesend|"
    r"is out of the office|réponse automatique|risposta automatica", re.I)
_OOF_BODY = re.compile(
    r"\b(i am|i'm|i will be) (currently )?(out of (the )?office|away|on (annual )?leave|on vacation)|"
    r"\bout of (the )?office (until|till|from)|\bis out of the office\b|\bauto(matic|mated)? ?reply\b|"
    r"\bbin (bis|vom).{0,40}abwesend\b|\babwesend\b.{0,40}\bbis\b", re.I | re.S)
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)


def says_out_of_office(subject: str) -> bool:
    """Whether a subject line announces an automatic reply ("Out of office", "Automatische Antwort")."""
    return _OOF_SUBJECT.search(subject) is not None


def classify(msg: EmailMessage, parsed: ParsedMessage, reports: list[str]) -> MessageKind:
    """A reply, an auto-reply or a bounce, from the headers, subject and first lines (reports: delivery-status parts)."""
    get = lambda name: header(msg, name).lower()  # noqa: E731
    subject = parsed.subject
    sender = parsed.from_address
    return_path = get("return-path").strip("<> ")
    if reports or _DAEMON.match(sender) or get("x-failed-recipients") or (
            _BOUNCE_SUBJECT.search(subject) and (not return_path or _DAEMON.match(return_path) or _DAEMON.match(sender)
                                                 or "mail delivery" in parsed.from_name.lower())):
        return MessageKind.bounce
    auto = get("auto-submitted")
    if auto and auto != "no":
        return MessageKind.auto_reply
    if any(has_header(msg, name) for name in ("x-autoreply", "x-autorespond", "x-autoresponder")):
        return MessageKind.auto_reply
    if get("precedence") in ("auto_reply", "auto-reply"):
        return MessageKind.auto_reply
    if "autoresponder" in get("x-post-messageclass") or get("x-ms-exchange-inbox-rules-loop"):
        return MessageKind.auto_reply
    if _OOF_SUBJECT.search(subject):
        return MessageKind.auto_reply
    if _OOF_BODY.search(parsed.text[:600]):
        return MessageKind.auto_reply
    return MessageKind.reply


def read_delivery_status(text: str, parsed: ParsedMessage) -> None:
    """The failed recipient and the reason, from a delivery-status report."""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if key in ("final-recipient", "original-recipient") and not parsed.failed_recipient:
            parsed.failed_recipient = value.split(";", 1)[-1].strip().strip("<>").lower()
        elif key == "diagnostic-code" and not parsed.bounce_reason:
            parsed.bounce_reason = value.split(";", 1)[-1].strip()
        elif key == "status" and not parsed.bounce_reason:
            parsed.bounce_reason = f"status {value}"


def find_failed_recipient(msg: EmailMessage, parsed: ParsedMessage) -> None:
    """A bounce's failed recipient and reason where no delivery-status report said them."""
    if not parsed.failed_recipient:
        failed = header(msg, "x-failed-recipients")
        if failed:
            parsed.failed_recipient = failed.split(",")[0].strip().lower()
    if not parsed.failed_recipient:
        # "The following address(es) failed:" and friends: the first address after such a line.
        match = re.search(r"(failed|could not be delivered|undeliverable|delivery to the following|"
                          r"following recipient|nicht zugestellt|permanent error)[^\n]*\n(?:.*\n){0,4}?.*?"
                          r"(?P<address>[\w.+'=-]+@[\w-]+(\.[\w-]+)+)", parsed.text[:20000], re.I)
        if match:
            parsed.failed_recipient = match.group("address").lower()
    if not parsed.bounce_reason:
        match = re.search(r"^\s*(5\d\d[ -].{5,200}|[45]\.\d\.\d+.{0,200})$", parsed.text[:20000], re.M)
        parsed.bounce_reason = match.group(1).strip() if match else parsed.subject
