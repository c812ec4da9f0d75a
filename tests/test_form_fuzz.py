"""Every form answers bad input with a message, never a server error (docs/security.md; Hypothesis).

The forms are found, not listed: every page of the URL matrix is opened as a persona who may use it and
every POST form on it (method="post" or hx-post) is collected with its field names; the matrix's POST-only
URLs are added with the fields their entries send. Hypothesis then fills the fields with hostile values —
long strings, NUL, invalid UTF-8, huge and negative numbers, impossible dates, ids of another region's
objects — and posts them. The test counts answers of 500 and more; there must be none. Each form runs in a
savepoint that is rolled back, so one form's examples do not change what the next form sees.

Examples per form: KEDJA_FUZZ_EXAMPLES (default 20; 500 per form takes about an hour on a shared 2-core
machine). The figure is printed: "F forms × N examples = R requests; S server errors".
"""

import copy
import os
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedja.accounts.factories import verify_second_factor
from tests.test_url_matrix import MATRIX
from tests.world import build_world

# A sweep over the whole site: `make test` runs it, `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("KEDJA_FUZZ_EXAMPLES", "20"))
SKIP_FIELDS = {"csrfmiddlewaretoken"}
FORM = "application/x-www-form-urlencoded"
# Signing out, switching language and ending sessions only end or change the session the test works in.
SKIP_URLS = {"accounts:logout", "set_language", "accounts:end_other_sessions", "accounts:login"}
PREFERRED = ("admin", "regional_officer", "coordinator", "principal", "head_of_schools", "teacher", "partner")


