"""The second factor (TOTP, django-otp): who has one, whether this session has proved it, and the rules for
setting one up, replacing, removing and resetting it. Views that show student-level data are wrapped with
`second_factor_required`; the pages that set up and check the factor live in accounts.views_second_factor.

A session is "verified" when django_otp.login() has stored the confirmed device in it (OTPMiddleware then
makes request.user.is_verified() true). Signing out flushes the session, so every sign-in asks again.
"""

import enum
import functools
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEvent, User, UserSession

PENDING_NAME = "pending"
CONFIRMED_NAME = "authenticator"


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    wait_seconds: int = 0  # when THROTTLED: how long until the next try is allowed

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


# --- state -----------------------------------------------------------------------------------------------


def has_device(user) -> bool:
    """True when this person has a confirmed second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def is_verified(request) -> bool:
    """True when this session has been confirmed with the person's second factor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    check = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(check and check())


def safe_next(request, candidate: str | None, default: str) -> str:
    """`candidate` if it points at this site (no open redirect), else `default`."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- the decorator ---------------------------------------------------------------------------------------


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def second_factor_required(view):
    """Sign-in first (as login_required); then a person without a second factor is sent to set one up,
    and one who has it but has not used it in this session is sent to enter a code. Both come back to the
    page they asked for. htmx requests get HX-Redirect, so the whole page navigates."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_verified(request):
            target = (
                "accounts:second_factor_verify"
                if has_device(request.user)
                else "accounts:second_factor_setup"
            )
            url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
            return _redirect(request, url)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


# --- rules -----------------------------------------------------------------------------------------------


def record(verb: str, user: User, *, by: User | None = None, **detail) -> None:
    SecurityEvent.objects.create(
        user=user, email=user.email, actor=by if by is not None and by.pk else None, verb=verb, detail=detail
    )


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up: the same secret until it is confirmed (a wrong code or a
    reload does not change what the person has already scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)


def secret_groups(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, title: str) -> SafeString:
    """The device's otpauth:// link as an inline SVG QR code (drawn on the server: no script, no image
    request, nothing for the Content-Security-Policy to allow)."""
    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(scale=4, dark="#000", light="#fff", title=title, svgclass="kedja-qr")
    # segno writes only numbers, colours and the escaped title: nothing a person typed reaches the markup.
    return mark_safe(svg)  # noqa: S308


def _check(device: TOTPDevice, token: str) -> Check:
    """Verify `token` on a device that was loaded with select_for_update, inside a transaction."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until")
        wait = int((locked_until - timezone.now()).total_seconds()) + 1 if locked_until else 1
        return Check(Outcome.THROTTLED, max(wait, 1))
    if device.verify_token(token):
        return Check(Outcome.OK)
    return Check(Outcome.WRONG)


@transaction.atomic
def confirm_enrolment(user: User, device_id: int, token: str) -> Check:
    """Confirm the pending device with a code from the app. Only then is an earlier device replaced."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:  # replaced by a set-up in another tab meanwhile
        return Check(Outcome.WRONG)
    result = _check(device, token)
    if result.ok:
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0]
        device.confirmed, device.name = True, CONFIRMED_NAME
        device.save(update_fields=["confirmed", "name"])
        record("second_factor.replaced" if replaced else "second_factor.enrolled", user, by=user)
    return result


@transaction.atomic
def check_code(user: User, token: str) -> tuple[Check, TOTPDevice | None]:
    """Check a code against the person's confirmed device (throttled by django-otp)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        return Check(Outcome.WRONG), None
    return _check(device, token), device


@transaction.atomic
def remove(user: User, token: str) -> Check:
    """Remove the second factor; the current code is required."""
    result, device = check_code(user, token)
    if result.ok:
        TOTPDevice.objects.filter(user=user).delete()
        record("second_factor.removed", user, by=user)
    return result


@transaction.atomic
def reset(user: User, *, by: User | None = None, reason: str = "") -> int:
    """An admin's reset of a lost factor: every device goes, the person sets up a new one at next need."""
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    record("second_factor.reset", user, by=by, devices=deleted, reason=reason)
    return deleted


def install(user: User, *, key_hex: str) -> TOTPDevice:
    """Give a person a confirmed device with a known key (the demo world only; see organisations.demo)."""
    TOTPDevice.objects.filter(user=user).exclude(key=key_hex).delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, key=key_hex, defaults={"name": CONFIRMED_NAME, "confirmed": True}
    )
    return device


def mark_verified(request, device: TOTPDevice) -> None:
    """Store the device in the session (django_otp.login) under a new session key: a session gaining a
    privilege gets a new identifier, and the record of where the person is signed in follows it."""
    old_key = request.session.session_key
    request.session.cycle_key()
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)
    otp_login(request, device)
