"""Production mode (docs/security.md, "Production settings") and the shell's plumbing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kedja.organisations.factories import make_user

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    full_env = {**os.environ, **env}
    for leaked in (
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):  # set by pytest and the browser tests
        full_env.pop(leaked, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True
    )


PRODUCTION = {
    "KEDJA_ENV": "production",
    "SECRET_KEY": "x7#kq!vz0-production-test-key-that-is-long-and-random-enough-2026",
    "ALLOWED_HOSTS": "kedja.example",
}


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, KEDJA_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(
        "check",
        KEDJA_ENV="production",
        ALLOWED_HOSTS="kedja.example",
        SECRET_KEY="",
        KEDJA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_demo_data_is_refused_in_production(tmp_path):
    result = manage("demo", **PRODUCTION, KEDJA_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "refused in production" in result.stderr


@pytest.mark.db
@pytest.mark.django_db
def test_health_reports_database_ok():
    response = Client().get(reverse("health"))
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_htmx_request_that_needs_sign_in_gets_hx_redirect():
    response = Client().get(reverse("home:start"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_by_caches():
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("home:start"))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_swedish_is_the_default_and_other_languages_can_be_chosen(settings):
    settings.LANGUAGE_CODE = "sv"  # the shipped default (conftest switches tests to English)
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})  # the browser's language is not used
    assert client.get(reverse("accounts:login"))["Content-Language"] == "sv"
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert client.get(reverse("accounts:login"))["Content-Language"] == "nb"


@pytest.mark.db
@pytest.mark.django_db
def test_the_configured_database_is_the_one_in_use():
    """The PostgreSQL run really runs on PostgreSQL (DATABASE_URL), the default run on SQLite."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "sqlite")
    expected = "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"
    assert connection.vendor == expected
