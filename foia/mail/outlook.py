"""Microsoft's formats: Outlook .msg files (extract-msg) and TNEF winmail.dat attachments (tnefparse)."""
from __future__ import annotations

from datetime import UTC, datetime

from foia.mail.classify import says_out_of_office
from foia.mail.headers import addresses, message_ids
from foia.mail.models import MessageKind
from foia.mail.parsed import MAX_ATTACHMENTS, MAX_DEPTH, Attachment, ParsedMessage, UnreadableMessage
from foia.text.charsets import decode_header_text, decode_text
from foia.text.filenames import name_from_subject, safe_filename, type_from_name
from foia.text.html_text import html_to_text, sanitize_html


def parse_outlook_msg(data: bytes, depth: int = 0) -> ParsedMessage:
    """Parse an Outlook .msg file (OLE compound document) with extract-msg."""
    import extract_msg

    try:
        msg = extract_msg.openMsg(data)
    except Exception as error:  # noqa: BLE001 - any failure of the library means "cannot read it"
        raise UnreadableMessage(f"not a readable Outlook message ({type(error).__name__})") from None
    try:
        parsed = ParsedMessage()
        warnings = parsed.warnings
        header = getattr(msg, "header", None)
        ids = message_ids(str(getattr(msg, "messageId", "") or ""))
        parsed.message_id = ids[0] if ids else None
        if header is not None:
            parsed.in_reply_to = (message_ids(decode_header_text(header.get("in-reply-to"))) or [""])[0]
            parsed.references = message_ids(decode_header_text(header.get("references")))
        senders = addresses([str(msg.sender or "")])
        if senders:
            parsed.from_name, parsed.from_address = senders[0]
        parsed.to = [a for _, a in addresses([str(msg.to or "")])]
        parsed.cc = [a for _, a in addresses([str(msg.cc or "")])]
        parsed.subject = decode_header_text(str(msg.subject or ""))
        when = getattr(msg, "date", None)
        if isinstance(when, datetime):
            parsed.date = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
        body = msg.body or ""
        html = b""
        try:
            html = msg.htmlBody or b""
        except Exception:  # noqa: BLE001
            warnings.append("The HTML body of the Outlook message could not be read.")
        if isinstance(html, bytes):
            html = decode_text(html, None, warnings, "HTML body")
        parsed.text = (body if isinstance(body, str) else decode_text(body, None, warnings)).replace("\r\n", "\n")
        if not parsed.text.strip() and html:
            parsed.text = html_to_text(html)
        parsed.html = sanitize_html(html)
        for attachment in msg.attachments:
            data_ = getattr(attachment, "data", None)
            name = getattr(attachment, "longFilename", None) or getattr(attachment, "shortFilename", None) or "attachment"
            if len(parsed.attachments) >= MAX_ATTACHMENTS:
                warnings.append(f"Attachments beyond the first {MAX_ATTACHMENTS} are kept in the raw message only.")
                break
            try:
                if isinstance(data_, bytes) and data_:
                    parsed.attachments.append(Attachment(safe_filename(name), data_, type_from_name(str(name))))
                elif data_ is not None and hasattr(data_, "exportBytes"):
                    inner_name = f"{name_from_subject(str(getattr(data_, 'subject', '') or name)) or 'attached message'}.msg"
                    inner_bytes = data_.exportBytes()
                    parsed.attachments.append(Attachment(safe_filename(inner_name), inner_bytes, "application/vnd.ms-outlook"))
                    if depth < MAX_DEPTH:
                        parsed.attachments += parse_outlook_msg(inner_bytes, depth + 1).attachments
            except Exception as error:  # noqa: BLE001 - one unreadable attachment never loses the message
                warnings.append(f"The attachment {safe_filename(name)} could not be read ({type(error).__name__}).")
        auto = ""
        if header is not None:
            auto = (header.get("auto-submitted") or "").lower()
        if auto and auto != "no" or says_out_of_office(parsed.subject):
            parsed.kind = MessageKind.auto_reply
        return parsed
    finally:
        try:
            msg.close()
        except Exception:  # noqa: BLE001
            pass


def tnef_attachments(data: bytes, warnings: list[str]) -> tuple[list[Attachment], str]:
    """The files packed in a winmail.dat, and its body when it carries one."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(data)
    except Exception as error:  # noqa: BLE001 - truncated or empty winmail.dat
        warnings.append(f"winmail.dat could not be unpacked ({type(error).__name__}); kept as it is.")
        return [], ""
    found = []
    for attachment in tnef.attachments:
        try:
            name = attachment.long_filename() or attachment.name
        except Exception:  # noqa: BLE001
            name = getattr(attachment, "name", "") or "attachment"
        if isinstance(name, bytes):
            name = decode_text(name, None)
        payload = attachment.data or b""
        if payload:
            found.append(Attachment(str(name).strip("\x00") or "attachment", payload, type_from_name(str(name))))
    body = ""
    for value in (getattr(tnef, "body", None), getattr(tnef, "htmlbody", None)):
        if value:
            body = value.decode("cp1252", "replace") if isinstance(value, bytes) else str(value)
            break
    return found, body
