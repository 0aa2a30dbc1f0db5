"""Whether bytes are an email, an mbox or an Outlook message, whatever the file is called."""
from __future__ import annotations

import re

#: The first bytes of an OLE compound file (Outlook .msg, old Office documents).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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
