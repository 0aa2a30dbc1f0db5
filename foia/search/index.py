"""What every search backend shares: the indexed item, filters and hits (the factory is search.backends)."""
from __future__ import annotations

import html
import re
import socket
from dataclasses import dataclass, field
from datetime import date, datetime

#: Private-use characters the engines put around highlighted words; escaped text never contains them.
MARK_START = "\ue000"
MARK_END = "\ue001"

DOC_TYPES = {
    "pdf": "PDF",
    "word": "Word document",
    "text": "Text",
    "html": "Web page",
    "image": "Image",
    "email": "Email",
    "other": "Other file",
}


def doc_type_of(content_type: str) -> str:
    """The short document type searched by (pdf, word, text, html, image, email, other)."""
    content_type = (content_type or "").lower()
    if content_type == "application/pdf":
        return "pdf"
    if "wordprocessingml" in content_type or content_type in ("application/msword", "application/rtf"):
        return "word"
    if content_type == "text/html":
        return "html"
    if content_type.startswith("text/"):
        return "text"
    if content_type.startswith("image/"):
        return "image"
    if content_type in ("message/rfc822", "application/vnd.ms-outlook", "application/mbox"):
        return "email"
    return "other"


@dataclass
class IndexItem:
    """One page or message body, as the indexes store it."""

    kind: str  # page | message
    item_id: int
    document_id: int | None
    request_id: int | None
    agency_id: int | None
    page: int | None
    filename: str
    sender: str
    date: datetime | None
    doc_type: str
    text: str
    #: Who may find it: access.content_scope.
    scope: int = 0

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item_id}"


@dataclass
class IndexBatch:
    """What one indexer run changes: items to (re)write, items and whole documents to drop first."""

    upserts: list[IndexItem] = field(default_factory=list)
    deleted: list[tuple[str, int]] = field(default_factory=list)
    replaced_documents: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.upserts) + len(self.deleted) + len(self.replaced_documents)


@dataclass
class SearchFilters:
    """Narrowing a search; every field is optional."""

    request_id: int | None = None
    agency_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sender: str = ""
    doc_type: str = ""

    def is_empty(self) -> bool:
        return not (self.request_id or self.agency_id or self.date_from or self.date_to
                    or self.sender.strip() or self.doc_type)


@dataclass
class EngineHit:
    """One matching page or message as an engine returns it (the database is asked again before showing)."""

    kind: str
    item_id: int
    document_id: int | None
    request_id: int | None
    page: int | None
    score: float
    snippet: str  # HTML: escaped text with <mark> around the matched words


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit]
    #: The hits' rows as search.services reads them to show them ({"page": {id: row}, "message": {id: row}}),
    #: when the engine read them in its own query (PostgreSQL: one round trip less); None: services reads them.
    rows: dict | None = None


def marked_html(text: str) -> str:
    """Escape text whose highlights are wrapped in MARK_START/MARK_END, then mark them with <mark>."""
    escaped = html.escape(text, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


#: Han, kana and Hangul: written without spaces between words (the Tantivy tokenizer's \p{Han} etc.).
UNSPACED_CHARS = ("\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9d"
                  "\U00020000-\U0003134f")
_UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
#: Between a CJK character and a letter or digit (CJK or not): where spacing puts one space.
_UNSPACED_GAP = re.compile(rf"(?<=[{UNSPACED_CHARS}])(?=\w)|(?<=\w)(?=[{UNSPACED_CHARS}])")


def has_unspaced(text: str) -> bool:
    """Whether the text has characters of a script written without spaces (Chinese, Japanese, Korean)."""
    return _UNSPACED.search(text) is not None


def space_unspaced(text: str, gap: str = " ") -> str:
    """Each Chinese, Japanese or Korean character as a word of its own, for engines that split on spaces
    (or on `gap`, a character the engine takes for a space)."""
    return _UNSPACED_GAP.sub(gap, text) if has_unspaced(text) else text


def indexable_text(text: str | None) -> str:
    """Text safe for every engine: no NULs, no highlight markers."""
    return (text or "").replace("\x00", " ").replace(MARK_START, " ").replace(MARK_END, " ")


def index_name(path) -> str:
    """The watermark name of a local index: this host and its folder."""
    return f"{socket.gethostname()}:{path}"
