"""HTML as readable plain text (HTML-only mail, HTML documents), and HTML made safe to show."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
               "pre", "hr", "ul", "ol", "dt", "dd", "section", "article", "header", "footer", "title"}
#: Never text: code, styles, the head (a mail's <title> repeats its subject), templates.
_SKIPPED_TAGS = {"script", "style", "head", "template", "noscript"}


class _TextFromHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(re.sub(r"[ \t\r\n\xa0]+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text from HTML: blocks on lines of their own, runs of spaces as one, never raises."""
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
