"""Raw email bytes (.eml, Outlook .msg) into a ParsedMessage that survives real-world mail.

The stdlib email package does the parsing; the fallbacks cover what breaks it: mislabelled or
unknown charsets (charset-normalizer), inline uuencode, TNEF winmail.dat (tnefparse), mail
attached to mail, Outlook .msg (extract-msg) and HTML-only bodies.
"""
from __future__ import annotations

import binascii
import codecs
import io
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.header import decode_header
from email.message import Message as EmailMessage
from email.message import Message as LegacyMessage
from email.utils import collapse_rfc2231_value
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes

import nh3
from charset_normalizer import from_bytes as detect_charset

from foia.mail.dates import has_clock_words, read_printed_date


class Kind:
    """What a received message is (values of foia.mail.models.MessageKind)."""

    reply = "reply"
    auto_reply = "auto_reply"
    bounce = "bounce"


@dataclass
class Attachment:
    """A file that came with a message."""

    filename: str
    data: bytes
    declared_type: str = "application/octet-stream"


@dataclass
class ParsedMessage:
    """Everything read from one email."""

    message_id: str | None = None
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    x_original_to: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    kind: str = Kind.reply
    warnings: list[str] = field(default_factory=list)
    #: For bounces: the address that could not be reached, and why.
    failed_recipient: str = ""
    bounce_reason: str = ""
    #: Message-IDs of mail quoted back to us (a bounce's returned original).
    returned_message_ids: list[str] = field(default_factory=list)
    #: Addresses the returned original was sent from/to (a bounce of our letter carries our reply token).
    returned_addresses: list[str] = field(default_factory=list)

    @property
    def related_ids(self) -> list[str]:
        """Message-IDs this message answers or returns, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += list(reversed(self.references)) + self.returned_message_ids
        return list(dict.fromkeys(i for i in ids if i))

    @property
    def recipient_addresses(self) -> list[str]:
        return list(dict.fromkeys(self.to + self.cc + self.delivered_to + self.x_original_to))


#: Attachments read from one message; the rest stay in the raw message.
MAX_ATTACHMENTS = 500
#: How deep mail attached to mail is read.
MAX_DEPTH = 8


class UnreadableMessage(ValueError):
    """The bytes are not an email we can read."""


# --- charsets -------------------------------------------------------------------------------

#: Labels that lie or that Python does not know, mapped the way mail clients and browsers read them.
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso_8859-1": "cp1252",
    "unicode-1-1-utf-7": "utf-7", "x-unicode-1-1-utf-7": "utf-7",
    "hz-gb-2312": "hz", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949", "x-sjis": "shift_jis", "x-mac-roman": "mac_roman",
    "utf8": "utf-8", "x-user-defined": "cp1252", "unknown-8bit": "", "x-unknown": "", "default": "",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = CHARSET_ALIASES.get(label, label)
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_text(data: bytes, declared: str | None, warnings: list[str] | None = None, what: str = "text") -> str:
    """Bytes to text: the declared charset when it fits, else UTF-8, else what charset-normalizer guesses."""
    warnings = warnings if warnings is not None else []
    if not data:
        return ""
    codec = _codec(declared)
    if declared and codec is None:
        warnings.append(f"Unknown charset {declared!r} in the {what}; guessed instead.")
    if codec:
        try:
            text = data.decode(codec)
            if codec == "cp1252" and declared and "8859" in declared and re.search(rb"[\x80-\x9f]", data):
                warnings.append(f"The {what} was labelled {declared} but is windows-1252; read as windows-1252.")
            return text
        except (UnicodeDecodeError, LookupError):
            if codec == "cp1252":
                return data.decode("latin-1")
            warnings.append(f"The {what} is not valid {declared}; its charset was guessed.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) < 40:  # too little to guess from: the commonest legacy charset
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    best = detect_charset(data).best()
    if best is not None:
        if not declared:
            warnings.append(f"The {what} had no charset; read as {best.encoding}.")
        return str(best)
    warnings.append(f"The {what} could not be decoded cleanly; unreadable bytes were replaced.")
    return data.decode("utf-8", "replace")


def decode_header_text(value, warnings: list[str] | None = None) -> str:
    """An RFC 2047 header (possibly raw 8-bit, mislabelled or truncated) as clean text."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "surrogateescape")
    value = str(value)
    if any("\udc80" <= c <= "\udcff" for c in value):
        raw = value.encode("utf-8", "surrogateescape")
        return decode_text(raw, None, warnings, "header").strip()
    try:
        parts = decode_header(value)
    except Exception:  # noqa: BLE001 - a header the stdlib cannot split is kept as written
        return re.sub(r"\s+", " ", value).strip()
    pieces = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            pieces.append(chunk)
        else:
            pieces.append(decode_text(chunk, charset, warnings, "header"))
    text = _repair_mojibake("".join(pieces))
    return re.sub(r"\s+", " ", text.replace("\ufffd", "")).strip()


