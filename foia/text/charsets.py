"""Bytes to text: declared charsets that lie, unknown labels, mojibake, RFC 2047 headers."""
from __future__ import annotations

import codecs
import re
from email.header import decode_header

from charset_normalizer import from_bytes as detect_charset

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
    if data.startswith(codecs.BOM_UTF8) and not declared:  # a byte-order mark says UTF-8 whatever else might
        data = data[len(codecs.BOM_UTF8):]
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
