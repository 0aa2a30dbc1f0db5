"""Raw email bytes (.eml, Outlook .msg) into a ParsedMessage that survives real-world mail: the MIME walk.

The stdlib email package does the parsing; the fallbacks cover what breaks it: mislabelled or
unknown charsets (foia.text.charsets), inline uuencode, TNEF winmail.dat and Outlook .msg
(foia.mail.outlook), mail attached to mail and HTML-only bodies (foia.text.html_text). Headers are
read by foia.mail.headers, and foia.mail.classify tells replies from auto-replies and bounces.
"""
from __future__ import annotations

import binascii
import mimetypes
import re
from email import message_from_bytes, policy
from email.message import Message as EmailMessage
from email.message import Message as LegacyMessage
from email.policy import EmailPolicy
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote_to_bytes

from foia.mail.classify import classify, find_failed_recipient, read_delivery_status
from foia.mail.headers import addresses, date_text, header, header_all, message_ids, read_date, sender
from foia.mail.models import MessageKind
from foia.mail.outlook import parse_outlook_msg, tnef_attachments
from foia.mail.parsed import MAX_ATTACHMENTS, MAX_DEPTH, Attachment, ParsedMessage, UnreadableMessage
from foia.text.charsets import decode_header_text, decode_text
from foia.text.filenames import name_from_subject, safe_filename, type_from_name
from foia.text.html_text import html_to_text, sanitize_html
from foia.text.sniff import OLE_MAGIC


_UU_BEGIN = re.compile(r"^begin(?:-base64)? +[0-7]{3,4} +(?P<name>[^\r\n]+?)\s*$", re.M)


