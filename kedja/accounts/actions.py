"""Writes of the accounts app that views and other apps ask for: ending a person's sessions on the server,
and a person's own details saved from "my account" (recorded in SecurityEvent, the accounts app's audit —
accounts sits below organisations and cannot write AuditEvent). Second-factor writes live in
second_factor.py with the rules they follow; sign-in's own bookkeeping (sessions.record_session) runs
inside Django's sign-in."""

from django.contrib.sessions.models import Session
from django.db import transaction

from .models import User, UserSession
from .second_factor import record

ACCOUNT_FIELDS = ("full_name", "phone", "language")


@transaction.atomic
def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End the person's sessions on the server — the session and its record — all but the one with key
    `keep` (the session the person is using), or every one when `keep` is None (deactivation, an admin).
    Returns how many were ended."""
    records = UserSession.objects.filter(user=user)
    if keep is not None:
        records = records.exclude(session_key=keep)
    keys = list(records.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def update_account(user: User, *, data: dict, by: User) -> list[str]:
    """Save a person's own name, phone and language (`data`: cleaned by accounts.forms.AccountForm).
    The fields that changed are recorded as "account.changed"; returns them."""
    stored = User.objects.filter(pk=user.pk).values(*ACCOUNT_FIELDS).get()
    for name in ACCOUNT_FIELDS:
        setattr(user, name, data[name])
    user.save(update_fields=list(ACCOUNT_FIELDS))
    changed = [name for name in ACCOUNT_FIELDS if stored[name] != data[name]]
    if changed:
        record("account.changed", user, by=by, fields=changed)
    return changed
