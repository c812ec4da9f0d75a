"""One canonical form of the e-mail address (NFKC, case-folded, stripped) for sign-in, the lockout,
invitations, password reset and uniqueness: letter case and Unicode look-alikes (fullwidth letters, the
Kelvin sign) never make a second person, a second lockout count or a way around a lockout."""

import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from kedja.accounts.models import User
from kedja.core.identifiers import canonical_email
from kedja.organisations import access as policy
from kedja.organisations import actions
from kedja.organisations.factories import make_user
from kedja.organisations.roles import Role

PASSWORD = "correct-horse-battery-9"
KELVIN = "\u212a"  # "K", the Kelvin sign: NFKC makes it a Latin K
FULLWIDTH_LOCKME = "ｌｏｃｋｍｅ"  # fullwidth letters

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: uniqueness and case folding

migration = __import__("kedja.accounts.migrations.0003_canonical_email", fromlist=["canonicalise"])


def sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_canonical_form_folds_case_width_and_look_alikes():
    assert canonical_email("  LockMe@Kedja.Example ") == "lockme@kedja.example"
    assert canonical_email(f"{FULLWIDTH_LOCKME}@kedja.example") == "lockme@kedja.example"
    assert canonical_email(f"{KELVIN}alle@kedja.example") == "kalle@kedja.example"
    assert canonical_email("STRAßE@kedja.example") == "strasse@kedja.example"
    # a different letter (Cyrillic о) stays a different address
    assert canonical_email("l\u043eckme@kedja.example") != "lockme@kedja.example"


def test_wrong_passwords_in_different_letter_cases_lock_the_one_account(settings):
    """4 wrong passwords, each with the address in another form, lock the account; then the right password
    is refused in every form, including the ones never tried."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 4
    make_user("lockme@kedja.example")
    client = Client()
    tries = ["lockme@kedja.example", "Lockme@kedja.example", "lOckme@KEDJA.example", "LOCKME@kedja.example"]
    answers = [sign_in(client, email, "fel-lösenord-1").status_code for email in tries]
    assert answers[:3] == [200, 200, 200]  # the form again, with its message
    assert answers[3] == 429  # the fourth failure locks
    variants = [
        "lockme@kedja.example",
        "LOCKME@KEDJA.EXAMPLE",
        "lockMe@kedja.example",
        f"{FULLWIDTH_LOCKME}@kedja.example",
        f" {FULLWIDTH_LOCKME.upper()}@ｋｅｄｊａ.example ",
    ]
    refused = [sign_in(client, email, PASSWORD).status_code for email in variants]
    assert refused == [429] * len(variants)
    assert "_auth_user_id" not in client.session
    assert len(tries) + len(variants) == 9  # attempts in this test; 4 wrong + 5 right-but-locked refused


def test_kelvin_sign_and_fullwidth_letters_sign_in_as_the_same_person(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user("kalle@kedja.example")
    client = Client()
    tries = (f"{KELVIN}alle@kedja.example", "ｋａｌｌｅ@kedja.example", "KALLE@kedja.example")
    assert [sign_in(client, email, "fel-lösenord-1").status_code for email in tries] == [200, 200, 429]
    assert sign_in(Client(), "kalle@kedja.example", PASSWORD).status_code == 429  # one count, locked
    settings.AXES_ENABLED = False
    response = sign_in(Client(), f"{KELVIN}ALLE@kedja.example", PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(email="kalle@kedja.example") == user


def test_one_account_per_canonical_address():
    user = User.objects.create_user("Anna.Admin@Kedja.Example", PASSWORD, full_name="Anna")
    assert user.email == "anna.admin@kedja.example"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ＡＮＮＡ.admin@kedja.example", PASSWORD, full_name="Anna igen")
    other = User(email="ANNA.ADMIN@KEDJA.EXAMPLE", full_name="Via admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()  # save() stores the canonical form, so the unique constraint sees the clash


def test_password_reset_finds_the_person_whatever_the_case(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    make_user("glomsk@kedja.example")
    response = Client().post(reverse("accounts:password_reset"), {"email": "GLOMSK@ｋｅｄｊａ.EXAMPLE"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["glomsk@kedja.example"]


def test_invitation_to_another_case_of_an_existing_address_is_that_person(world):
    teacher = world.people["teacher"]
    admin = world.people["admin"]
    invitation = actions.invite_person(
        world.school,
        email=teacher.email.upper(),
        full_name="Same Person",
        role=Role.PRINCIPAL,
        grantable=policy.grantable_roles(admin, world.school),
        by=admin,
        accept_url=lambda token: f"http://testserver/organisations/invitations/{token}/",
    )
    assert invitation.email == teacher.email
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    response = Client().get(reverse("organisations:accept_invitation", args=[token]))
    assert (
        response.status_code == 200 and 'name="password1"' not in response.content.decode()
    )  # no new account
    actions.accept_invitation(actions.find_open_invitation(token), user=teacher)
    assert User.objects.filter(email=teacher.email).count() == 1


def test_migration_canonicalises_rows_and_refuses_collisions():
    a = make_user("first@kedja.example")
    b = make_user("second@kedja.example")
    User.objects.filter(pk=a.pk).update(email="First@Kedja.Example")  # as an older Kedja stored it
    User.objects.filter(pk=b.pk).update(email="ｓｅｃｏｎｄ@kedja.example")
    migration.canonicalise(apps, None)
    assert set(User.objects.values_list("email", flat=True)) >= {
        "first@kedja.example",
        "second@kedja.example",
    }
    User.objects.filter(pk=b.pk).update(email="FIRST@kedja.example ")
    User.objects.filter(pk=a.pk).update(email="First@Kedja.Example")
    with pytest.raises(migration.EmailCollision, match="first@kedja.example: "):
        migration.canonicalise(apps, None)
    assert migration.collisions(["a@x.se", "A@x.se", "b@x.se"]) == {"a@x.se": ["a@x.se", "A@x.se"]}
