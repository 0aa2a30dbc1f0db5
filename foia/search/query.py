"""One query language for every search backend: words, "exact phrases", OR, -exclude, prefix*.

The user's text is parsed into a small tree (never handed to an engine as is); each backend
translates the tree with bound values only. Parsing never raises: anything it cannot use is
dropped, and a query left with nothing to look for carries a friendly `problem` instead.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Longer input is cut here: nobody types more, and it bounds the work an engine is given.
MAX_INPUT_CHARS = 1000
#: At most this many words, phrases and prefixes in one query.
MAX_TERMS = 16
#: Words in one phrase beyond this are dropped.
MAX_PHRASE_WORDS = 12
#: A prefix shorter than this would match most of the index.
MIN_PREFIX_CHARS = 3
#: Longer words are not indexed by the engines, so they can never match.
MAX_WORD_CHARS = 40

NOTHING_TO_SEARCH = "Type a word or an \"exact phrase\" to search for."
TOO_VAGUE = "That query is too vague: add a word that is not excluded, or use a longer prefix (at least 3 letters before *)."

_WORD = re.compile(r"[^\W_]+")
#: Tokens of the surface syntax: a quoted phrase (closing quote optional), OR, or a bare chunk.
_TOKEN = re.compile(r'(?P<neg>-?)"(?P<phrase>[^"]*)"?|(?P<chunk>[^\s"]+)')


@dataclass(frozen=True)
class Word:
    """One word the text must contain; `prefix` matches every word starting with it."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must appear next to each other, in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one of these words or phrases."""

    options: tuple  # of Word | Phrase


@dataclass
class SearchQuery:
    """A parsed query: everything in `required` must match, nothing in `excluded` may."""

    text: str
    required: list = field(default_factory=list)  # Word | Phrase | AnyOf
    excluded: list = field(default_factory=list)  # Word | Phrase
    problem: str | None = None

    @property
    def is_searchable(self) -> bool:
        return self.problem is None and bool(self.required)

    def highlight_words(self) -> list[str]:
        """The words a person would expect to see marked in a snippet."""
        words: list[str] = []
        for clause in self.required:
            for item in clause.options if isinstance(clause, AnyOf) else (clause,):
                words.extend(item.words if isinstance(item, Phrase) else (item.text,))
        return list(dict.fromkeys(words))

    def describe(self) -> str:
        """The query as understood, in the query language (for "Searched for ...")."""
        parts = [_describe(clause) for clause in self.required]
        parts += ["-" + _describe(item) for item in self.excluded]
        return " ".join(parts)


def _describe(node) -> str:
    if isinstance(node, AnyOf):
        return " OR ".join(_describe(option) for option in node.options)
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    return node.text + ("*" if node.prefix else "")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))[:MAX_INPUT_CHARS]
    # Curly quotes count as quotes; control and private-use characters are noise.
    text = text.translate({0x201C: '"', 0x201D: '"', 0x201E: '"', 0x00AB: '"', 0x00BB: '"'})
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if len(w) <= MAX_WORD_CHARS]


def _atom(chunk: str, *, quoted: bool):
    """Turn one chunk of input into a Word, a Phrase or None (nothing searchable in it)."""
    if quoted:
        words = _words(chunk)[:MAX_PHRASE_WORDS]
        if not words:
            return None
        return Phrase(tuple(words)) if len(words) > 1 else Word(words[0])
    prefix = chunk.endswith("*")
    words = _words(chunk)
    if not words:
        return None
    if len(words) == 1:
        word = words[0]
        if prefix and len(word) < MIN_PREFIX_CHARS:
            return "vague"
        return Word(word, prefix=prefix)
    # "body-cam", "jane@agency.gov": the pieces next to each other, as the engines index them.
    return Phrase(tuple(words[:MAX_PHRASE_WORDS]))


def parse(text: str | None) -> SearchQuery:
    """Parse what a user typed; never raises."""
    raw = "" if text is None else str(text)
    query = SearchQuery(text=raw)
    tokens: list[tuple[str, object]] = []  # ("or", None) | ("atom", node) | ("not", node) | ("vague", None)
    for match in _TOKEN.finditer(_clean(raw)):
        if match.group("chunk") is not None:
            chunk = match.group("chunk")
            if chunk in ("OR", "|", "||"):
                tokens.append(("or", None))
                continue
            if chunk in ("AND", "&", "&&", "+"):
                continue  # words are ANDed anyway
            negated = chunk.startswith("-") and len(chunk) > 1
            if negated:
                chunk = chunk.lstrip("-")
            node = _atom(chunk, quoted=False)
        else:
            negated = bool(match.group("neg"))
            node = _atom(match.group("phrase"), quoted=True)
        if node == "vague":
            tokens.append(("vague", None))
        elif node is not None:
            tokens.append(("not" if negated else "atom", node))

    groups: list[list] = []
    pending_or = False
    saw_vague = False
    for kind, node in tokens:
        if kind == "or":
            pending_or = bool(groups)
            continue
        if kind == "vague":
            saw_vague = True
            pending_or = False
            continue
        if kind == "not":
            if node not in query.excluded:
                query.excluded.append(node)
            pending_or = False
            continue
        if pending_or and groups:
            if node not in groups[-1]:
                groups[-1].append(node)
        else:
            groups.append([node])
        pending_or = False

    terms = 0
    for group in groups:
        if terms >= MAX_TERMS:
            break
        group = group[:MAX_TERMS - terms]
        terms += len(group)
        clause = group[0] if len(group) == 1 else AnyOf(tuple(group))
        if clause not in query.required:
            query.required.append(clause)
    query.excluded = query.excluded[:MAX_TERMS]
    if query.required:
        return query
    query.problem = TOO_VAGUE if (saw_vague or query.excluded) else NOTHING_TO_SEARCH
    return query
