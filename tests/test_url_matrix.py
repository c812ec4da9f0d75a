"""The URL × role × tenant matrix (docs/security.md, "Who may see what").

Every URL pattern of the project has an entry in MATRIX saying how to reach it and who may. The test walks
the URLconf: a pattern without an entry, or an unnamed view, fails the suite. Each entry is requested as
anonymous and as every persona; the persona's answer must be what the entry says:
- allowed  → 200 for a page, 302 for a successful form post;
- a persona who can see the organisation but lacks the right → 403;
- anyone else (another organisation, another region) → 404, so existence is not revealed;
- anonymous → redirect to sign-in (public URLs: 200/302 for everyone).
Every response carries the security headers; every POST is refused without a CSRF token.
"""

import copy
import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from kedja.accounts.factories import verify_second_factor
from kedja.organisations.factories import make_user
from tests.matrix_base import EVERYONE, SIGNED_IN, Entry, membership_of, org_of, own_membership
from tests.world import PASSWORD, PERSONAS, World, open_invitation

TOKEN = "tok-open-invitation-0123456789"


SEES_SCHOOL = frozenset(
    {"regional_officer", "coordinator", "head_of_schools", "admin", "principal", "teacher", "reader"}
)

MATRIX: dict[str, Entry] = {
    "home:start": Entry("get", lambda w: [], SIGNED_IN),
    "home:switch": Entry("post", lambda w: [], SIGNED_IN, ok=302, data=own_membership),
    "accounts:login": Entry("get", lambda w: [], frozenset(), public=True, ok=302, anonymous=200),
    "accounts:logout": Entry(
        "post", lambda w: [], frozenset(), public=True, ok=302, anonymous=302, may_end_at_login=True
    ),
    "accounts:password_reset": Entry("get", lambda w: [], EVERYONE, public=True),
    "accounts:password_reset_done": Entry("get", lambda w: [], EVERYONE, public=True),
    "accounts:password_reset_confirm": Entry("get", lambda w: ["MQ", "bad-token"], EVERYONE, public=True),
    "accounts:password_reset_complete": Entry("get", lambda w: [], EVERYONE, public=True),
    "accounts:password_change": Entry("get", lambda w: [], SIGNED_IN),
    "accounts:account": Entry("get", lambda w: [], SIGNED_IN),
    "accounts:end_other_sessions": Entry("post", lambda w: [], SIGNED_IN, ok=302),
    "accounts:second_factor_setup": Entry("get", lambda w: [], SIGNED_IN),
    # Nobody in the world has a second factor yet: verify sends them to set-up, remove back to the account
    "accounts:second_factor_verify": Entry("get", lambda w: [], SIGNED_IN, ok=302),
    "accounts:second_factor_remove": Entry("post", lambda w: [], SIGNED_IN, ok=302),
    "organisations:detail": Entry("get", org_of("school"), SEES_SCHOOL),
    "organisations:edit": Entry(
        "get", org_of("school"), frozenset({"admin"}), forbidden=SEES_SCHOOL - {"admin"}
    ),
    "organisations:members": Entry(
        "get",
        org_of("school"),
        frozenset({"regional_officer", "coordinator", "head_of_schools", "admin", "principal"}),
        forbidden=frozenset({"teacher", "reader"}),
    ),
    "organisations:members_xlsx": Entry(
        "get",
        org_of("school"),
        frozenset({"regional_officer", "coordinator", "head_of_schools", "admin", "principal"}),
        forbidden=frozenset({"teacher", "reader"}),
    ),
    "organisations:membership_edit": Entry(
        "get", membership_of("teacher"), frozenset({"admin"}), forbidden=SEES_SCHOOL - {"admin"}
    ),
    "organisations:membership_end": Entry(
        "post", membership_of("teacher"), frozenset({"admin"}), forbidden=SEES_SCHOOL - {"admin"}, ok=302
    ),
    "organisations:person_deactivate": Entry(
        "post",
        membership_of("teacher"),
        frozenset({"admin"}),
        forbidden=SEES_SCHOOL - {"admin"},
        ok=302,
        data=lambda w, p: {"confirm": "yes"},
    ),
    "organisations:invitation_revoke": Entry(
        "post",
        lambda w: [open_invitation(w, TOKEN).pk],
        frozenset({"admin"}),
        forbidden=SEES_SCHOOL - {"admin"},
        ok=302,
    ),
    "organisations:accept_invitation": Entry(
        "get", lambda w: [open_invitation(w, TOKEN) and TOKEN], EVERYONE, public=True
    ),
    "set_language": Entry(
        "post", lambda w: [], EVERYONE, public=True, ok=302, data=lambda w, p: {"language": "en"}
    ),
    "health": Entry("get", lambda w: [], EVERYONE, public=True),
    "home:site_page": Entry("get", lambda w: ["accessibility"], EVERYONE, public=True),
}
# Each app's own entries: tests/matrix_<app>.py with ENTRIES = {url name: Entry}
for _module in pkgutil.iter_modules(tests.__path__):
    if _module.name.startswith("matrix_") and _module.name != "matrix_base":
        MATRIX.update(importlib.import_module(f"tests.{_module.name}").ENTRIES)