def _uudecode(block: str) -> bytes:
    out = bytearray()
    for line in block.splitlines():
        if not line or line in ("`", "end"):
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Lines some mailers trimmed of trailing spaces: decode as many bytes as the length says.
            try:
                count = (ord(line[0]) - 32) & 63
                out += binascii.a2b_uu(line[: (count + 2) // 3 * 4 + 1].ljust((count + 2) // 3 * 4 + 1))
            except (binascii.Error, IndexError):
                continue
    return bytes(out)


def extract_uuencoded(text: str, warnings: list[str]) -> tuple[str, list[Attachment]]:
    """Pull inline uuencoded files out of a text body."""
    attachments = []
    while True:
        begin = _UU_BEGIN.search(text)
        if not begin:
            return text, attachments
        end = re.compile(r"^end\s*$", re.M).search(text, begin.end())
        if not end:
            warnings.append(f"The uuencoded file {begin.group('name')} has no end line; decoded what was there.")
            stop = len(text)
            block_end = stop
        else:
            stop, block_end = end.start(), end.end()
        data = _uudecode(text[begin.end():stop])
        attachments.append(Attachment(begin.group("name").strip(), data, type_from_name(begin.group("name"))))
        text = text[:begin.start()] + f"[attachment: {begin.group('name').strip()}]" + text[block_end:]


def _filename(part: EmailMessage, warnings: list[str]) -> str:
    name = None
    # The legacy parameter parser joins RFC 2231 continuations that policy.default garbles.
    for header_name in ("content-disposition", "content-type"):
        raw = next((value for key, value in getattr(part, "raw_items", lambda: [])() if key.lower() == header_name), None)
        if raw is None:
            continue
        raw = str(raw)
        if any("\udc80" <= c <= "\udcff" for c in raw):  # raw 8-bit bytes in the header
            raw = decode_text(raw.encode("utf-8", "surrogateescape"), None, warnings, "file name")
        legacy = LegacyMessage()
        legacy[header_name] = raw
        param = "filename" if header_name == "content-disposition" else "name"
        try:
            name = legacy.get_param(param, header=header_name)
            if isinstance(name, tuple):
                name = collapse_rfc2231_value(name)
        except Exception:  # noqa: BLE001
            name = None
        if name:
            break
    if not name:
        try:
            name = part.get_filename()
        except Exception:  # noqa: BLE001
            name = None
    if not name:
        return ""
    name = decode_header_text(str(name).strip('"'), warnings)
    if re.search(r"%[0-9A-Fa-f]{2}", name):  # percent-encoded bytes of a legacy charset ("RV %A312000.xls")
        name = decode_text(unquote_to_bytes(name), None, [], "file name")
    name = re.sub(r"[\\/\x00-\x1f]", "_", name).strip().strip(".") or "attachment"
    return name[:240]


def _payload(part: EmailMessage, warnings: list[str]) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if data is None:
        payload = part.get_payload()
        if isinstance(payload, str):
            data = payload.encode("utf-8", "surrogateescape")
        else:
            data = b""
    return data


class _Walker:
    """Collects bodies and attachments from a message tree."""

    def __init__(self, parsed: ParsedMessage, depth: int = 0):
        self.parsed = parsed
        self.warnings = parsed.warnings
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.reports: list[str] = []
        self.depth = depth
        #: Parts beyond MAX_ATTACHMENTS, left in the raw message only.
        self.dropped = 0

    def walk(self, part: EmailMessage) -> None:
        if part.is_multipart() and not self._is_message(part):
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else []:
                if isinstance(sub, EmailMessage):
                    self.walk(sub)
            if isinstance(payload, list) and payload:
                return
        if len(self.parsed.attachments) >= MAX_ATTACHMENTS:  # the rest stay in the raw message, unread
            self.dropped += 1
            return
        try:
            self._read_part(part)
        except RecursionError:
            raise
        except Exception as error:  # noqa: BLE001 - one unreadable part never loses the message
            self.warnings.append(f"A part could not be read ({type(error).__name__}); it is kept in the raw message.")

    @staticmethod
    def _is_message(part: EmailMessage) -> bool:
        try:
            return part.get_content_maintype().lower() == "message"
        except Exception:  # noqa: BLE001
            return False

    def _add(self, attachment: Attachment) -> None:
        if len(self.parsed.attachments) >= MAX_ATTACHMENTS:
            self.dropped += 1
            return
        attachment.filename = safe_filename(attachment.filename)
        self.parsed.attachments.append(attachment)

    def _read_part(self, part: EmailMessage) -> None:
        ctype = part.get_content_type().lower()
        maintype = ctype.split("/")[0]
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part, self.warnings)
        if part.is_multipart() and ctype != "message/rfc822" and maintype != "message":
            for sub in part.get_payload():
                if isinstance(sub, EmailMessage):
                    self.walk(sub)
            return
        if maintype == "multipart":  # declared multipart but no parts found (lost boundary)
            self.warnings.append("A multipart section had no readable parts; kept as text.")
            self.texts.append(decode_text(_payload(part, self.warnings), part.get_content_charset(), self.warnings))
            return
        if ctype == "message/delivery-status":
            self.reports.append(self._delivery_status_text(part))
            return
        if ctype in ("message/rfc822", "message/global") or (maintype == "message" and part.is_multipart()):
            self._attached_message(part, filename)
            return
        if ctype == "text/rfc822-headers":
            text = decode_text(_payload(part, self.warnings), part.get_content_charset(), self.warnings)
            for _name, address in addresses(re.findall(r"^(?:from|to|reply-to):(.*)$", text, re.I | re.M)):
                self.parsed.returned_addresses.append(address)
            self.parsed.returned_message_ids += message_ids(" ".join(re.findall(r"^message-id:(.*)$", text, re.I | re.M)))
            return
        data = _payload(part, self.warnings)
        lower_name = filename.lower()
        if ctype == "application/ms-tnef" or lower_name == "winmail.dat":
            found, body = tnef_attachments(data, self.warnings)
            for attachment in found:
                self._add(attachment)
            if body and not found:
                self.texts.append(body)
            if not found:
                self._add(Attachment(filename or "winmail.dat", data, ctype))
            return
        if lower_name.endswith((".eml", ".email")) and data and self.depth < 5:
            self._embedded_mail(data, filename)
            return
        if lower_name.endswith(".msg") and data[:8] == OLE_MAGIC and self.depth < 5:
            self._add(Attachment(filename, data, "application/vnd.ms-outlook"))
            try:
                inner = parse_outlook_msg(data, self.depth + 1)
            except UnreadableMessage as error:
                self.warnings.append(f"The attached Outlook message {filename} could not be read: {error}")
            else:
                for attachment in inner.attachments:
                    self._add(attachment)
            return
        is_body = maintype == "text" and disposition != "attachment" and (not filename or disposition == "inline"
                                                                         and ctype in ("text/plain", "text/html"))
        if is_body and ctype == "text/html":
            self.htmls.append(decode_text(data, part.get_content_charset(), self.warnings, "HTML body"))
            return
        if is_body and ctype in ("text/plain", "text/enriched", "text/x-vcard") and ctype == "text/plain":
            text = decode_text(data, part.get_content_charset(), self.warnings, "body")
            text, uu = extract_uuencoded(text, self.warnings)
            for attachment in uu:
                self._add(attachment)
            self.texts.append(text)
            return
        if not data and not filename:
            return
        if not filename:
            extension = mimetypes.guess_extension(ctype) or ".bin"
            filename = f"attachment-{len(self.parsed.attachments) + 1}{extension}"
        self._add(Attachment(filename, data, ctype))

    def _delivery_status_text(self, part: EmailMessage) -> str:
        payload = part.get_payload()
        if isinstance(payload, list):  # the stdlib parsed it into header blocks
            return "\n".join(str(block) for block in payload)
        return decode_text(_payload(part, self.warnings), part.get_content_charset(), self.warnings)

    def _attached_message(self, part: EmailMessage, filename: str) -> None:
        if self.depth >= MAX_DEPTH:
            self._embedded_mail(_part_bytes(part), filename)
            return
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, EmailMessage):
            data = _payload(part, self.warnings)
            if data:
                self._embedded_mail(data, filename)
            return
        try:
            raw = inner.as_bytes(policy=inner.policy.clone(linesep="\n"))
        except Exception:  # noqa: BLE001
            raw = str(inner).encode("utf-8", "surrogateescape")
        self._embedded_mail(raw, filename, tree=inner)

    def _embedded_mail(self, raw: bytes, filename: str, tree: EmailMessage | None = None) -> None:
        if self.depth >= MAX_DEPTH:
            self.warnings.append(f"Mail attached more than {MAX_DEPTH} deep was kept as a file without reading it.")
            self._add(Attachment(filename or "attached message.eml", raw, "message/rfc822"))
            return
        inner = _parse_tree(tree if tree is not None else _message_tree(raw, self.warnings), self.depth + 1)
        name = filename or f"{name_from_subject(inner.subject) or 'attached message'}.eml"
        if not name.lower().endswith((".eml", ".email")):
            name += ".eml"
        self._add(Attachment(name, raw, "message/rfc822"))
        self.warnings.extend(inner.warnings)
        for attachment in inner.attachments:
            self._add(attachment)
        if inner.message_id:
            self.parsed.returned_message_ids.append(inner.message_id)
        self.parsed.returned_addresses += [inner.from_address] + inner.to + inner.reply_to


