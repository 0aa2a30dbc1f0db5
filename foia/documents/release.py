"""Finding the emails inside a released PDF: printouts whose From/Sent/To/Subject blocks repeat down the pages."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from foia.text.dates import read_printed_date

from foia.config import DEFAULT_TIMEZONE

_HEADER = re.compile(r"^\s*(from|sent|date|to|cc|bcc|subject|importance|attachments)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_RECIPIENT_FIELDS = {"to", "cc", "bcc"}
#: Every email block has a From line: a page without one has no block to look for.
_FROM_COLON = re.compile(r"from\s*:")
#: A header block is an email when it has From and at least this many of Sent/Date, To, Subject.
MIN_OTHER_FIELDS = 2
#: Lines of text above a header block that still count as "top of the page" (Bates numbers, page headers).
TOP_OF_PAGE_LINES = 1


@dataclass
class FoundMessage:
    """An email found in the text of a released PDF."""

    sender: str
    recipients: str
    sent_at: datetime | None
    sent_text: str
    subject: str
    page_start: int
    page_end: int


def parse_sent(text: str, timezone: str = DEFAULT_TIMEZONE) -> datetime | None:
    """A printed Sent/Date value as a UTC datetime; a time without a zone is taken as `timezone`."""
    return read_printed_date(text, timezone)


@dataclass
class _Block:
    page: int
    top_of_page: bool
    fields: dict


def _blocks_on_page(number: int, text: str) -> list[_Block]:
    lines = text.split("\n")
    blocks: list[_Block] = []
    content_before = 0
    index = 0
    while index < len(lines):
        match = _HEADER.match(lines[index])
        if not match:
            if lines[index].strip():
                content_before += 1
            index += 1
            continue
        start_content = content_before
        fields: dict[str, str] = {}
        last = None
        scan = index
        while scan < len(lines):
            line = lines[scan]
            header = _HEADER.match(line)
            if header:
                name = header.group(1).lower()
                name = "sent" if name == "date" else name
                if name in fields and name != last:
                    break  # a second From: starts the next message
                value = header.group(2)
                if not value and scan + 1 < len(lines) and not _HEADER.match(lines[scan + 1]):
                    value = lines[scan + 1].strip()  # label and value on separate lines
                    scan += 1
                fields[name] = (fields.get(name, "") + " " + value).strip() if name == last else value
                last = name
            elif last in _RECIPIENT_FIELDS and line.strip() and re.search(r"[@;,]", line) and not line.startswith(" " * 8):
                fields[last] += " " + line.strip()  # a wrapped recipient list
            else:
                break
            scan += 1
        others = sum(1 for name in ("sent", "to", "subject") if name in fields)
        if "from" in fields and others >= MIN_OTHER_FIELDS:
            blocks.append(_Block(page=number, top_of_page=start_content <= TOP_OF_PAGE_LINES, fields=fields))
        content_before += scan - index
        index = max(scan, index + 1)
    return blocks


def _has_from_line(text: str) -> bool:
    """Whether a line of the page starts with "From:" (any case).

    Faster than one case-blind multi-line regex, which tries every character of the page: the lowered
    page is searched for its literal "from", and only a hit's line is looked at."""
    lowered = text.lower()
    for match in _FROM_COLON.finditer(lowered):
        if not lowered[lowered.rfind("\n", 0, match.start()) + 1:match.start()].strip():
            return True
    return False


def split_release(pages: list[str], timezone: str = DEFAULT_TIMEZONE) -> list[FoundMessage]:
    """The emails printed in a document, in order, each with the pages it covers."""
    blocks = [block for number, text in enumerate(pages, start=1) if _has_from_line(text)
              for block in _blocks_on_page(number, text)]
    found = []
    for position, block in enumerate(blocks):
        if position + 1 < len(blocks):
            following = blocks[position + 1]
            end = following.page - 1 if following.top_of_page else following.page
        else:
            end = len(pages)
        fields = block.fields
        sent_text = fields.get("sent", "")[:200]
        found.append(FoundMessage(
            sender=fields["from"][:500],
            recipients="; ".join(part for part in (fields.get("to", ""), fields.get("cc", "")) if part),
            sent_at=parse_sent(sent_text, timezone),
            sent_text=sent_text,
            subject=fields.get("subject", ""),
            page_start=block.page,
            page_end=max(block.page, end),
        ))
    return found