def _walk(resolver: URLResolver, namespace: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from _walk(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            yield namespace, (f"{namespace}{p.name}" if p.name else None)


def project_url_names() -> list[str | None]:
    """Every URL pattern of Kedja itself; Django's admin is checked by test_admin_is_staff_only."""
    return [name for namespace, name in _walk(get_resolver()) if not namespace.startswith("admin:")]


def test_every_url_pattern_has_a_matrix_entry():
    names = project_url_names()
    assert None not in names, "every view must be named (unnamed views cannot be checked)"
    missing = sorted(set(names) - MATRIX.keys())
    stale = sorted(MATRIX.keys() - set(names))
    assert not missing, f"URLs missing from the access matrix: {missing}"
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}"


SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def _assert_headers(response):
    for header in SECURITY_HEADERS:
        assert header in response.headers, f"{header} missing"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def _request(client: Client, entry: Entry, url: str, w: World, persona: str):
    if entry.method == "get":
        return client.get(url)
    return client.post(url, entry.data(w, persona))


def _check(name: str, entry: Entry, url: str, w: World, persona: str) -> None:
    client = Client()
    if persona != "anonymous":
        assert client.login(username=w.people[persona].email, password=PASSWORD), "could not sign in"
        if entry.verified:
            verify_second_factor(client, w.people[persona])
    response = _request(client, entry, url, w, persona)
    _assert_headers(response)

    if persona == "anonymous":
        if entry.public:
            expected = entry.anonymous if entry.anonymous is not None else entry.ok
            assert response.status_code == expected, f"{name}: anonymous got {response.status_code}"
        else:
            assert response.status_code == 302, f"{name}: anonymous got {response.status_code}"
            assert response["Location"].startswith(reverse("accounts:login"))
        return
    if entry.public or persona in entry.allowed:
        expected = entry.ok
        assert response.status_code == expected, (
            f"{name}: {persona} got {response.status_code}, expected {expected}"
        )
        if response.status_code == 302 and not entry.may_end_at_login:
            assert not response["Location"].startswith(reverse("accounts:login")), (
                f"{name}: {persona} sent to sign-in"
            )
    elif persona in entry.forbidden:
        assert response.status_code == 403, f"{name}: {persona} got {response.status_code}, expected 403"
    else:
        assert response.status_code == 404, f"{name}: {persona} got {response.status_code}, expected 404"
    if response.status_code in (403, 404):
        body = response.content.decode()
        assert w.school.name not in body, f"{name}: refused answer to {persona} names the organisation"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(world, name):
    """The URL as anonymous and as every persona. The entry's objects are made once; each persona's
    request runs in a savepoint of its own that is rolled back, so what one persona's POST changes, the
    next never sees. Every persona is checked even after one fails, and each failure names URL and persona."""
    entry = MATRIX[name]
    url = reverse(name, args=entry.args(world))
    failures = []
    for persona in ("anonymous", *PERSONAS):
        try:
            with transaction.atomic():
                # A copy: what a helper caches on the world inside the savepoint must not outlive it
                _check(name, entry, url, copy.copy(world), persona)
                transaction.set_rollback(True)
        except AssertionError as error:
            failures.append(f"{name} as {persona}: {error}")
        except Exception as error:
            error.add_note(f"{name} as {persona}")
            raise
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.method == "post"))
def test_posts_are_refused_without_csrf_token(world, name):
    entry = MATRIX[name]
    w = world
    persona = next(iter(sorted(entry.allowed))) if entry.allowed else "admin"
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.people[persona])
    response = client.post(reverse(name, args=entry.args(w)), entry.data(w, persona))
    assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.method == "post"))
def test_posts_do_not_change_anything_on_get(world, name):
    entry = MATRIX[name]
    w = world
    client = Client()
    client.force_login(w.people["admin"])
    response = client.get(reverse(name, args=entry.args(w)))
    assert response.status_code in (405, 302) if name == "set_language" else response.status_code == 405


def test_admin_is_staff_only(world):
    w = world
    url = reverse("admin:index")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    member = Client()
    member.force_login(w.people["admin"])  # an organisation admin is not Django staff
    assert member.get(url).status_code == 302
    staff = Client()
    staff.force_login(make_user(is_staff=True, is_superuser=True))
    response = staff.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 200
    assert w.school.name in response.content.decode()
