"""Test-wide setup: fast hashing, no lockouts (except where a test turns them on), named personas."""

import os

import pytest

from tests.world import World, build_world


def pytest_configure(config):
    # A test that needs PostgreSQL or Chromium skips on a laptop without them, but never in CI.
    config.kedja_ci = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
def world(db) -> World:
    """Two regions, each with a municipality, administration and school units, and one person per role."""
    return build_world()