def _part_bytes(part: EmailMessage) -> bytes:
    try:
        return part.as_bytes(policy=part.policy.clone(linesep="\n"))
    except Exception:  # noqa: BLE001
        return str(part).encode("utf-8", "surrogateescape")


class _ReadPolicy(EmailPolicy):
    """policy.default, remembering the headers it parsed: the parser and the part walk ask for each
    part's Content-Type several times, and policy.default parses the header anew each time (its header
    objects are immutable, so one parse serves every ask, and every message with the same header)."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):
            return value
        key = (name, value)
        found = _PARSED_HEADERS.get(key)
        if found is None:
            found = super().header_fetch_parse(name, value)
            if len(_PARSED_HEADERS) >= _PARSED_HEADERS_MAX:
                _PARSED_HEADERS.clear()
            _PARSED_HEADERS[key] = found
        return found


_PARSED_HEADERS: dict[tuple[str, str], object] = {}
_PARSED_HEADERS_MAX = 512
_READ_POLICY = _ReadPolicy()


def _message_tree(raw: bytes, warnings: list[str]) -> EmailMessage:
    try:
        return message_from_bytes(raw, policy=_READ_POLICY)
    except Exception as error:  # noqa: BLE001 - the lenient legacy parser reads what the new one refuses
        warnings.append(f"Read with the lenient parser ({type(error).__name__}).")
        return message_from_bytes(raw, policy=policy.compat32)


def _parse_tree(msg: EmailMessage, depth: int = 0) -> ParsedMessage:
    parsed = ParsedMessage()
    warnings = parsed.warnings
    message_id = message_ids(header(msg, "message-id", warnings))
    parsed.message_id = message_id[0] if message_id else None
    parsed.in_reply_to = (message_ids(header(msg, "in-reply-to", warnings)) or [""])[0]
    parsed.references = message_ids(header(msg, "references", warnings))
    first_sender = sender(msg, warnings)
    if first_sender:
        parsed.from_name, parsed.from_address = first_sender
    for attribute, name in (("to", "to"), ("cc", "cc"), ("delivered_to", "delivered-to"),
                            ("x_original_to", "x-original-to"), ("reply_to", "reply-to")):
        setattr(parsed, attribute, list(dict.fromkeys(a for _, a in addresses(header_all(msg, name, warnings)))))
    parsed.subject = header(msg, "subject", warnings)
    parsed.date = read_date(date_text(msg, warnings), warnings)

    walker = _Walker(parsed, depth)
    try:
        walker.walk(msg)
    except RecursionError:
        warnings.append("The message nests too deeply; only part of it was read.")
    if walker.dropped:
        warnings.append(f"{walker.dropped} more parts beyond the first {MAX_ATTACHMENTS} are kept in the raw message only.")
    try:
        for defect in getattr(msg, "defects", []):
            warnings.append(f"Broken MIME: {type(defect).__name__}.")
        for part in msg.walk() if msg.is_multipart() else []:
            for defect in getattr(part, "defects", []):
                warning = f"Broken MIME: {type(defect).__name__}."
                if warning not in warnings:
                    warnings.append(warning)
    except RecursionError:
        pass

    text = "\n\n".join(t.strip("\n") for t in walker.texts if t.strip())
    html = "\n".join(walker.htmls)
    if not text.strip() and html:
        text = html_to_text(html)
    parsed.text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed.html = sanitize_html(html)
    try:
        for report in walker.reports:
            read_delivery_status(report, parsed)
        parsed.kind = classify(msg, parsed, walker.reports)
        if parsed.kind == MessageKind.bounce:
            find_failed_recipient(msg, parsed)
    except Exception as error:  # noqa: BLE001 - classifying is a nicety; the message is kept regardless
        warnings.append(f"Could not tell whether this is an auto-reply or a bounce ({type(error).__name__}).")
    parsed.warnings = list(dict.fromkeys(warnings))
    return parsed


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse an RFC 5322 message (bytes as received) into a ParsedMessage."""
    if not raw or not raw.strip():
        raise UnreadableMessage("the file is empty")
    if raw[:8] == OLE_MAGIC:
        try:
            return parse_outlook_msg(raw)
        except UnreadableMessage:
            raise
        except Exception as error:  # noqa: BLE001 - extract-msg failing half-way means we cannot read it
            raise UnreadableMessage(f"not a readable Outlook message ({type(error).__name__})") from None
    if raw.startswith(b"From ") and b"\n" in raw:  # an mbox "From " line in front of a single message
        raw = raw.split(b"\n", 1)[1]
    warnings: list[str] = []
    readable = _shorten_giant_lines(raw, warnings)
    try:
        parsed = _parse_tree(_message_tree(readable, warnings))
    except (RecursionError, MemoryError) as error:
        parsed = _parse_headers_only(readable, f"it nests too deeply to read ({type(error).__name__})")
    except Exception as error:  # noqa: BLE001 - whatever the parser trips on, the headers and text are kept
        parsed = _parse_headers_only(readable, f"the parser failed ({type(error).__name__})")
    parsed.warnings = list(dict.fromkeys(warnings + parsed.warnings))
    return parsed


