"""Cleaning text read from outside: what every database can store, and extracted text made uniform."""
from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable(text: str) -> str:
    """Text every database stores: no NUL characters, no unpaired surrogates."""
    text = text or ""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def normalized(text: str) -> str:
    """NFKC-normalised text with unix line ends, without NULs, control characters or lone surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():  # ASCII is already NFKC and has no surrogates
        text = unicodedata.normalize("NFKC", _SURROGATE.sub("\ufffd", text))
    # NFKC turns some characters into form feeds or NULs' neighbours; strip after normalising.
    text = _CONTROL.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
