"""Rules about sign-in sessions: recorded at sign-in, their lifetime, stale records. Ending them on the server
(sign-out everywhere else, a password change, deactivation) is accounts.actions.end_sessions."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from kedja.core.identifiers import canonical_email

from .models import User, UserSession

LOGIN_AT_KEY = "kedja_login_at"
SEEN_AT_KEY = "kedja_seen_at"
# The server-side stamp is rewritten at most this often (a session write); between writes the exact time
# of the last request travels in a signed cookie bound to the session key (SessionLifetimeMiddleware).
TOUCH_SECONDS = 60


def now_seconds() -> float:
    return timezone.now().timestamp()


def record_session(user: User, session, *, user_agent: str = "") -> None:
    """Called right after sign-in (when Django has already given the session a new key)."""
    now = timezone.now().timestamp()
    session[LOGIN_AT_KEY] = now
    session[SEEN_AT_KEY] = now
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "user_agent": user_agent[:300]}
    )


def lockout_username(request, credentials=None) -> str:
    """The key django-axes counts failed sign-ins under (AXES_USERNAME_CALLABLE): the canonical e-mail, so
    changing the letter case or typing fullwidth letters does not start a new count."""
    if credentials and credentials.get("username"):
        return canonical_email(str(credentials["username"]))
    data = getattr(request, "POST", None) or {}
    return canonical_email(str(data.get("username", "")))


def session_expired(
    session, *, now: float, idle_seconds: int, absolute_seconds: int, seen_at: float | None = None
) -> bool:
    """True when the session has been idle too long or has lived past its absolute lifetime. `seen_at` is
    the last request's time from the signed activity cookie, when the browser sent one; the later of it and
    the session's own stamp counts."""
    login_at = session.get(LOGIN_AT_KEY)
    if login_at is None:
        return False
    last = max(session.get(SEEN_AT_KEY, login_at), seen_at or 0)
    return now - last > idle_seconds or now - login_at > absolute_seconds


def purge_stale_records(*, older_than: timedelta) -> int:
    """Drop session records whose session no longer exists (used by clearsessions housekeeping)."""
    live = Session.objects.values("session_key")
    cutoff = timezone.now() - older_than
    deleted, _ = UserSession.objects.exclude(session_key__in=live).filter(created_at__lt=cutoff).delete()
    return deleted