def _repair_mojibake(text: str) -> str:
    """UTF-8 read as latin-1/windows-1252, perhaps several times over ("BestÃƒÂ¤tigung")."""
    for _ in range(4):
        if not re.search("[\u00c2\u00c3][\u0080-\u00bf\u0152-\u203a]", text):
            return text
        try:
            raw = bytes(ord(c) if ord(c) < 256 else ord(c.encode("cp1252")) for c in text)
            repaired = raw.decode("utf-8")
        except (UnicodeError, ValueError):
            return text
        if len(repaired) >= len(text):
            return text
        text = repaired
    return text


# --- HTML ---------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
               "pre", "hr", "ul", "ol", "section", "article", "header", "footer", "title"}


class _TextFromHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")
        elif tag == "td":
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(re.sub(r"[ \t\r\n\xa0]+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body (for HTML-only mail)."""
    parser = _TextFromHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - broken HTML still yields what was read so far
        pass
    text = "".join(parser.out)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _keep_safe_urls(tag: str, attribute: str, value: str):
    # Images may only be inline data; anything else would be loaded from a remote server.
    if attribute in ("src", "srcset", "background", "poster"):
        return value if value.startswith("data:image/") else None
    if attribute == "href" and not re.match(r"(https?:|mailto:|#)", value, re.I):
        return None
    return value


def sanitize_html(html: str) -> str:
    """HTML safe to show: no script, no styles or forms, no remote images."""
    if not html.strip():
        return ""
    return nh3.clean(html, attribute_filter=_keep_safe_urls, url_schemes={"http", "https", "mailto", "data"},
                     link_rel="noopener noreferrer nofollow")


# --- auto-replies and bounces -------------------------------------------------------------------

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
_EMAIL = re.compile(r"[\w.+'=-]+@[\w-]+(\.[\w-]+)+")


#: Header values longer than this are read as written (the structured parser is slow on them) and cut.
STRUCTURED_HEADER_LIMIT = 8 * 1024
HEADER_LIMIT = 64 * 1024


def _raw_values(msg: EmailMessage, name: str) -> list[str]:
    try:
        items = msg.raw_items() if hasattr(msg, "raw_items") else msg.items()
        return [str(raw) for key, raw in items if key.lower() == name.lower()]
    except Exception:  # noqa: BLE001
        return []


def _read_header_value(msg: EmailMessage, name: str, raw: str, structured, warnings: list[str] | None) -> str:
    if len(raw) > HEADER_LIMIT:
        if warnings is not None:
            warnings.append(f"The {name} header is {len(raw):,} characters long; only the start was read.")
        raw, structured = raw[:HEADER_LIMIT], None
    try:
        value = structured if structured is not None and len(raw) <= STRUCTURED_HEADER_LIMIT else raw
        return decode_header_text(value, warnings)
    except Exception:  # noqa: BLE001 - a header nothing can decode is shown as written
        return re.sub(r"\s+", " ", raw.encode("utf-8", "replace").decode("utf-8")).strip()


def _header(msg: EmailMessage, name: str, warnings: list[str] | None = None) -> str:
    values = _header_all(msg, name, warnings)
    return values[0] if values else ""


def _header_all(msg: EmailMessage, name: str, warnings: list[str] | None) -> list[str]:
    raws = _raw_values(msg, name)
    structured: list = [None] * len(raws)
    if raws and all(len(raw) <= STRUCTURED_HEADER_LIMIT for raw in raws):
        try:
            values = msg.get_all(name) or []
            if len(values) == len(raws):
                structured = values
        except Exception:  # noqa: BLE001 - a header policy.default cannot parse: read it raw
            pass
    return [_read_header_value(msg, name, raw, value, warnings) for raw, value in zip(raws, structured)]


def _has_header(msg: EmailMessage, name: str) -> bool:
    return any(key.lower() == name for key, _ in msg.raw_items()) if hasattr(msg, "raw_items") else name in msg


def _sender(msg: EmailMessage, warnings: list[str] | None) -> tuple[str, str] | None:
    """The first From name and address. The name is decoded from the raw header: policy.default puts a
    space between adjacent encoded words folded across lines ("Informaç ão"), which RFC 2047 forbids."""
    senders = _addresses(_header_all(msg, "from", warnings))
    if not senders:
        return None
    name, address = senders[0]
    raw = (_raw_values(msg, "from") or [""])[0]
    if "=?" in raw and len(raw) <= STRUCTURED_HEADER_LIMIT:
        try:
            pairs = getaddresses([re.sub(r"\r?\n[ \t]+", " ", raw)])
        except Exception:  # noqa: BLE001 - keep the name policy.default read
            pairs = []
        if pairs and pairs[0][1].strip().strip("<>").lower() == address:
            name = decode_header_text(pairs[0][0], warnings) or name
    return name.strip('"'), address


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    found = []
    try:
        pairs = getaddresses([v.replace("\n", " ") for v in values])
    except Exception:  # noqa: BLE001 - deeply nested comments and the like: fall back to the pattern below
        pairs = []
    for name, address in pairs:
        address = address.strip().strip("<>").lower()[:998]
        if address:
            found.append((name.strip()[:998], address))
    if not found:  # malformed lists: pick out anything that looks like an address
        for value in values:
            found += [("", m.group(0).lower()[:998]) for m in _EMAIL.finditer(value[:HEADER_LIMIT])]
    return found


def _ids(value: str) -> list[str]:
    ids = re.findall(r"<([^<>\s]+)>", value)
    if not ids and value.strip():
        ids = [token for token in value.split() if "@" in token]
    return [i[:998] for i in ids]


def _classify(msg: EmailMessage, parsed: ParsedMessage, reports: list[str]) -> str:
    get = lambda name: _header(msg, name).lower()  # noqa: E731
    subject = parsed.subject
    sender = parsed.from_address
    return_path = get("return-path").strip("<> ")
    if reports or _DAEMON.match(sender) or get("x-failed-recipients") or (
            _BOUNCE_SUBJECT.search(subject) and (not return_path or _DAEMON.match(return_path) or _DAEMON.match(sender)
                                                 or "mail delivery" in parsed.from_name.lower())):
        return Kind.bounce
    auto = get("auto-submitted")
    if auto and auto != "no":
        return Kind.auto_reply
    if any(_has_header(msg, name) for name in ("x-autoreply", "x-autorespond", "x-autoresponder")):
        return Kind.auto_reply
    if get("precedence") in ("auto_reply", "auto-reply"):
        return Kind.auto_reply
    if "autoresponder" in get("x-post-messageclass") or get("x-ms-exchange-inbox-rules-loop"):
        return Kind.auto_reply
    if _OOF_SUBJECT.search(subject):
        return Kind.auto_reply
    if _OOF_BODY.search(parsed.text[:600]):
        return Kind.auto_reply
    return Kind.reply


def _read_delivery_status(text: str, parsed: ParsedMessage) -> None:
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


def _find_failed_recipient(msg: EmailMessage, parsed: ParsedMessage) -> None:
    if not parsed.failed_recipient:
        failed = _header(msg, "x-failed-recipients")
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


# --- parts --------------------------------------------------------------------------------

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
        attachments.append(Attachment(begin.group("name").strip(), data, _guess_type(begin.group("name"))))
        text = text[:begin.start()] + f"[attachment: {begin.group('name').strip()}]" + text[block_end:]


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _filename(part: EmailMessage, warnings: list[str]) -> str:
    name = None
    # The legacy parameter parser joins RFC 2231 continuations that policy.default garbles.
    for header in ("content-disposition", "content-type"):
        raw = next((value for key, value in getattr(part, "raw_items", lambda: [])() if key.lower() == header), None)
        if raw is None:
            continue
        raw = str(raw)
        if any("\udc80" <= c <= "\udcff" for c in raw):  # raw 8-bit bytes in the header
            raw = decode_text(raw.encode("utf-8", "surrogateescape"), None, warnings, "file name")
        legacy = LegacyMessage()
        legacy[header] = raw
        param = "filename" if header == "content-disposition" else "name"
        try:
            name = legacy.get_param(param, header=header)
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


def _tnef_attachments(data: bytes, warnings: list[str]) -> tuple[list[Attachment], str]:
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
            found.append(Attachment(str(name).strip("\x00") or "attachment", payload, _guess_type(str(name))))
    body = ""
    for value in (getattr(tnef, "body", None), getattr(tnef, "htmlbody", None)):
        if value:
            body = value.decode("cp1252", "replace") if isinstance(value, bytes) else str(value)
            break
    return found, body


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
            for name, address in _addresses(re.findall(r"^(?:from|to|reply-to):(.*)$", text, re.I | re.M)):
                self.parsed.returned_addresses.append(address)
            self.parsed.returned_message_ids += _ids(" ".join(re.findall(r"^message-id:(.*)$", text, re.I | re.M)))
            return
        data = _payload(part, self.warnings)
        lower_name = filename.lower()
        if ctype == "application/ms-tnef" or lower_name == "winmail.dat":
            found, body = _tnef_attachments(data, self.warnings)
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
        if lower_name.endswith(".msg") and data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and self.depth < 5:
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
        name = filename or f"{_safe_name(inner.subject) or 'attached message'}.eml"
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


def safe_filename(name: str) -> str:
    """A file name safe to store and show: no folders, no control characters, no leading dots."""
    name = str(name or "").encode("utf-8", "replace").decode("utf-8")
    name = re.sub(r"[\\/\x00-\x1f\x7f]", "_", name).strip().lstrip(".").strip()
    return name[:240] or "attachment"


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w .,()-]+", "_", text).strip()[:120]


def _message_tree(raw: bytes, warnings: list[str]) -> EmailMessage:
    try:
        return message_from_bytes(raw, policy=policy.default)
    except Exception as error:  # noqa: BLE001 - the lenient legacy parser reads what the new one refuses
        warnings.append(f"Read with the lenient parser ({type(error).__name__}).")
        return message_from_bytes(raw, policy=policy.compat32)


def _parse_tree(msg: EmailMessage, depth: int = 0) -> ParsedMessage:
    parsed = ParsedMessage()
    warnings = parsed.warnings
    message_id = _ids(_header(msg, "message-id", warnings))
    parsed.message_id = message_id[0] if message_id else None
    parsed.in_reply_to = (_ids(_header(msg, "in-reply-to", warnings)) or [""])[0]
    parsed.references = _ids(_header(msg, "references", warnings))
    sender = _sender(msg, warnings)
    if sender:
        parsed.from_name, parsed.from_address = sender
    for attribute, name in (("to", "to"), ("cc", "cc"), ("delivered_to", "delivered-to"),
                            ("x_original_to", "x-original-to"), ("reply_to", "reply-to")):
        setattr(parsed, attribute, list(dict.fromkeys(a for _, a in _addresses(_header_all(msg, name, warnings)))))
    parsed.subject = _header(msg, "subject", warnings)
    parsed.date = _read_date(_date_text(msg, warnings), warnings)

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
            _read_delivery_status(report, parsed)
        parsed.kind = _classify(msg, parsed, walker.reports)
        if parsed.kind == Kind.bounce:
            _find_failed_recipient(msg, parsed)
    except Exception as error:  # noqa: BLE001 - classifying is a nicety; the message is kept regardless
        warnings.append(f"Could not tell whether this is an auto-reply or a bounce ({type(error).__name__}).")
    parsed.warnings = list(dict.fromkeys(warnings))
    return parsed


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse an RFC 5322 message (bytes as received) into a ParsedMessage."""
    if not raw or not raw.strip():
        raise UnreadableMessage("the file is empty")
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
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
            setattr(parsed, attribute, _header(msg, name, parsed.warnings))
        message_id = _ids(_header(msg, "message-id", parsed.warnings))
        parsed.message_id = message_id[0] if message_id else None
        parsed.in_reply_to = (_ids(_header(msg, "in-reply-to", parsed.warnings)) or [""])[0]
        parsed.references = _ids(_header(msg, "references", parsed.warnings))
        sender = _sender(msg, parsed.warnings)
        if sender:
            parsed.from_name, parsed.from_address = sender
        for attribute, name in (("to", "to"), ("cc", "cc"), ("delivered_to", "delivered-to"),
                                ("x_original_to", "x-original-to")):
            setattr(parsed, attribute, list(dict.fromkeys(a for _, a in _addresses(_header_all(msg, name, parsed.warnings)))))
        parsed.date = _read_date(_date_text(msg, parsed.warnings), parsed.warnings)
    except Exception:  # noqa: BLE001
        parsed, body = ParsedMessage(), raw
    parsed.text = decode_text(body, None, parsed.warnings).replace("\r\n", "\n")
    parsed.warnings.insert(0, warning)
    return parsed


def _date_text(msg: EmailMessage, warnings: list[str]) -> str:
    """The Date header; as written when it has AM/PM, which the structured reader would drop."""
    raw = (_raw_values(msg, "date") or [""])[0]
    if has_clock_words(raw) and len(raw) <= STRUCTURED_HEADER_LIMIT:
        return " ".join(raw.split())
    return _header(msg, "date", warnings)


def _read_date(date_text: str, warnings: list[str]) -> datetime | None:
    if not date_text:
        return None
    when = None
    if not has_clock_words(date_text):  # the RFC 5322 reader drops AM/PM: such values go to the printed-date reader
        try:
            when = parsedate_to_datetime(date_text)
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
    if when is None:
        when = read_printed_date(date_text, "UTC")
    if when is None:
        warnings.append(f"The Date header {date_text[:200]!r} could not be read.")
        return None
    return when.astimezone(UTC)


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
        ids = _ids(str(getattr(msg, "messageId", "") or ""))
        parsed.message_id = ids[0] if ids else None
        if header is not None:
            parsed.in_reply_to = (_ids(decode_header_text(header.get("in-reply-to"))) or [""])[0]
            parsed.references = _ids(decode_header_text(header.get("references")))
        senders = _addresses([str(msg.sender or "")])
        if senders:
            parsed.from_name, parsed.from_address = senders[0]
        parsed.to = [a for _, a in _addresses([str(msg.to or "")])]
        parsed.cc = [a for _, a in _addresses([str(msg.cc or "")])]
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
                    parsed.attachments.append(Attachment(safe_filename(name), data_, _guess_type(str(name))))
                elif data_ is not None and hasattr(data_, "exportBytes"):
                    inner_name = f"{_safe_name(str(getattr(data_, 'subject', '') or name)) or 'attached message'}.msg"
                    inner_bytes = data_.exportBytes()
                    parsed.attachments.append(Attachment(safe_filename(inner_name), inner_bytes, "application/vnd.ms-outlook"))
                    if depth < MAX_DEPTH:
                        parsed.attachments += parse_outlook_msg(inner_bytes, depth + 1).attachments
            except Exception as error:  # noqa: BLE001 - one unreadable attachment never loses the message
                warnings.append(f"The attachment {safe_filename(name)} could not be read ({type(error).__name__}).")
        auto = ""
        if header is not None:
            auto = (header.get("auto-submitted") or "").lower()
        if auto and auto != "no" or _OOF_SUBJECT.search(parsed.subject):
            parsed.kind = Kind.auto_reply
        return parsed
    finally:
        try:
            msg.close()
        except Exception:  # noqa: BLE001
            pass


_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,60}:[ \t]?", re.M)
_KNOWN_HEADERS = re.compile(rb"^(from|to|subject|date|message-id|received|return-path|mime-version|"
                            rb"delivered-to|content-type|reply-to|x-[a-z0-9-]+|envelope-to):", re.I | re.M)


_BINARY_STARTS = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"II*\x00",
                  b"MM\x00*", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


def might_be_email(data: bytes) -> bool:
    """True when the bytes hold mail headers at all, even damaged (for a file named .eml, or an mbox piece)."""
    head = data[:65536].lstrip(b"\r\n\t \x00")
    if head.startswith(b"From ") and b"\n" in head:
        head = head.split(b"\n", 1)[1]
    if _HEADER_LINE.match(head):
        return True
    if head.startswith(_BINARY_STARTS):
        return False
    return bool(_KNOWN_HEADERS.search(head))


def looks_like_email(data: bytes) -> bool:
    """True when the bytes start like an RFC 5322 message (whatever the file is called)."""
    head = data[:65536].lstrip()
    if head.startswith(b"From ") and b"\n" in head:
        head = head.split(b"\n", 1)[1]
    if not _HEADER_LINE.match(head):
        return False
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    known = {m.group(1).lower() for m in _KNOWN_HEADERS.finditer(block)}
    return len(known) >= 2 or b"from" in known and len(block.splitlines()) >= 1 and (b"subject" in known or b"to" in known)


def looks_like_mbox(data: bytes) -> bool:
    """True for an mbox file: a "From " separator line first."""
    return bool(re.match(rb"From \S+ +\S", data[:200])) and looks_like_email(data)
