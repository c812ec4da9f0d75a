"""Test-wide setup: fast hashing, no lockouts (except where a test turns them on), named personas."""

import copy
import os

import pytest
from django.db import transaction
from django.test import override_settings

from tests.tools import refresh_planner_statistics
from tests.world import World, build_world

# Fixtures and markers that make pytest-django run a test as a TransactionTestCase (it commits, and the
# database is emptied after it): a module with such a test cannot hold a world in an open transaction.
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}
SHARED_WORLD = "_module_world"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHARED_MODULES = pytest.StashKey[set[str]]()


def pytest_configure(config):
    # A test that needs PostgreSQL or Chromium skips on a laptop without them, but never in CI.
    config.kedja_ci = os.environ.get("CI", "").lower() == "true"


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """A module whose tests use the world builds it once and shares it (see `world`). Every test of such a
    module then sees it — the ones that do not ask for it too — so what a test sees does not depend on
    the order the tests run in or on how xdist spreads them over workers."""
    modules: dict[str, list] = {}
    for item in items:
        if getattr(item, "module", None) is not None:
            modules.setdefault(item.module.__name__, []).append(item)
    shared = config.stash.setdefault(SHARED_MODULES, set())
    for name, module_items in modules.items():
        if any("world" in item.fixturenames for item in module_items) and not any(
            _commits(item) for item in module_items
        ):
            shared.add(name)
            for item in module_items:
                if SHARED_WORLD not in item.fixturenames:
                    # First, so it is set up before the test's own transaction opens (several items of a
                    # parametrised test share one list, hence the check above).
                    item.fixturenames.insert(0, SHARED_WORLD)


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker):
    """The world, built once per module inside a transaction that is rolled back after the module's last
    test; each test runs in a savepoint inside it (pytest-django's TestCase), so nothing a test changes
    reaches the next one. None in a module where some test commits: there `world` builds one per test."""
    if request.module.__name__ not in request.config.stash.get(SHARED_MODULES, set()):
        yield None
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's TestCase.setUpTestData: a durable block may open inside
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                shared = build_world()
            refresh_planner_statistics()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield shared
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AXES_ENABLED = False
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests read the English source strings; that Swedish is the product's default is tested on its own
    # (tests/test_deploy.py), and the browser journeys look labels up in the page's language.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never touch the network: a Kolada client built without a transport gets one that refuses, so a
    view or task that would fetch for real fails loudly instead (tests pass a FakeTransport)."""
    from kedja.kolada import client

    def refuse(url, params, **kwargs):
        raise client.KoladaUnavailable(f"The network is off in tests ({url})")

    monkeypatch.setattr(client, "urllib_transport", refuse)


@pytest.fixture
def world(_module_world, db) -> World:
    """Two regions, each with a municipality, administration and school units, and one person per role.

    Built once per module and rolled back after it; each test gets its own copy of the objects, so what a
    test changes in memory (or caches on the world, as the matrix helpers do) stays with it."""
    if _module_world is None:
        return build_world()
    return copy.deepcopy(_module_world)
