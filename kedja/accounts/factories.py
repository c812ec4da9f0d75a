"""Test and demo helpers for the second factor: a confirmed device, a verified test-client session, and the
code an authenticator app would show right now (for browser journeys)."""

import time
from base64 import b32decode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import second_factor
from .models import User


def make_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    """A TOTP device with a random key (confirmed unless asked otherwise)."""
    name = second_factor.CONFIRMED_NAME if confirmed else second_factor.PENDING_NAME
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)


def verify_second_factor(client: Client, user: User) -> TOTPDevice:
    """Sign `user` in on the test `client` (if not already) and mark the session as having passed the
    second factor, enrolling a device first when the person has none. Returns the device."""
    if str(client.session.get("_auth_user_id")) != str(user.pk):
        client.force_login(user)
    device = second_factor.confirmed_device(user) or make_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def key_from_secret(secret: str) -> bytes:
    """The key behind a base32 secret as shown on the set-up page ("ABCD EFGH ..."; spaces, no padding)."""
    compact = "".join(secret.split()).upper()
    return b32decode(compact + "=" * (-len(compact) % 8))


def code_for(key: bytes, *, not_before_t: int = -1, step: int = 30) -> str:
    """The six-digit code for `key` an app shows now — or, when the code of this time step has been used
    already (`not_before_t` = the device's last_t + 1), the next step's code, which the device's tolerance
    of one step accepts. Lets a test sign in twice within 30 seconds without sleeping."""
    now_t = int(time.time()) // step
    drift = max(0, not_before_t - now_t)
    return f"{totp(key, step=step, drift=drift):06d}"


def current_code(device: TOTPDevice) -> str:
    """The code that `device` accepts now (never the one it has just accepted)."""
    device.refresh_from_db()
    return code_for(device.bin_key, not_before_t=device.last_t + 1, step=device.step)
