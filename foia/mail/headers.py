"""Reading a message's headers: values too long, raw 8-bit or unparseable, addresses, ids and the date."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from foia.text.charsets import decode_header_text
from foia.text.dates import has_clock_words, read_printed_date

_EMAIL = re.compile(r"[\w.+'=-]+@[\w-]+(\.[\w-]+)+")

#: Header values longer than this are read as written (the structured parser is slow on them) and cut.
STRUCTURED_HEADER_LIMIT = 8 * 1024
HEADER_LIMIT = 64 * 1024


def _raw_headers(msg: EmailMessage) -> dict[str, list[str]]:
    """The message's headers as written, by lower-cased name: read once per message (the parser and the
    classifier ask for some twenty headers, most of them absent), kept on the message, which parsing
    never changes."""
    index = getattr(msg, "_foia_raw_headers", None)
    if index is None:
        index = {}
        items = msg.raw_items() if hasattr(msg, "raw_items") else msg.items()
        for key, raw in items:
            index.setdefault(key.lower(), []).append(str(raw))
        msg._foia_raw_headers = index
    return index


def raw_values(msg: EmailMessage, name: str) -> list[str]:
    """Every value of a header as written, undecoded."""
    try:
        return list(_raw_headers(msg).get(name.lower(), ()))
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


def header(msg: EmailMessage, name: str, warnings: list[str] | None = None) -> str:
    """The first value of a header as clean text ("" when absent)."""
    values = header_all(msg, name, warnings)
    return values[0] if values else ""


def header_all(msg: EmailMessage, name: str, warnings: list[str] | None) -> list[str]:
    """Every value of a header as clean text."""
    raws = raw_values(msg, name)
    structured: list = [None] * len(raws)
    if raws and all(len(raw) <= STRUCTURED_HEADER_LIMIT for raw in raws):
        try:
            values = msg.get_all(name) or []
            if len(values) == len(raws):
                structured = values
        except Exception:  # noqa: BLE001 - a header policy.default cannot parse: read it raw
            pass
    return [_read_header_value(msg, name, raw, value, warnings) for raw, value in zip(raws, structured)]


def has_header(msg: EmailMessage, name: str) -> bool:
    """Whether the header is present at all (even empty)."""
    try:
        return name.lower() in _raw_headers(msg)
    except Exception:  # noqa: BLE001
        return name in msg


def sender(msg: EmailMessage, warnings: list[str] | None) -> tuple[str, str] | None:
    """The first From name and address. The name is decoded from the raw header: policy.default puts a
    space between adjacent encoded words folded across lines ("Informaç ão"), which RFC 2047 forbids."""
    senders = addresses(header_all(msg, "from", warnings))
    if not senders:
        return None
    name, address = senders[0]
    raw = (raw_values(msg, "from") or [""])[0]
    if "=?" in raw and len(raw) <= STRUCTURED_HEADER_LIMIT:
        try:
            pairs = getaddresses([re.sub(r"\r?\n[ \t]+", " ", raw)])
        except Exception:  # noqa: BLE001 - keep the name policy.default read
            pairs = []
        if pairs and pairs[0][1].strip().strip("<>").lower() == address:
            name = decode_header_text(pairs[0][0], warnings) or name
    return name.strip('"'), address


def addresses(values: list[str]) -> list[tuple[str, str]]:
    """(name, lower-cased address) pairs from address headers, even malformed ones."""
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


def message_ids(value: str) -> list[str]:
    """The Message-IDs in a header value, without angle brackets."""
    ids = re.findall(r"<([^<>\s]+)>", value)
    if not ids and value.strip():
        ids = [token for token in value.split() if "@" in token]
    return [i[:998] for i in ids]


def date_text(msg: EmailMessage, warnings: list[str]) -> str:
    """The Date header; as written when it has AM/PM, which the structured reader would drop."""
    raw = (raw_values(msg, "date") or [""])[0]
    if has_clock_words(raw) and len(raw) <= STRUCTURED_HEADER_LIMIT:
        return " ".join(raw.split())
    return header(msg, "date", warnings)


def read_date(text: str, warnings: list[str]) -> datetime | None:
    """The Date header's instant in UTC, RFC 5322 or printed ("3:15 PM"); None with a warning when unreadable."""
    if not text:
        return None
    when = None
    if not has_clock_words(text):  # the RFC 5322 reader drops AM/PM: such values go to the printed-date reader
        try:
            when = parsedate_to_datetime(text)
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
    if when is None:
        when = read_printed_date(text, "UTC")
    if when is None:
        warnings.append(f"The Date header {text[:200]!r} could not be read.")
        return None
    return when.astimezone(UTC)
