"""The access log of student-level data (docs/privacy.md, "The access log of student data"): every view,
export, import or erasure that touches student rows writes one StudentDataAccess row — before the data leaves
the server, inside the same request. Views never read Row or Student objects of a unit except through
functions that call `record` (see kedja/followup/reading.py), and tests walk every follow-up URL to prove
it."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import AccessAction, StudentDataAccess

WHAT_LENGTH = 300


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


def scores_changed(codes_by_student: dict, students: dict, round_) -> str:
    """The "what" of one save of several cells: which students and which of their columns, e.g.
    "Scores changed, Höstterminen 2026: Anna Berg (Matematik, Engelska), Omar Ali (3 scores)" — shortened to the
    log's length with the number of students left out; the entry keeps every student's id."""
    head = ngettext(
        "%(count)s score changed, %(round)s:",
        "%(count)s scores changed, %(round)s:",
        sum(map(len, codes_by_student.values())),
    ) % {"count": sum(map(len, codes_by_student.values())), "round": round_}
    parts = []
    for student_id, codes in codes_by_student.items():
        name = str(students.get(student_id, student_id))
        if len(codes) <= 3:
            parts.append(f"{name} ({', '.join(codes)})")
        else:
            parts.append(
                ngettext("%(name)s (%(n)s score)", "%(name)s (%(n)s scores)", len(codes))
                % {"name": name, "n": len(codes)}
            )
    text = head
    for i, part in enumerate(parts):
        rest = len(parts) - i
        more = " " + _("and %(n)s more students") % {"n": rest}
        candidate = f"{text} {part}" + ("," if i < len(parts) - 1 else "")
        if len(candidate) + (len(more) if rest > 1 else 0) > WHAT_LENGTH:
            return (text.rstrip(",") + more)[:WHAT_LENGTH]
        text = candidate
    return text[:WHAT_LENGTH]
