"""The rules of calls as plain functions (docs/domain.md, "Calls"): how long a text is, whether a call is
open, and whether a decision fits the places. The browser's counter (static/calls/counter.js) counts the same
way.

A text's length is its number of user-perceived characters — extended grapheme clusters (regex's \\X): an
emoji with skin tone, a letter with a combining accent and a CRLF line break each count as one, as do a
space and an LF. Browsers send line breaks as CRLF; we store what was sent and count it the same."""

from datetime import datetime, timedelta

import regex
from django.utils import timezone

from .models import Application, Call

_GRAPHEME = regex.compile(r"\X")


def text_length(text: str | None) -> int:
    if not text:
        return 0
    return len(_GRAPHEME.findall(text))


def overflow(text: str | None, limit: int | None) -> int:
    """How many characters over the limit (0 when within it or there is no limit)."""
    if not limit:
        return 0
    return max(0, text_length(text) - limit)


def closed_from(call: Call) -> datetime:
    """The first instant the call is closed. The closing time is the last minute shown to applicants
    ("Ansök senast 3 augusti 2027 23:59"), so the whole of that minute is accepted: 23:59:59.999 still
    submits, 00:00:00 does not."""
    return call.closes_at.replace(second=0, microsecond=0) + timedelta(minutes=1)


def is_open(call: Call, now: datetime | None = None) -> bool:
    """Open for applications: published, opened, and not yet closed (`closed_from`), by the server's
    clock."""
    now = now or timezone.now()
    return call.status == Call.Status.PUBLISHED and call.opens_at <= now < closed_from(call)


def has_closed(call: Call, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= closed_from(call)


def weighted_score(
    scores: dict[int, int], weights: dict[int, int], max_scores: dict[int, int]
) -> float | None:
    """One reviewer's weighted score as a share of the maximum (0–100): Σ weight·score / Σ weight·max.
    None when no criterion is scored."""
    scored = [c for c in scores if c in weights]
    if not scored:
        return None
    top = sum(weights[c] * max_scores[c] for c in scored)
    return round(100 * sum(weights[c] * scores[c] for c in scored) / top, 1) if top else None


def accepted_count(call: Call, *, excluding: Application | None = None) -> int:
    qs = call.applications.filter(decision=Application.Decision.ACCEPTED).exclude(
        status=Application.Status.WITHDRAWN
    )
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.count()
