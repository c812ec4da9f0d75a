"""Counting characters as the applicant sees them, and the deadline by the server's clock (docs/domain.md,
"Calls")."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kedja.calls.models import Call
from kedja.calls.rules import has_closed, is_open, overflow, text_length, weighted_score

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("abc def", 7),
        ("rad ett\nrad två", 15),
        ("rad ett\r\nrad två", 15),  # CRLF as the browser sends it is one line break
        ("å", 1),
        ("a\u030a", 1),  # a + combining ring above: one character on screen
        ("👍🏽", 1),  # thumbs up with a skin tone
        ("👩‍👩‍👧", 1),  # a family joined with zero-width joiners
        ("🇸🇪", 1),  # a flag: two regional indicators
        ("  ", 2),
    ],
)
def test_text_length_counts_what_the_applicant_sees(text, length):
    assert text_length(text) == length


def test_overflow_never_truncates_it_only_counts():
    text = "x" * 2503
    assert overflow(text, 2500) == 3
    assert overflow(text, None) == 0
    assert overflow("x" * 2500, 2500) == 0


def _call(opens, closes, status=Call.Status.PUBLISHED):
    return Call(opens_at=opens, closes_at=closes, status=status, places=8)


def test_the_closing_minute_is_accepted_whole():
    # What the applicant reads — "Ansök senast 3 augusti 2026 23:59" — is what the server does.
    closes = datetime(2026, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    call = _call(closes - timedelta(days=30), closes)
    assert is_open(call, closes - timedelta(seconds=1))
    assert is_open(call, closes)
    assert is_open(call, closes + timedelta(seconds=59, microseconds=999_999))
    assert not has_closed(call, closes + timedelta(seconds=59))
    assert not is_open(call, datetime(2026, 8, 4, 0, 0, tzinfo=STOCKHOLM))
    assert has_closed(call, datetime(2026, 8, 4, 0, 0, tzinfo=STOCKHOLM))
    assert not is_open(
        _call(closes - timedelta(days=30), closes, Call.Status.DRAFT), closes - timedelta(days=1)
    )


def test_summer_time_change_does_not_move_the_deadline():
    # Sweden leaves summer time on 25 October 2026 at 03:00 CEST → 02:00 CET; a call closing at 12:00 local
    # time on 26 October closes at 11:00 UTC, and one closing 24 October at 12:00 at 10:00 UTC.
    after = datetime(2026, 10, 26, 12, 0, tzinfo=STOCKHOLM)
    before = datetime(2026, 10, 24, 12, 0, tzinfo=STOCKHOLM)
    assert after.astimezone(ZoneInfo("UTC")).hour == 11
    assert before.astimezone(ZoneInfo("UTC")).hour == 10
    call = _call(before, after)
    assert is_open(call, datetime(2026, 10, 26, 11, 0, 59, tzinfo=ZoneInfo("UTC")))
    assert not is_open(call, datetime(2026, 10, 26, 11, 1, 0, tzinfo=ZoneInfo("UTC")))


def test_weighted_score_is_a_share_of_the_maximum():
    assert weighted_score({1: 5, 2: 1}, {1: 2, 2: 1}, {1: 5, 2: 5}) == round(100 * 11 / 15, 1)
    assert weighted_score({}, {1: 1}, {1: 5}) is None
