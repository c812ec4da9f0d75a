"""The access log of student-level data (issue 6, TRUST.md): every view, export, import or erasure that
touches student rows writes one StudentDataAccess row — before the data leaves the server, inside the same
request. Views never read Row or Student objects of a unit except through functions that call `record`
(see kedja/followup/reading.py), and tests walk every follow-up URL to prove it."""

from .models import AccessAction, StudentDataAccess


def _label(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    name = getattr(user, "get_full_name", lambda: "")() or ""
    return f"{name} <{user.email}>" if name else user.email


def record(
    user,
    *,
    school_unit,
    action: str,
    what: str,
    context: str,
    students=(),
    round=None,  # noqa: A002 — the domain's word
    group=None,
) -> StudentDataAccess:
    """Write one append-only log row; `students` are Student objects or ids (only their ids are kept)."""
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}")
    ids = sorted({getattr(s, "pk", s) for s in students})
    return StudentDataAccess.objects.create(
        user=user if getattr(user, "pk", None) else None,
        user_label=_label(user)[:300],
        school_unit=school_unit,
        action=action,
        what=what[:300],
        context=context[:200],
        student_count=len(ids),
        round_ref=getattr(round, "pk", round),
        group_ref=getattr(group, "pk", group),
        student_refs=ids,
    )
