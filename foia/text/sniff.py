"""What bytes are, decided from the bytes themselves (never the sender's claim): a content type, the
reader a document needs, whether it is text, a zip to unpack, an email, an mbox or an Outlook message."""
from __future__ import annotations

import mimetypes
import posixpath
import re

#: The first bytes of an OLE compound file (Outlook .msg, old Office documents).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".htm": "text/html", ".html": "text/html",
               ".eml": "message/rfc822", ".md": "text/markdown", ".xml": "application/xml", ".json": "application/json"}


def sniff_type(data: bytes, filename: str = "") -> str:
    """The content type from the bytes (puremagic); for text, from the name; never the sender's claim."""
    import puremagic  # here, not at the top: the extraction child imports this module too

    extension = posixpath.splitext(filename.lower())[1]
    if data.startswith(b"%PDF-"):  # most of what agencies send: no need to try every signature
        return "application/pdf"
    if data:
        try:
            matches = puremagic.magic_string(data[:8192 * 4], filename or None)
        except (puremagic.PureError, ValueError, TypeError):
            matches = []
        for match in matches:
            mime = match.mime_type
            if mime:
                # Office files are zips inside: trust the name only between look-alike types.
                if mime in ("application/zip", "application/x-zip-compressed") and extension in (".docx", ".xlsx", ".pptx", ".odt", ".ods"):
                    return mimetypes.guess_type(filename)[0] or mime
                return mime
    if looks_textual(data):
        if extension in _TEXT_TYPES:
            return _TEXT_TYPES[extension]
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return "text/html"
        return "text/plain"
    return "application/octet-stream"


def looks_textual(data: bytes) -> bool:
    """Whether bytes read as text (UTF-8, or mostly printable in a legacy charset), judged on their start."""
    sample = data[:4096]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start > len(sample) - 4:  # a character cut at the sample's end
            return True
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 160 for b in sample)
    return printable / len(sample) > 0.9


def is_zip(data: bytes, filename: str = "") -> bool:
    """A zip archive to unpack (not an Office document, which is a zip too)."""
    if data[:4] != b"PK\x03\x04":
        return False
    return not filename.lower().endswith((".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub", ".jar", ".apk"))


def reader_kind(head: bytes, filename: str, content_type: str) -> str:
    """Which reader a file needs, from its first bytes: pdf, image, docx, html, text, not_pdf (called a PDF, is
    none) or other."""
    lowered = filename.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")) or (
            head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        if lowered.endswith(".docx") or "wordprocessingml" in content_type or b"word/" in head[:2048]:
            return "docx"
        return "other"
    if lowered.endswith(".pdf") or content_type == "application/pdf":
        return "not_pdf"
    if (b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
            and not content_type.startswith("text/")):
        return "other"
    sample = head[:2048].lstrip().lower()
    if ("html" in content_type or lowered.endswith((".html", ".htm"))
            or sample.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))):
        return "html"
    if content_type.startswith("text/") or lowered.endswith((".txt", ".csv", ".md", ".log", ".json", ".xml")):
        return "text"
    if content_type in ("", "application/octet-stream") and looks_textual(head):
        return "text"
    return "other"


_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,60}:[ \t]?", re.M)


_KNOWN_HEADERS = re.compile(rb"^(from|to|subject|date|message-id|received|return-path|mime-version|"
                            rb"delivered-to|content-type|reply-to|x-[a-z0-9-]+|envelope-to):", re.I | re.M)


_BINARY_STARTS = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", OLE_MAGIC[:4], b"II*\x00",
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
