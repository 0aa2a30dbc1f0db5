"""A person at a browser without the browser: cookies, links and forms over real HTTP (stdlib only).

It fills in a form the way a browser would: every field the page's form carries (hidden CSRF token,
pre-filled inputs, textareas, selected options), overridden by what the person types.
"""
from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Response:
    status: int
    url: str
    text: str


class _Forms(HTMLParser):
    """Every <form> of a page: its action and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: tuple[dict, str] | None = None
        self._select: tuple[dict, str] | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}, "choices": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[attrs["name"]] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = (fields, attrs["name"])
            fields[attrs["name"]] = ""
        elif tag == "select" and attrs.get("name"):
            self._select = (self.forms[-1], attrs["name"])
            self._first_option = None
        elif tag == "option" and self._select is not None:
            form, name = self._select
            form["choices"].setdefault(name, []).append(attrs.get("value", ""))
            self._option_value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = attrs.get("value", "")
            if "selected" in attrs:
                form["fields"][name] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            fields, name = self._textarea
            fields[name] += data
        if self._select is not None and getattr(self, "_option_value", None) is not None:
            form, name = self._select
            form.setdefault("labels", {}).setdefault(name, {})[data.strip()] = self._option_value

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option_value = None
        elif tag == "select" and self._select is not None:
            form, name = self._select
            if name not in form["fields"] and self._first_option is not None:
                form["fields"][name] = self._first_option
            self._select = None


class WebUser:
    """One person's cookies against a running foia, at `base_url`."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.url, answer.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, error.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Response:
        return self._open(urllib.request.Request(urllib.parse.urljoin(self.base_url + "/", path.lstrip("/"))))

    def post(self, path: str, fields: dict) -> Response:
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        url = urllib.parse.urljoin(self.base_url + "/", path.lstrip("/"))
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def forms(self, page: Response) -> list[dict]:
        parser = _Forms()
        parser.feed(page.text)
        return parser.forms

    def submit(self, path: str, action: str | None = None, fields: dict | None = None,
               choose: dict | None = None) -> Response:
        """Open `path`, fill in its form (the one posting to `action`, else to the page itself) and send it.

        `choose` picks select options by their visible label, as a person would.
        """
        page = self.get(path)
        assert page.status == 200, f"GET {path}: {page.status}"
        here = urllib.parse.urlparse(path).path
        wanted = action or here
        candidates = [f for f in self.forms(page)
                      if urllib.parse.urlparse(f["action"]).path == wanted or (not action and not f["action"])]
        assert candidates, f"no form {'to ' + action if action else ''} on {path}"
        form = candidates[0]
        values = dict(form["fields"])
        for name, label in (choose or {}).items():
            labels = form.get("labels", {}).get(name, {})
            assert label in labels, f"{label!r} is not offered in {name} on {path}: {sorted(labels)[:20]}"
            values[name] = labels[label]
        values.update(fields or {})
        return self.post(form["action"] or path, values)

    def register(self, email: str, password: str, name: str) -> Response:
        """Fill in the registration form; the account exists once the emailed link is opened."""
        answer = self.submit("/register", fields={"email": email, "display_name": name, "password": password,
                                                  "confirm": password})
        assert answer.status == 200 and "Check your inbox" in answer.text, f"registration failed: {text_of(answer.text)[:2000]}"
        return answer

    def log_in(self, email: str, password: str) -> Response:
        answer = self.submit("/login", fields={"email": email, "password": password})
        assert answer.status == 200 and "/login" not in answer.url, f"login failed: {text_of(answer.text)[:2000]}"
        return answer


def text_of(html: str) -> str:
    """The page's words without tags, whitespace collapsed (for asserting what a person reads)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