class FormParser(HTMLParser):
    """The POST forms of a page: (action, {field name: kind}); kind is the input type, "select" or
    "textarea"."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: tuple[str, dict[str, str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("hx-post") or (attrs.get("action") if method == "post" else None)
            if method == "post" or attrs.get("hx-post"):
                self._current = (action or "", {})
                self.forms.append(self._current)
            return
        if self._current is None or tag not in ("input", "select", "textarea", "button"):
            return
        name = attrs.get("name")
        if name and name not in SKIP_FIELDS:
            kind = attrs.get("type", "text") if tag == "input" else tag
            self._current[1].setdefault(name, kind)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hostile(other_ids: list[int]):
    """The values a form must survive."""
    ids = [str(i) for i in other_ids] or ["1"]
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s + "\x00" + s),
        st.sampled_from(["x" * 100_000, "å" * 5_000, "\x00", "", " ", "<script>alert(1)</script>", "=1+1"]),
        st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28", b"abc\xe2\x82", b"\xed\xa0\x80"]),  # invalid UTF-8
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(
            [str(2**63), str(2**64), "9" * 5000, "-1", "-9223372036854775809", "1e309", "NaN", "-0", "0x10"]
        ),
        st.sampled_from(
            ["2026-02-30", "0000-00-00", "9999-99-99", "2026-13-01", "31/31/2026", "10000-01-01"]
        ),
        st.sampled_from(["25:61", "24:00", "-1:00"]),
        st.sampled_from(ids),
    )


def _body(fields: dict[str, str], values: list) -> tuple[bytes, str]:
    pairs = []
    for (name, kind), value in zip(fields.items(), values, strict=True):
        if kind == "file":
            continue
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        pairs.append((name, raw))
    return urlencode(pairs).encode("ascii"), "application/x-www-form-urlencoded"


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _persona(entry) -> str | None:
    allowed = [p for p in PREFERRED if p in entry.allowed]
    return allowed[0] if allowed else None


def _client(w, entry, persona) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(w.people[persona])
    if entry.verified:
        verify_second_factor(client, w.people[persona])
    return client


def forms_of(w, name, entry) -> list[tuple[str, str, str, dict[str, str]]]:
    """(url name it posts to, URL, persona, fields) of every form the entry's page shows (for a POST-only
    URL: the fields its matrix entry sends). Objects the entry needs are made here."""
    persona = _persona(entry)
    if name in SKIP_URLS or entry.public or persona is None:
        return []
    url = reverse(name, args=entry.args(w))
    if entry.method == "post":
        return [(name, url, persona, {key: "text" for key in entry.data(w, persona)} or {"_": "text"})]
    response = _client(w, entry, persona).get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode("utf-8", "replace"))
    found = []
    for action, fields in parser.forms:
        target = action or url
        target_name = _url_name(target)
        if fields and target_name is not None and target_name not in SKIP_URLS:
            found.append((target_name, target, persona, fields))
    return found


def fuzz(w, target_name, url, persona, fields, other_ids, errors) -> int:
    """Post EXAMPLES generated fillings of the form; server errors go to `errors`. Returns the requests."""
    entry = MATRIX.get(target_name) or next(iter(MATRIX.values()))
    client = _client(w, entry, persona)
    names = list(fields)
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=st.lists(hostile(other_ids), min_size=len(names), max_size=len(names)))
    def post(values):
        nonlocal sent
        body, content_type = _body(fields, values)
        response = client.post(url, body, content_type=content_type)
        sent += 1
        if response.status_code >= 500:
            shown = {n: (v if isinstance(v, bytes) else v[:60]) for n, v in zip(names, values, strict=True)}
            errors.append(f"{target_name} {url} as {persona}: {response.status_code} for {shown}")

    post()
    return sent


@pytest.mark.django_db
def test_no_form_answers_hostile_input_with_a_server_error():
    w = build_world()
    other_ids = [
        w.other_region.pk,
        w.other_municipality.pk,
        w.other_school_far.pk,
        w.people["outsider"].pk,
        w.membership("outsider").pk,
    ]
    seen: set[tuple[str, frozenset]] = set()
    errors: list[str] = []
    requests = 0
    for name, entry in sorted(MATRIX.items()):
        with transaction.atomic():  # each page's objects and each form's changes are rolled back
            page_world = copy.copy(w)  # matrix helpers cache what they make on the world: not past a rollback
            for target_name, url, persona, fields in forms_of(page_world, name, entry):
                key = (target_name, frozenset(fields))
                if key in seen:
                    continue
                seen.add(key)
                with transaction.atomic():
                    requests += fuzz(page_world, target_name, url, persona, fields, other_ids, errors)
                    transaction.set_rollback(True)
            transaction.set_rollback(True)
    print(f"{len(seen)} forms × {EXAMPLES} examples = {requests} requests; {len(errors)} server errors")
    assert len(seen) >= 40, f"only {len(seen)} forms found: the page walk is broken"
    assert not errors, "\n".join(errors[:20])


OUT_OF_RANGE = (str(2**63), str(2**64 + 5), "-9223372036854775809", "9" * 5000)


@pytest.mark.db  # SQLite raises OverflowError, PostgreSQL a numeric range error
@pytest.mark.django_db
def test_ids_beyond_what_a_column_holds_are_refused_in_every_form():
    """Every field of every form set to 2^63 and beyond (the editors' multi-selects raised OverflowError on
    SQLite): each form answers with a message or a refusal, never a server error."""
    w = build_world()
    seen, errors, editors = set(), [], set()
    for name, entry in sorted(MATRIX.items()):
        with transaction.atomic():
            page_world = copy.copy(w)
            for target_name, url, persona, fields in forms_of(page_world, name, entry):
                if (target_name, frozenset(fields)) in seen:
                    continue
                seen.add((target_name, frozenset(fields)))
                client = _client(page_world, MATRIX.get(target_name, entry), persona)
                for value in OUT_OF_RANGE:
                    with transaction.atomic():
                        response = client.post(
                            url, _body(fields, [value] * len(fields))[0], content_type=FORM
                        )
                        transaction.set_rollback(True)
                    if response.status_code >= 500:
                        errors.append(f"{target_name} {url}: {response.status_code} for {value[:25]}")
                if any(kind in ("select", "checkbox") for kind in fields.values()):
                    editors.add(target_name)
            transaction.set_rollback(True)
    print(f"{len(seen)} forms × {len(OUT_OF_RANGE)} out-of-range ids; {len(errors)} server errors")
    assert {"calls:edit", "initiatives:edit", "followup:group_edit"} <= editors, sorted(editors)
    assert not errors, "\n".join(errors)


def test_the_form_parser_finds_post_and_htmx_forms():
    parser = FormParser()
    parser.feed(
        '<form method="get"><input name="q"></form>'
        '<form method="post" action="/a/"><input type="hidden" name="csrfmiddlewaretoken">'
        '<input name="title"><select name="owner"></select><textarea name="body"></textarea></form>'
        '<form hx-post="/b/"><input type="checkbox" name="done"></form>'
    )
    assert parser.forms == [
        ("/a/", {"title": "text", "owner": "select", "body": "textarea"}),
        ("/b/", {"done": "checkbox"}),
    ]
    assert re.fullmatch(r"[\w%+.*-]*", _body({"a": "text"}, [b"\xff"])[0].decode().split("=")[1])
