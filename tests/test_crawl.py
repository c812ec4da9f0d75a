"""Every page a demo person reaches, by following the links and GET forms the product draws (tests/crawler.py):
no dead link, a <title> and an <h1> on every page, nothing the CSP blocks, no English in the Swedish interface.

The demo world is built once for the module inside a transaction that is rolled back at the end. Each person
signs in through the sign-in form, with the second factor where they have one, and the crawl starts at the
start page. The number of pages visited per person is printed (run with -s to see it).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from kedja.organisations.demo import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_SECOND_FACTOR, DEMO_TOTP_SECRET

from .crawler import crawl
from .tools import refresh_planner_statistics

# A sweep over the whole site: `make test` runs it, `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

PEOPLE = (
    "regionutvecklare",
    "region.skane",
    "samordnare",
    "skolchef",
    "kvalitet",
    "rektor",
    "larare",
    "politiker",
    "partner",
    "admin",
    "granskare",
)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    # The same fast password hasher as the function-scoped test settings (conftest.py), which are not yet
    # in force for a module-scoped fixture.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        with transaction.atomic():
            call_command("demo", stdout=StringIO())
            refresh_planner_statistics()
            yield
            transaction.set_rollback(True)


def signed_in(name: str) -> Client:
    from base64 import b32decode

    from django_otp.oath import totp

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"  # as the language switch sets it
    response = client.post(
        reverse("accounts:login"), {"username": f"{name}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, f"{name} could not sign in"
    if name in DEMO_SECOND_FACTOR:
        code = f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"
        response = client.post(reverse("accounts:second_factor_verify"), {"code": code})
        assert response.status_code == 302, f"{name}'s second factor was refused"
    return client


@pytest.mark.django_db  # also tells pytest-django to set up the test database for the module fixture
@pytest.mark.parametrize("name", PEOPLE)
def test_every_page_a_person_reaches_opens_and_is_swedish(demo_world, name):
    result = crawl(signed_in(name), name)
    seconds = sum(p.seconds for p in result.visited)
    print(
        f"\n{name}: {len(result.visited)} pages visited in {seconds:.1f} s, {len(result.problems)} problems"
    )
    report = Path(settings.BASE_DIR) / "test-results" / "crawl" / f"{name}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        "\n".join([f"{p.seconds:6.3f} {p.url}" for p in result.visited] + ["", *sorted(set(result.problems))])
        + "\n"
    )
    assert len(result.visited) > 5, f"{name} reached almost nothing: {[p.url for p in result.visited]}"
    assert not result.problems, f"{name}: {len(result.problems)} problems\n" + "\n".join(
        sorted(set(result.problems))[:200]
    )