_GIANT_LINE = re.compile(rb"^[!-9;-~]{1,76}:[^\n]{262144,}", re.M)


def _shorten_giant_lines(raw: bytes, warnings: list[str]) -> bytes:
    """Header lines over 256 KB are cut for parsing (the raw message keeps them whole)."""
    if len(raw) < 262144 or not _GIANT_LINE.search(raw):
        return raw
    warnings.append("Some header lines are over 256 KB long; only their start was read.")
    return _GIANT_LINE.sub(lambda m: m.group(0)[:65536], raw)


def _parse_headers_only(raw: bytes, why: str) -> ParsedMessage:
    """The last resort: the headers, and the rest as text, as received."""
    from email.parser import BytesHeaderParser

    warning = f"The message structure could not be read: {why}. Its headers were read and the rest is shown as received."
    try:
        msg = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
        body = msg.get_payload()
        body = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else b""
        parsed = ParsedMessage()
        for attribute, name in (("subject", "subject"),):
            setattr(parsed, attribute, header(msg, name, parsed.warnings))
        message_id = message_ids(header(msg, "message-id", parsed.warnings))
        parsed.message_id = message_id[0] if message_id else None
        parsed.in_reply_to = (message_ids(header(msg, "in-reply-to", parsed.warnings)) or [""])[0]
        parsed.references = message_ids(header(msg, "references", parsed.warnings))
        first_sender = sender(msg, parsed.warnings)
        if first_sender:
            parsed.from_name, parsed.from_address = first_sender
        for attribute, name in (("to", "to"), ("cc", "cc"), ("delivered_to", "delivered-to"),
                                ("x_original_to", "x-original-to")):
            setattr(parsed, attribute, list(dict.fromkeys(a for _, a in addresses(header_all(msg, name, parsed.warnings)))))
        parsed.date = read_date(date_text(msg, parsed.warnings), parsed.warnings)
    except Exception:  # noqa: BLE001
        parsed, body = ParsedMessage(), raw
    parsed.text = decode_text(body, None, parsed.warnings).replace("\r\n", "\n")
    parsed.warnings.insert(0, warning)
    return parsed
