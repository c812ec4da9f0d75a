from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from .sessions import SEEN_AT_KEY, session_expired


class SessionLifetimeMiddleware:
    """Signs a person out after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS after
    sign-in, whichever comes first; the session is deleted on the server, not only forgotten by the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            if session_expired(
                request.session,
                now=now,
                idle_seconds=settings.SESSION_IDLE_SECONDS,
                absolute_seconds=settings.SESSION_ABSOLUTE_SECONDS,
            ):
                logout(request)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Please sign in again.")
                )
                return redirect(
                    f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                )
            # Touch at most once a minute, so that every request does not write the session.
            if now - request.session.get(SEEN_AT_KEY, 0) > 60:
                request.session[SEEN_AT_KEY] = now
        return self.get_response(request)
