"""Sign-in and sessions (docs/security.md, "Sign-in, sessions and passwords")."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kedja.accounts import sessions
from kedja.accounts.actions import end_sessions
from kedja.accounts.middleware import ACTIVITY_COOKIE
from kedja.accounts.models import User, UserSession
from kedja.accounts.sessions import LOGIN_AT_KEY, SEEN_AT_KEY, session_expired
from kedja.organisations.factories import make_user

PASSWORD = "correct-horse-battery-9"
pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def test_production_hasher_is_argon2():
    import kedja.settings as configured  # the tests themselves use a fast hasher

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_common_and_short_passwords_are_refused():
    for bad in ("password123", "qwertyuiop", "kort"):
        with pytest.raises(ValidationError):
            validate_password(bad)
    validate_password("Tallbacka-lärare-2026")


def test_sign_in_by_email_any_case_gives_a_new_session_key():
    user = make_user("Anna.Admin@kedja.example")
    client = Client()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    response = sign_in(client, "ANNA.ADMIN@kedja.example")
    assert response.status_code == 302 and response["Location"] == reverse("home:start")
    assert client.session.session_key != before
    assert UserSession.objects.filter(user=user, session_key=client.session.session_key).exists()


def test_failed_sign_in_says_what_is_wrong_and_keeps_the_email():
    make_user("rektor@kedja.example")
    response = sign_in(Client(), "rektor@kedja.example", "fel-lösenord")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="rektor@kedja.example"' in body
    assert "ds-alert" in body and 'role="alert"' in body
    assert "fel-lösenord" not in body  # the password is never echoed


def test_lockout_after_repeated_failures(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_user("larare@kedja.example")
    client = Client()
    for _ in range(3):
        sign_in(client, "larare@kedja.example", "fel-lösenord")
    response = sign_in(client, "larare@kedja.example", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_out_deletes_the_session_on_the_server():
    user = make_user()
    client = Client()
    sign_in(client, user.email)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie no longer works
    stale = Client()
    stale.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert stale.get(reverse("home:start")).status_code == 302


def test_deactivation_ends_every_session_of_the_person():
    user = make_user()
    a, b = Client(), Client()
    sign_in(a, user.email)
    sign_in(b, user.email)
    assert end_sessions(user) == 2
    assert a.get(reverse("home:start")).status_code == 302
    assert b.get(reverse("home:start")).status_code == 302


def test_inactive_person_cannot_sign_in():
    user = make_user(is_active=False)
    response = sign_in(Client(), user.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_idle_and_absolute_lifetime_rules():
    now = 10_000.0
    fresh = {LOGIN_AT_KEY: now - 60, SEEN_AT_KEY: now - 60}
    idle = {LOGIN_AT_KEY: now - 3600, SEEN_AT_KEY: now - 3600}
    old = {LOGIN_AT_KEY: now - 11 * 3600, SEEN_AT_KEY: now - 10}
    rule = {"now": now, "idle_seconds": 1800, "absolute_seconds": 10 * 3600}
    assert not session_expired(fresh, **rule)
    assert session_expired(idle, **rule)
    assert session_expired(old, **rule)
    assert not session_expired(idle, **rule, seen_at=now - 5)  # the activity cookie's later time counts
    assert session_expired(old, **rule, seen_at=now)  # but never past the absolute lifetime


def test_idle_session_is_signed_out_on_the_next_request(settings, monkeypatch):
    settings.SESSION_IDLE_SECONDS = 1800
    clock = Clock(monkeypatch)
    user = make_user()
    client = Client()
    sign_in(client, user.email)
    key = client.session.session_key
    clock.now += 3601
    response = client.get(reverse("home:start"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=key).exists()


class Clock:
    """The time the session rules see (kedja.accounts.sessions.now_seconds), moved by the test."""

    def __init__(self, monkeypatch):
        self.now = time.time()
        monkeypatch.setattr(sessions, "now_seconds", lambda: self.now)


def _session_row(key):
    return Session.objects.filter(session_key=key).values_list("session_data", "expire_date").first()


def test_idle_timeout_is_exact_to_the_second_without_a_write_per_request(settings, monkeypatch):
    """60 s configured: requests 59 s apart keep the session (the old once-a-minute stamp signed people out
    after as little as a few seconds of idleness); 61 s after the last request it ends. Requests within the
    minute do not write the session row."""
    settings.SESSION_IDLE_SECONDS = 60
    clock = Clock(monkeypatch)
    user = make_user()
    client = Client()
    sign_in(client, user.email)
    key = client.session.session_key
    for _ in range(4):  # 4 × 59 s: longer than the timeout in all, never 60 s idle at once
        clock.now += 59
        assert client.get(reverse("accounts:account")).status_code == 200
    clock.now += 5
    before = _session_row(key)
    for _ in range(3):
        clock.now += 5
        assert client.get(reverse("accounts:account")).status_code == 200
    assert _session_row(key) == before  # three requests, no session write
    clock.now += 59.5  # idle within a second of the limit
    assert client.get(reverse("accounts:account")).status_code == 200
    clock.now += 61
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=key).exists()


def test_the_activity_cookie_cannot_be_forged_or_moved_to_another_session(settings, monkeypatch):
    settings.SESSION_IDLE_SECONDS = 60
    clock = Clock(monkeypatch)
    user = make_user()
    other = Client()
    sign_in(other, user.email)
    client = Client()
    sign_in(client, user.email)
    clock.now += 50
    other.get(reverse("accounts:account"))  # other's cookie now says +50, signed for other's session
    client.cookies[ACTIVITY_COOKIE] = other.cookies[ACTIVITY_COOKIE].value
    clock.now += 30  # client idle 80 s; a cookie borrowed from the other session does not help it
    assert client.get(reverse("accounts:account")).status_code == 302
    third = Client()
    sign_in(third, user.email)
    third.cookies[ACTIVITY_COOKIE] = f"{clock.now + 1000}"  # unsigned: ignored
    clock.now += 61
    assert third.get(reverse("accounts:account")).status_code == 302


def test_password_reset_by_email_sets_a_new_password():
    user = make_user("glomsk@kedja.example")
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "glomsk@kedja.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["glomsk@kedja.example"]
    link = re.search(r"https?://[^\s]+/password/reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nytt-lösenord-2026", "new_password2": "Nytt-lösenord-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nytt-lösenord-2026")


def test_password_reset_does_not_reveal_whether_an_account_exists():
    response = Client().post(reverse("accounts:password_reset"), {"email": "finns.inte@kedja.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_account_form_shows_errors_beside_the_field_and_keeps_input():
    user = make_user()
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:account"), {"full_name": "Ny Person", "phone": "ring mig", "language": "sv"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_phone_error"' in body and 'aria-describedby="id_phone_error"' in body
    assert 'value="ring mig"' in body and 'value="Ny Person"' in body
    user.refresh_from_db()
    assert user.full_name != "Ny Person"


def test_choosing_a_language_in_my_account_switches_the_ui():
    user = make_user()
    client = Client()
    client.force_login(user)
    client.post(reverse("accounts:account"), {"full_name": "Anna", "phone": "", "language": "en"})
    assert User.objects.get(pk=user.pk).language == "en"
    assert client.get(reverse("accounts:account"))["Content-Language"] == "en"


def test_sign_out_everywhere_else_keeps_this_session():
    user = make_user()
    here, there = Client(), Client()
    sign_in(here, user.email)
    sign_in(there, user.email)
    here.post(reverse("accounts:end_other_sessions"))
    assert here.get(reverse("home:start")).status_code == 200
    assert there.get(reverse("home:start")).status_code == 302


def test_housekeeping_removes_expired_sessions_and_their_records():
    user = make_user()
    client = Client()
    sign_in(client, user.email)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(days=1))
    UserSession.objects.filter(session_key=key).update(created_at=timezone.now() - timedelta(days=2))
    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert "1 expired sessions, 1 stale session records" in out.getvalue()
    assert not UserSession.objects.filter(session_key=key).exists()


def test_passwords_built_from_ones_own_name_or_address_are_refused():
    person = User(email="sess1@kedja.example", full_name="Sessan Karlsson")
    for bad in ("sess1sess1sess1", "SESS1-2026-vinter", "karlsson-lösen-99", "Sessan!Sessan!1"):
        with pytest.raises(ValidationError) as refused:
            validate_password(bad, person)
        assert "contains your name or the first part of your e-mail address" in " ".join(
            refused.value.messages
        )
    validate_password("Tallbacka-lärare-2026", person)
    validate_password("medieval-castle-walls-7", User(email="eva@kedja.example", full_name="Eva Ek"))


def test_changing_the_password_to_the_address_is_refused_beside_the_field():
    user = make_user("sess1@kedja.example")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "sess1sess1sess1", "new_password2": "sess1sess1sess1"},
    )
    assert response.status_code == 200
    assert "contains your name or the first part of your e-mail address" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
