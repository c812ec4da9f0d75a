from datetime import date

from django.utils import formats, translation


def test_english_dates_are_never_in_the_us_order():
    day = date(2026, 11, 27)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "2026-11-27"
        assert formats.date_format(day) == "27 November 2026"
    with translation.override("sv"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "2026-11-27"
