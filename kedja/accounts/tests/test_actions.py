"""accounts.actions: ending a person's sessions (everywhere else, after a password change, everywhere) and
saving "my account" with a record of what changed."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from kedja.accounts import actions
from kedja.accounts.models import SecurityEvent, User, UserSession
from kedja.organisations.factories import make_user

PASSWORD = "correct-horse-battery-9"
pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def key_of(client) -> str:
    return client.session.session_key


def test_ending_the_other_sessions_keeps_the_one_in_use():
    user = make_user()
    mine, other, third = signed_in(user), signed_in(user), signed_in(user)
    assert actions.end_sessions(user, keep=key_of(mine)) == 2
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [key_of(mine)]
    assert Session.objects.filter(session_key=key_of(mine)).exists()
    assert mine.get(reverse("home:start")).status_code == 200
    assert (
        other.get(reverse("home:start")).status_code == 302
        and third.get(reverse("home:start")).status_code == 302
    )


def test_ending_every_session_leaves_none_and_touches_nobody_else():
    user, colleague = make_user(), make_user()
    signed_in(user), signed_in(user)
    theirs = signed_in(colleague)
    assert actions.end_sessions(user) == 2
    assert not UserSession.objects.filter(user=user).exists()
    assert UserSession.objects.filter(user=colleague).count() == 1
    assert theirs.get(reverse("home:start")).status_code == 200


def test_the_account_page_and_a_password_change_end_the_other_sessions_through_the_action():
    user = make_user()
    mine, other = signed_in(user), signed_in(user)
    response = mine.post(reverse("accounts:end_other_sessions"), follow=True)
    with translation.override(user.language):
        expected = ngettext(
            "Signed out of %(n)d other session.", "Signed out of %(n)d other sessions.", 1
        ) % {"n": 1}
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert other.get(reverse("home:start")).status_code == 302
    again = signed_in(user)
    new_password = "another-horse-battery-7"
    changed = mine.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert changed.status_code == 302
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [key_of(mine)]
    assert not Session.objects.filter(session_key=key_of(again)).exists()


def test_saving_my_account_records_the_fields_that_changed():
    user = make_user(full_name="Anna Berg")
    changed = actions.update_account(
        user, data={"full_name": "Anna Lind", "phone": user.phone, "language": user.language}, by=user
    )
    assert changed == ["full_name"]
    assert User.objects.get(pk=user.pk).full_name == "Anna Lind"
    event = SecurityEvent.objects.get(user=user, verb="account.changed")
    assert event.actor == user and event.email == user.email and event.detail == {"fields": ["full_name"]}
    same = actions.update_account(
        user, data={"full_name": "Anna Lind", "phone": user.phone, "language": user.language}, by=user
    )
    assert same == [] and SecurityEvent.objects.filter(verb="account.changed").count() == 1


def test_the_account_page_saves_through_the_action():
    user = make_user()
    client = signed_in(user)
    response = client.post(
        reverse("accounts:account"), {"full_name": "Ny Namn", "phone": "", "language": "nb"}
    )
    assert response.status_code == 302 and response.cookies["django_language"].value == "nb"
    assert User.objects.get(pk=user.pk).language == "nb"
    assert SecurityEvent.objects.get(user=user, verb="account.changed").detail["fields"][-1] == "language"
