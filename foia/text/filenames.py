"""File names safe to store and show, whatever the sender called a file."""
from __future__ import annotations

import mimetypes
import re


def safe_filename(name: str) -> str:
    """A file name safe to store and show: no folders, no control characters, no leading dots."""
    name = str(name or "").encode("utf-8", "replace").decode("utf-8")
    name = re.sub(r"[\\/\x00-\x1f\x7f]", "_", name).strip().lstrip(".").strip()
    return name[:240] or "attachment"


def safe_path(name: str) -> str:
    """A stored file name that may keep the folders it came in (a zip's), never leaving them ("..")."""
    parts = [safe_filename(p) for p in name.replace("\\", "/").split("/") if p.strip() not in ("", ".", "..")]
    return "/".join(parts)[-480:] or "file"


def name_from_subject(text: str) -> str:
    """A subject line as the stem of a file name."""
    return re.sub(r"[^\w .,()-]+", "_", text).strip()[:120]


def type_from_name(filename: str) -> str:
    """The content type a file name suggests (only where the bytes cannot tell)."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
