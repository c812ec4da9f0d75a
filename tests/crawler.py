"""A crawler for the whole product as its people see it: sign in as a person (second factor included), follow
every link and every GET form the pages draw, and check each page reached.

Checks per page (`Page.problems`):
- the answer to a drawn link is 200 after redirects (a 4xx or 5xx from a link the product drew is a dead link);
- an HTML page has a <title> and an <h1>;
- nothing the strict Content-Security-Policy would block: inline <script> or <style>, style="" or on…=""
  attributes, javascript: URLs, scripts, styles or images from another origin;
- no English in the Swedish interface: no visible text (and no placeholder, title, aria-label or alt) that is
  a message id of Kedja's catalog left untranslated, and no common English word.

The crawl is bounded so it stays fast: each URL once, and at most `per_route` URLs per route and set of
query parameters (e.g. three initiative pages, not all of them) per person.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation

# Never followed: they end the session, belong to Django's own admin, or are files served as such.
SKIP_PREFIXES = ("/accounts/logout/", "/admin/", "/static/", "/media/", "/i18n/")
# English words that are not Swedish words: one of them in the Swedish interface is English text.
ENGLISH_WORDS = frozenset(
    """the and of not with your this that these those please select option scored none click here page error
    required field yes submit cancel delete edit view download back next previous save hide open close add
    remove search more less average missing unknown other from into about when where which what who why how
    there their they will would should could might cannot""".split()
)
# Routes whose answer is a file (PDF, Word, Excel, CSV, calendar): the URL matrix opens each of them for every
# role; the crawl does not make every document again.
FILE_ROUTE = re.compile(r"(_pdf|_docx|_xlsx|_csv|_ics|download|_file|export)$")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SPACE = re.compile(r"\s+")
ATTRIBUTES_READ = ("placeholder", "title", "aria-label", "alt")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]]


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    seconds: float = 0.0
    title: str = ""
    h1: int = 0
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[str] = []
        self.in_title = False
        self.form: Form | None = None
        self.select: tuple[str, list[str], str | None] | None = None  # name, options, selected
        self.foreign: list[str] = []  # open elements in another language (lang="en"): their text is meant

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base"}:
            self.stack.append(tag)
            if tag != "html" and a.get("lang") and not a["lang"].startswith("sv"):
                self.foreign.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.page.csp.append(f"<{tag} {name}=…> (inline event handler)")
            if name == "style":
                self.page.csp.append(f"<{tag} style=…> (inline style)")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.page.csp.append(f"<{tag} {name}=javascript:…>")
        for name in ATTRIBUTES_READ:
            if a.get(name) and tag != "meta":
                self.page.texts.append(a[name])
        if tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.page.h1 += 1
        elif tag == "script":
            if not a.get("src"):
                if (a.get("type") or "").lower() not in {"application/json", "application/ld+json"}:
                    self.page.csp.append("inline <script>")
            elif _foreign(a["src"]):
                self.page.csp.append(f"script from another origin: {a['src']}")
        elif tag == "style":
            self.page.csp.append("inline <style>")
        elif tag == "link" and "stylesheet" in (a.get("rel") or "") and _foreign(a.get("href") or ""):
            self.page.csp.append(f"stylesheet from another origin: {a.get('href')}")
        elif tag == "img" and _foreign(a.get("src") or "") and not (a.get("src") or "").startswith("data:"):
            self.page.csp.append(f"image from another origin: {a.get('src')}")
        elif tag == "a" and a.get("href") and a.get("download") is None:
            self.page.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "get":
            self.form = Form(action=a.get("action") or "", fields=[])
        elif tag == "input" and self.form is not None and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.form.fields.append((a["name"], a.get("value") or "on"))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.form.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and self.form is not None and a.get("name"):
            self.select = (a["name"], [], None)
        elif tag == "option" and self.select is not None:
            name, options, selected = self.select
            options.append(a.get("value") or "")
            if "selected" in a:
                self.select = (name, options, a.get("value") or "")

    def handle_endtag(self, tag):
        if self.foreign and self.foreign[-1] == tag:
            self.foreign.pop()
        if tag in self.stack:  # close it and any element left open inside it
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]
        if tag == "title":
            self.in_title = False
        elif tag == "form" and self.form is not None:
            self.page.forms.append(self.form)
            self.form = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, options, selected = self.select
            value = selected if selected is not None else (options[0] if options else "")
            self.form.fields.append((name, value))
            self.select = None

    def handle_data(self, data):
        if self.in_title:
            self.page.title += data
        if "script" in self.stack or "style" in self.stack or self.foreign:
            return
        text = _SPACE.sub(" ", data).strip()
        if text:
            self.page.texts.append(text)


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in {"http", "https"} and parts.netloc) or url.startswith("//")


def parse(url: str, status: int, content_type: str, body: str) -> Page:
    page = Page(url=url, status=status, content_type=content_type)
    if "html" in content_type:
        parser = _Parser(page)
        parser.feed(body)
        parser.close()
    return page


def untranslated(texts, catalog: dict[str, str]) -> list[str]:
    """The texts that are English: a catalog message id shown as it is although it has a translation, or a
    text with a common English word in it."""
    found = []
    for text in texts:
        if catalog.get(text) not in (None, text):
            found.append(text)
            continue
        if _SLUG.match(text):  # an identifier such as a framework's key, not prose
            continue
        words = {w.lower() for w in _WORD.findall(text) if not w.isupper()}
        if words & ENGLISH_WORDS:
            found.append(text)
    return found


def swedish_catalog() -> dict[str, str]:
    """Kedja's Swedish catalog as {message id: translation} (plural forms under their singular id)."""
    with translation.override("sv"):
        catalog = translation.trans_real.translation("sv")._catalog  # noqa: SLF001 — the loaded .mo
    result = {}
    for key, value in catalog.items():
        if isinstance(key, tuple):  # (msgid, plural index)
            if key[1] == 0:
                result[key[0]] = value
        elif key:
            result[key] = value
    return result


