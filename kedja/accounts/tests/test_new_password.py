"""Setting a new password: the rules' messages sit beside the new password, and a password reset through the
e-mailed link lifts a sign-in lockout (the lockout page tells people to reset their password)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kedja.organisations.factories import make_user
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def reset_form_url(client, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    assert page.status_code == 200
    return page.redirect_chain[-1][0]


def sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_a_reset_through_the_link_lifts_the_lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user("laslas@kedja.example")
    client = Client()
    for _ in range(3):
        sign_in(client, user.email, "fel-lösenord")
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    url = reset_form_url(client, user)
    response = client.post(
        url, {"new_password1": "Nytt-lösenord-2026", "new_password2": "Nytt-lösenord-2026"}
    )
    assert response.status_code == 302
    assert sign_in(Client(), user.email, "Nytt-lösenord-2026").status_code == 302


def test_a_refused_new_password_is_reported_beside_the_new_password():
    user = make_user("vanlig@kedja.example")
    client = Client()
    url = reset_form_url(client, user)
    response = client.post(url, {"new_password1": "password123", "new_password2": "password123"})
    form = response.context["form"]
    assert form.errors.get("new_password1") and not form.errors.get("new_password2")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    form = response.context["form"]
    assert form.errors.get("new_password1") and not form.errors.get("new_password2")
