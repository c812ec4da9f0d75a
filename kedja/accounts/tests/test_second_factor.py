"""The second factor (TOTP): the decorator that guards student-level pages, setting up, checking, replacing,
removing and resetting (docs/security.md, "Second factor"; ASVS 6.3.3)."""

import re
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxMiddleware
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kedja.accounts import second_factor
from kedja.accounts.factories import (
    code_for,
    current_code,
    key_from_secret,
    make_device,
    verify_second_factor,
)
from kedja.accounts.forms import CodeForm
from kedja.accounts.models import SecurityEvent, UserSession
from kedja.accounts.second_factor import second_factor_required
from kedja.organisations.factories import make_user

PASSWORD = "correct-horse-battery-9"
SETUP = reverse("accounts:second_factor_setup")
VERIFY = reverse("accounts:second_factor_verify")
REMOVE = reverse("accounts:second_factor_remove")
ACCOUNT = reverse("accounts:account")

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def signed_in(user) -> Client:
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )
    # Signing in sets the person's language (Swedish by default); these tests read the English source.
    client.cookies["django_language"] = "en"
    return client


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code the device does not accept now (its tolerance is one step either way)."""
    accepted = {f"{totp(device.bin_key, drift=d):06d}" for d in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in accepted)


# --- the decorator -------------------------------------------------------------------------------------


@second_factor_required
def student_rows(request):
    return HttpResponse("student rows")


def call_guarded(user, *, verified_device=None, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().get("/followup/group/7/?term=ht", headers=headers)
    request.user = user
    request.session = SessionStore()
    if verified_device is not None:
        request.session[DEVICE_ID_SESSION_KEY] = verified_device.persistent_id
    return HtmxMiddleware(OTPMiddleware(student_rows))(request)


def next_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["next"][0]


def test_decorator_sends_anonymous_people_to_sign_in():
    response = call_guarded(AnonymousUser())
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_decorator_sends_a_person_without_a_factor_to_set_one_up_and_back():
    response = call_guarded(make_user())
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == SETUP
    assert next_of(response["Location"]) == "/followup/group/7/?term=ht"


def test_decorator_asks_for_a_code_when_the_session_has_not_proved_the_factor():
    user = make_user()
    make_device(user)
    response = call_guarded(user)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == VERIFY
    assert next_of(response["Location"]) == "/followup/group/7/?term=ht"


def test_decorator_lets_a_verified_session_through():
    user = make_user()
    response = call_guarded(user, verified_device=make_device(user))
    assert response.status_code == 200 and response.content == b"student rows"


def test_decorator_does_not_accept_an_unconfirmed_or_someone_elses_device():
    user = make_user()
    assert call_guarded(user, verified_device=make_device(user, confirmed=False)).status_code == 302
    assert call_guarded(user, verified_device=make_device(make_user())).status_code == 302


def test_decorator_answers_htmx_with_hx_redirect():
    user = make_user()
    make_device(user)
    response = call_guarded(user, htmx=True)
    assert response.status_code == 204
    assert urlsplit(response["HX-Redirect"]).path == VERIFY
    assert call_guarded(make_user(), htmx=True)["HX-Redirect"].startswith(SETUP)


def test_test_helper_verifies_a_client_session():
    user = make_user()
    client = Client()
    device = verify_second_factor(client, user)
    assert device.confirmed and second_factor.has_device(user)
    request = RequestFactory().get("/x/")
    request.user = user
    request.session = SessionStore(client.session.session_key)
    assert OTPMiddleware(student_rows)(request).status_code == 200
    assert verify_second_factor(client, user) == device  # idempotent: no second device


# --- enrolment -----------------------------------------------------------------------------------------


def shown_secret(response) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1)


def test_setup_shows_a_qr_code_and_the_secret_and_keeps_it_after_a_wrong_code(no_throttle):
    user = make_user()
    client = signed_in(user)
    response = client.get(SETUP)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg width="' in body and 'class="kedja-qr"' in body and "<title>" in body
    assert "<script" not in body.split("<main", 1)[1]
    secret = shown_secret(response)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed and key_from_secret(secret) == device.bin_key
    assert all(len(group) == 4 for group in secret.split()[:-1])

    response = client.post(SETUP, {"code": wrong_code(device), "next": ACCOUNT})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert shown_secret(response) == secret  # the same secret: what was scanned still works
    assert not second_factor.has_device(user)
    assert DEVICE_ID_SESSION_KEY not in client.session

    response = client.get(SETUP)  # a reload does not change it either
    assert shown_secret(response) == secret


def test_setup_with_the_right_code_confirms_verifies_and_renews_the_session_key(no_throttle):
    user = make_user()
    client = signed_in(user)
    secret = shown_secret(client.get(SETUP))
    key_before = client.session.session_key
    response = client.post(SETUP, {"code": code_for(key_from_secret(secret)), "next": ACCOUNT})
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_before
    assert UserSession.objects.filter(user=user, session_key=client.session.session_key).exists()
    assert SecurityEvent.objects.filter(user=user, verb="second_factor.enrolled").count() == 1
    body = client.get(ACCOUNT).content.decode()
    assert "Set up" in body and "confirmed in this session" in body


def test_setup_refuses_codes_that_are_not_six_digits():
    user = make_user()
    client = signed_in(user)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "12ab56"})
    assert "The code is six digits, like 123456." in response.content.decode()
    assert 'value="12ab56"' in response.content.decode()  # what was typed stays
    assert CodeForm({"code": " 123 456 "}).is_valid()
    assert not CodeForm({"code": "１２３４５６"}).is_valid()  # full-width digits are not ASCII


def test_replacing_asks_for_the_current_code_first_and_keeps_the_old_device_until_confirmed(no_throttle):
    user = make_user()
    old = make_device(user)
    client = signed_in(user)
    response = client.get(SETUP)
    assert response.status_code == 302 and urlsplit(response["Location"]).path == VERIFY
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()  # nothing made before proof

    response = client.post(VERIFY, {"code": current_code(old), "next": SETUP})
    assert response.status_code == 302 and response["Location"] == SETUP
    secret = shown_secret(client.get(SETUP))
    assert key_from_secret(secret) != old.bin_key
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()  # still the working one
    client.post(SETUP, {"code": "000000"})
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    response = client.post(SETUP, {"code": code_for(key_from_secret(secret))})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    new = TOTPDevice.objects.get(user=user)
    assert new.confirmed and client.session[DEVICE_ID_SESSION_KEY] == new.persistent_id
    assert SecurityEvent.objects.filter(user=user, verb="second_factor.replaced").exists()


# --- verification --------------------------------------------------------------------------------------


def test_verify_without_a_factor_sends_to_setup():
    client = signed_in(make_user())
    response = client.get(VERIFY + "?next=/organisations/1/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == SETUP
    assert next_of(response["Location"]) == "/organisations/1/"


def test_verify_with_the_right_code_goes_to_next_and_a_code_works_only_once(no_throttle):
    user = make_user()
    device = make_device(user)
    client = signed_in(user)
    page = client.get(VERIFY + "?next=/organisations/1/")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    code = current_code(device)
    response = client.post(VERIFY, {"code": code, "next": "/organisations/1/"})
    assert response.status_code == 302 and response["Location"] == "/organisations/1/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    other = signed_in(user)  # another browser: the same code again is refused (replay)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200 and "each code works only once" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in other.session


def test_signing_out_forgets_the_verification():
    user = make_user()
    client = Client()
    verify_second_factor(client, user)
    client.post(reverse("accounts:logout"))
    client.force_login(user)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(VERIFY).status_code == 200  # asked again


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
    ],
)
def test_verify_refuses_to_redirect_off_site(no_throttle, target):
    user = make_user()
    device = make_device(user)
    client = signed_in(user)
    response = client.post(VERIFY, {"code": current_code(device), "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("home:start")
    assert 'value="https://evil' not in client.get(VERIFY + "?next=https://evil.example/").content.decode()


def test_verify_is_throttled_after_a_wrong_code(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = make_user()
    device = make_device(user)
    client = signed_in(user)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert "That code is not right." in response.content.decode()
    response = client.post(VERIFY, {"code": current_code(device)})  # even the right code waits now
    body = response.content.decode()
    assert response.status_code == 200
    assert "Too many wrong codes in a row. Wait" in body and "seconds" in body
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a refused try while waiting does not count


def test_check_code_reports_how_long_to_wait(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    user = make_user()
    device = make_device(user)
    for _ in range(3):
        second_factor.check_code(user, wrong_code(device))
    result, _ = second_factor.check_code(user, current_code(device))
    assert result.outcome is second_factor.Outcome.THROTTLED
    assert 1 <= result.wait_seconds <= 10  # one failure: 10 s; then the second try is already throttled


# --- the account page, removal, admin reset -----------------------------------------------------------


def test_account_page_says_whether_a_factor_is_set_up():
    user = make_user()
    client = signed_in(user)
    body = client.get(ACCOUNT).content.decode()
    assert "Not set up" in body and f'href="{SETUP}"' in body and REMOVE not in body
    make_device(user)
    body = client.get(ACCOUNT).content.decode()
    assert "Not set up" not in body and "Replace with a new authenticator" in body and REMOVE in body


def test_removing_needs_the_current_code(no_throttle):
    user = make_user()
    device = make_device(user)
    client = signed_in(user)
    response = client.post(REMOVE, {"code": wrong_code(device)})
    assert response.status_code == 200 and "That code is not right." in response.content.decode()
    assert 'id="id_remove_code"' in response.content.decode()
    assert second_factor.has_device(user)
    response = client.post(REMOVE, {"code": current_code(device)})
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert SecurityEvent.objects.filter(user=user, verb="second_factor.removed", actor=user).exists()


def test_reset_command_removes_a_lost_factor_and_records_it():
    user = make_user("Lena.Larare@kedja.example")
    make_device(user)
    make_device(user, confirmed=False)
    out = StringIO()
    call_command("reset_second_factor", "LENA.larare@kedja.example", "--reason", "ticket 42", stdout=out)
    assert "reset (2 device(s) removed)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = SecurityEvent.objects.get(user=user, verb="second_factor.reset")
    assert event.detail == {"devices": 2, "reason": "ticket 42"} and event.actor is None
    with pytest.raises(CommandError, match="No person"):
        call_command("reset_second_factor", "nobody@kedja.example", stdout=StringIO())


def test_demo_principal_and_teacher_have_the_documented_secret(no_throttle):
    from kedja.organisations.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, build_demo

    build_demo()
    build_demo()  # twice: still one device each
    for local in ("rektor", "larare"):
        device = TOTPDevice.objects.get(user__email=f"{local}@kedja.example")
        assert device.confirmed and device.bin_key == key_from_secret(DEMO_TOTP_SECRET)
    assert not TOTPDevice.objects.filter(user__email="regionutvecklare@kedja.example").exists()
    client = Client()
    client.post(reverse("accounts:login"), {"username": "larare@kedja.example", "password": DEMO_PASSWORD})
    response = client.post(VERIFY, {"code": code_for(key_from_secret(DEMO_TOTP_SECRET))})
    assert response.status_code == 302


def test_security_events_are_read_only_in_the_admin():
    user = make_user()
    second_factor.reset(user)
    staff = Client()
    staff.force_login(make_user(is_staff=True, is_superuser=True))
    changelist = staff.get(reverse("admin:accounts_securityevent_changelist"))
    assert changelist.status_code == 200 and "second_factor.reset" in changelist.content.decode()
    event = SecurityEvent.objects.get()
    assert (
        staff.post(
            reverse("admin:accounts_securityevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_demo_command_prints_the_demo_secret_with_a_warning():
    from kedja.organisations.demo import DEMO_TOTP_SECRET

    out = StringIO()
    call_command("demo", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue() and "Development only" in out.getvalue()
    assert "rektor@kedja.example, larare@kedja.example" in out.getvalue()