def route_of(path: str) -> tuple[str | None, str]:
    """The route pattern and the URL name of a path, or (None, "") when nothing answers it."""
    try:
        match = resolve(path)
    except Resolver404:
        return None, ""
    return match.route, match.url_name or ""


@dataclass
class Crawl:
    """One person's crawl: visited pages and every problem found, as readable lines."""

    person: str
    visited: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def crawl(client, person: str, *, start: str = "/", per_route: int = 2, limit: int = 1500) -> Crawl:
    """Follow every link and GET form from `start` with a signed-in Django test client (whose language
    cookie says Swedish)."""
    result = Crawl(person=person)
    catalog = swedish_catalog()
    queue: list[tuple[str, str]] = [(start, "(start)")]
    seen: set[str] = {start}
    per_key: Counter = Counter()
    while queue and len(result.visited) < limit:
        url, source = queue.pop(0)
        began = time.perf_counter()
        response = client.get(url, follow=True)
        took = time.perf_counter() - began
        content_type = response.get("Content-Type", "")
        body = response.content.decode("utf-8", "replace") if "html" in content_type else ""
        final = response.request["PATH_INFO"]
        page = parse(url, response.status_code, content_type, body)
        page.seconds = took
        result.visited.append(page)
        where = f"{url} (linked from {source})"
        if response.status_code != 200:
            result.problems.append(f"{response.status_code}: {where}")
            continue
        if "html" not in content_type:
            continue
        if final.startswith(("/accounts/login/", "/accounts/second-factor/")) and not url.startswith(
            "/accounts/"
        ):
            result.problems.append(f"sent to sign in again: {where}")
        if not page.title.strip():
            result.problems.append(f"no <title>: {where}")
        if page.h1 == 0:
            result.problems.append(f"no <h1>: {where}")
        for issue in page.csp:
            result.problems.append(f"CSP: {issue}: {where}")
        for text in untranslated(page.texts, catalog):
            result.problems.append(f"English: {text!r}: {where}")
        base = final
        targets = [urljoin(base, href) for href in page.links]
        for form in page.forms:
            action = urljoin(base, form.action) if form.action else base
            query = urlencode(form.fields)
            targets.append(f"{urlsplit(action).path}?{query}" if query else urlsplit(action).path)
        for target in targets:
            parts = urlsplit(target)
            if parts.scheme not in {"", "http", "https"} or (parts.netloc and parts.netloc != "testserver"):
                continue
            path = parts.path
            if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
                continue
            link = path + (f"?{parts.query}" if parts.query else "")
            if link in seen:
                continue
            route, name = route_of(path)
            if FILE_ROUTE.search(name):
                continue
            key = (
                route or path,
                tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})),
            )
            if per_key[key] >= per_route:
                continue
            per_key[key] += 1
            seen.add(link)
            queue.append((link, url))
    return result
