from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core import signing
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from . import sessions

ACTIVITY_COOKIE = "kedja_active"


def _salt(session_key: str) -> str:
    return f"kedja.accounts.activity.{session_key}"


def last_activity(request) -> float | None:
    """The time of this session's last request, from the signed activity cookie (None without one, or for
    a cookie of another session or a forged one)."""
    key = request.session.session_key
    if not key:
        return None
    try:
        value = request.get_signed_cookie(ACTIVITY_COOKIE, default=None, salt=_salt(key))
        return float(value) if value is not None else None
    except (signing.BadSignature, ValueError):
        return None


class SessionLifetimeMiddleware:
    """Signs a person out after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS after
    sign-in, whichever comes first; the session is deleted on the server, not only forgotten by the browser.

    The idle time is exact to the second without writing the session on every request: each response to a
    signed-in person carries a cookie with the request's time, signed with a salt bound to the session key
    (it cannot be forged or moved to another session), and the session's own stamp is rewritten at most once
    a minute. The later of the two counts; a browser that drops the cookie is held to the coarser stamp, which
    can only sign it out sooner, never later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = sessions.now_seconds()
        if request.user.is_authenticated:
            if sessions.session_expired(
                request.session,
                now=now,
                idle_seconds=settings.SESSION_IDLE_SECONDS,
                absolute_seconds=settings.SESSION_ABSOLUTE_SECONDS,
                seen_at=last_activity(request),
            ):
                logout(request)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Please sign in again.")
                )
                response = redirect(
                    f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                )
                response.delete_cookie(ACTIVITY_COOKIE, samesite="Lax")
                return response
            if now - request.session.get(sessions.SEEN_AT_KEY, 0) > sessions.TOUCH_SECONDS:
                request.session[sessions.SEEN_AT_KEY] = now
        response = self.get_response(request)
        key = getattr(request, "session", None) and request.session.session_key
        if key and request.user.is_authenticated:
            response.set_signed_cookie(
                ACTIVITY_COOKIE,
                f"{now:.3f}",
                salt=_salt(key),
                max_age=settings.SESSION_ABSOLUTE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
